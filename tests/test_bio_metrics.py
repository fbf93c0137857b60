"""BIO span scoring gives exactly seqeval's strict IOB2 numbers, on hand-made and generated tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from newsevents.document import Document, EventMention, Segment, Span
from newsevents.eval.bio_metrics import bio_counts, bio_score, score_documents_bio, sentence_tags


def seqeval_prf(gold, pred):
    return tuple(f(gold, pred, mode="strict", scheme=IOB2, zero_division=0) for f in (precision_score, recall_score, f1_score))


def ours(gold, pred):
    s = bio_score(gold, pred)
    return (s.precision, s.recall, s.f1)


@pytest.mark.parametrize(("gold", "pred", "expected"), [
    # one exact span, one missed: P 1/1, R 1/2
    ([["B-A", "I-A", "O", "B-B"]], [["B-A", "I-A", "O", "O"]], (1.0, 0.5, 2 / 3)),
    # wrong boundary is a miss and a spurious span
    ([["B-A", "I-A", "O"]], [["B-A", "O", "O"]], (0.0, 0.0, 0.0)),
    # an I- without B- starts no span in strict IOB2 (seqeval's strict mode)
    ([["O", "I-A", "I-A"]], [["O", "B-A", "I-A"]], (0.0, 0.0, 0.0)),
    # B-A I-B: two spans? no: I-B does not continue A and starts nothing
    ([["B-A", "I-B"]], [["B-A", "O"]], (1.0, 1.0, 1.0)),
    # spans never cross sequences
    ([["B-A"], ["I-A"]], [["B-A"], ["O"]], (1.0, 1.0, 1.0)),
])
def test_hand_made_sequences(gold, pred, expected):
    assert ours(gold, pred) == pytest.approx(expected)
    assert ours(gold, pred) == seqeval_prf(gold, pred)


def test_counts_per_label():
    counts = bio_counts([["B-A", "I-A", "B-B", "O"]], [["B-A", "I-A", "B-A", "O"]])
    assert {k: (c.n_gold, c.n_pred, c.n_match) for k, c in counts.items()} == {"A": (1, 2, 1), "B": (1, 0, 0)}


def test_mismatched_lengths_say_where():
    with pytest.raises(ValueError, match="sequence 1: 2 gold tags but 1 predicted tags"):
        bio_score([["O"], ["O", "O"]], [["O"], ["O"]])
    with pytest.raises(ValueError, match="unknown IOB2|invalid IOB2"):
        bio_score([["X-A"]], [["O"]])


TAGS = st.sampled_from(["O", "O", "B-A", "I-A", "B-B", "I-B", "I-C"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(TAGS, min_size=1, max_size=12), min_size=1, max_size=6).flatmap(
    lambda gold: st.tuples(st.just(gold), st.tuples(*[st.lists(TAGS, min_size=len(s), max_size=len(s)) for s in gold]))))
def test_generated_sequences_equal_seqeval(pair):
    gold, pred = pair
    pred = [list(p) for p in pred]
    assert ours(gold, pred) == seqeval_prf(gold, pred)


def test_documents_scored_through_the_sentence_view_equal_seqeval():
    text = "Troops attacked the base. Two died."
    tokens = (Segment(0, 6), Segment(7, 15), Segment(16, 19), Segment(20, 24), Segment(24, 25),
              Segment(26, 29), Segment(30, 34), Segment(34, 35))
    sentences = (Segment(0, 25), Segment(26, 35))
    gold = Document("d1", text, sentences=sentences, tokens=tokens, events=(
        EventMention("E1", "Conflict.Attack", Span(7, 15, "attacked")), EventMention("E2", "Life.Die", Span(30, 34, "died"))))
    pred = Document("d1", text, events=(EventMention("E1", "Conflict.Attack", Span(7, 15, "attacked")),))
    assert sentence_tags([gold], "triggers") == [("O", "B-Conflict.Attack", "O", "O", "O"), ("O", "B-Life.Die", "O")]
    score = score_documents_bio([gold], {"d1": pred}, "triggers")
    assert (score.precision, score.recall, score.n_match) == (1.0, 0.5, 1)
    gold_tags = [list(t) for t in sentence_tags([gold], "triggers")]
    pred_tags = [["O", "B-Conflict.Attack", "O", "O", "O"], ["O", "O", "O"]]
    assert (score.precision, score.recall, score.f1) == seqeval_prf(gold_tags, pred_tags)


def test_entity_tags_follow_the_entity_scope():
    """Gold: "Omar Reyes" fills the Detainee, its coreferent "man" fills nothing; the prediction adds "Lyon",
    which fills nothing. By default both non-fillers are left untagged; with entity_scope="all" they count."""
    from newsevents.document import Argument, EntityMention

    text = "Police arrested Omar Reyes. The man was charged in Lyon."
    bounds = [(0, 6), (7, 15), (16, 20), (21, 26), (26, 27), (28, 31), (32, 35), (36, 39), (40, 47), (48, 50), (51, 55), (55, 56)]
    arrest = EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested"), (Argument("Detainee", entity="T1"),))
    gold = Document("d1", text, sentences=(Segment(0, 27), Segment(28, 56)), tokens=tuple(Segment(*b) for b in bounds),
                    events=(arrest,), entities=(EntityMention("T1", "PER", 16, 26, "Omar Reyes", "c1"),
                                                EntityMention("T2", "PER", 32, 35, "man", "c1")))
    pred = Document("d1", text, events=(arrest,), entities=(EntityMention("T1", "PER", 16, 26, "Omar Reyes"),
                                                            EntityMention("T3", "GPE", 51, 55, "Lyon")))
    assert sentence_tags([gold], "entities") == [("O", "O", "B-PER", "I-PER", "O"), ("O",) * 7]
    assert sentence_tags([gold], "entities", entity_scope="all")[1] == ("O", "B-PER", "O", "O", "O", "O", "O")
    default = score_documents_bio([gold], {"d1": pred}, "entities")
    assert (default.precision, default.recall, default.f1, default.n_gold, default.n_pred, default.n_match) == (1.0, 1.0, 1.0, 1, 1, 1)
    every = score_documents_bio([gold], {"d1": pred}, "entities", entity_scope="all")
    assert (every.precision, every.recall, every.f1, every.n_gold, every.n_pred, every.n_match) == (0.5, 0.5, 0.5, 2, 2, 1)
