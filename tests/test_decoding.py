"""The recall boost shared by the crf and minilm taggers (newsevents.baselines.decoding)."""

from __future__ import annotations

from newsevents.baselines.decoding import recall_boost

LABELS = ["O", "B-Attack", "I-Attack", "B-PER", "I-PER"]


def table(*rows):
    """Per-token probabilities, each row a dict over LABELS (missing labels: 0)."""
    return lambda label, i: rows[i].get(label, 0.0)


def test_an_o_below_the_threshold_takes_its_most_probable_other_label():
    p = table({"O": 0.9, "B-Attack": 0.1}, {"O": 0.6, "B-Attack": 0.3, "B-PER": 0.1}, {"O": 0.95, "B-PER": 0.05})
    assert recall_boost(["O", "O", "O"], p, LABELS, 0.7, begin_only=True) == ["O", "B-Attack", "O"]
    assert recall_boost(["O", "O", "O"], p, LABELS, 0.5, begin_only=True) == ["O", "O", "O"], "0.5: the best path stays"


def test_begin_only_never_picks_an_inside_label():
    p = table({"O": 0.4, "I-Attack": 0.5, "B-PER": 0.1})
    assert recall_boost(["O"], p, LABELS, 0.7, begin_only=True) == ["B-PER"]


def test_an_inside_label_that_follows_nothing_of_its_type_becomes_a_begin():
    p = table({"O": 0.4, "I-PER": 0.6}, {"O": 0.4, "I-PER": 0.6})
    assert recall_boost(["O", "O"], p, LABELS, 0.7, begin_only=False) == ["B-PER", "I-PER"]


def test_a_boost_adds_spans_and_never_extends_a_tagged_one():
    p = table({"O": 0.1, "B-PER": 0.9}, {"O": 0.4, "I-PER": 0.6}, {"O": 0.9}, {"O": 0.3, "B-PER": 0.7})
    assert recall_boost(["B-PER", "O", "O", "O"], p, LABELS, 0.7, begin_only=False) == ["B-PER", "O", "O", "B-PER"]


def test_labels_without_o_or_any_candidate_leave_the_tags_alone():
    p = table({"O": 0.1})
    assert recall_boost(["O"], p, ["O"], 0.9, begin_only=True) == ["O"]
