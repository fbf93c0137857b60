"""Near-duplicate detection, split assignment and the leak check.

All texts are synthetic: a hand-written story about an invented place, and pseudo-word texts drawn
from a seeded generator (unrelated to each other by construction).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsevents.corpus.dedupe import DuplicatePair, DuplicateReport, find_duplicates, shingles
from newsevents.corpus.leaks import Leak, check_leaks, sentence_texts
from newsevents.corpus.split import (
    SPLITS,
    SplitAssignment,
    assign_splits,
    hash_split,
    load_splits,
    save_splits,
    temporal_cutoffs,
)
from newsevents.document import Document, Segment
from newsevents.errors import FormatError, NewsEventsError

STORY = (
    "Security forces in the river province of Karavel detained eleven people on Tuesday after an "
    "overnight attack on a checkpoint outside the town of Osteny, the regional interior office said. "
    "Two officers were killed and five civilians were wounded when gunmen opened fire from a pickup "
    "truck shortly after midnight, according to a statement read by spokesman Daro Velin. "
    "A previously unknown group calling itself the Northern Dawn Front claimed responsibility in a "
    "message posted online, but officials said they could not verify it. The detainees were taken to "
    "the provincial capital for questioning, and a curfew was imposed on three nearby villages "
    "until further notice. Prosecutors are expected to file charges later this week."
)
# A few words changed: another outlet's rewrite of the same wire story.
NEAR_STORY = STORY.replace("eleven people", "twelve people").replace("later this week", "later this month")
SHARED_SENTENCE = "The ministry said the border crossing at Tembel would stay closed until the inquiry ends."

_SYLLABLES = ["ka", "ro", "ven", "tal", "mi", "sor", "dun", "pe", "lix", "ob", "ar", "nu", "zel", "fi", "gost", "ur"]


def pseudo_text(seed: int, words: int = 60) -> str:
    """Sentences of pseudo-words from a seeded generator: texts of different seeds share no 5-gram."""
    rng = random.Random(seed)
    tokens = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(words)]
    sentences = [" ".join(tokens[i : i + 10]).capitalize() + "." for i in range(0, words, 10)]
    return " ".join(sentences)


def make_doc(doc_id: str, text: str, date: str | None = None) -> Document:
    """A document with sentences at each full stop (enough segmentation for these texts)."""
    sentences = tuple(Segment(m.start(), m.end()) for m in re.finditer(r"[^.\s][^.]*\.", text))
    return Document(id=doc_id, text=text, meta={"date": date} if date else {}, sentences=sentences)


def corpus_with_copies() -> list[Document]:
    docs = [make_doc(f"p{i:02d}", pseudo_text(i)) for i in range(8)]
    docs += [make_doc("story", STORY), make_doc("story-copy", STORY), make_doc("story-near", NEAR_STORY)]
    return docs


# ---------------------------------------------------------------------------------------------
# dedupe


def test_shingles_are_lowercased_word_windows_and_short_texts_use_their_words():
    assert shingles("A B c d E f", size=5) == {"a b c d e", "b c d e f"}
    assert shingles("Two, dead!", size=5) == {"two", "dead"}
    assert shingles("", size=5) == set()


def test_exact_and_near_copies_are_found_and_clustered():
    report = find_duplicates(corpus_with_copies())

    assert [(p.a, p.b, p.kind) for p in report.pairs] == [
        ("story", "story-copy", "exact"),
        ("story", "story-near", "near"),
        ("story-copy", "story-near", "near"),
    ]
    assert report.pairs[0].jaccard == 1.0
    assert all(0.8 <= p.jaccard < 1.0 for p in report.pairs[1:])
    assert report.clusters == [("story", "story-copy", "story-near")]
    assert {report.group_of(i) for i in ("story", "story-copy", "story-near")} == {"story"}
    assert report.group_of("p03") == "p03"
    assert report.group_of("never-seen") == "never-seen"


def test_unrelated_texts_are_not_paired():
    docs = [make_doc(f"u{i:02d}", pseudo_text(100 + i)) for i in range(40)]
    report = find_duplicates(docs)
    assert report.pairs == []
    assert report.clusters == []


def test_near_pairs_must_reach_the_threshold():
    docs = corpus_with_copies()
    strict = find_duplicates(docs, threshold=0.99)
    assert [(p.a, p.b, p.kind) for p in strict.pairs] == [("story", "story-copy", "exact")]


def test_report_does_not_depend_on_input_order():
    docs = corpus_with_copies()
    assert find_duplicates(docs) == find_duplicates(list(reversed(docs)))


def test_documents_without_words_are_never_near_duplicates():
    report = find_duplicates([Document("a", "..."), Document("b", "--"), Document("c", "...")])
    assert report.pairs == [DuplicatePair("a", "c", "exact", 1.0)]


def test_repeated_id_and_bad_parameters_raise():
    with pytest.raises(NewsEventsError, match="occurs twice") as info:
        find_duplicates([Document("a", "x"), Document("a", "y")])
    assert info.value.document == "a"
    with pytest.raises(NewsEventsError, match="threshold"):
        find_duplicates([], threshold=0)


# ---------------------------------------------------------------------------------------------
# split: hash strategy and stability


def test_hash_rule_is_sha256_based_and_follows_the_ratios():
    ratios = (0.70, 0.15, 0.15)
    assert hash_split("doc-1", "newsevents-v1", ratios) == hash_split("doc-1", "newsevents-v1", ratios)
    counts = {s: 0 for s in SPLITS}
    for i in range(3000):
        counts[hash_split(f"g{i}", "newsevents-v1", ratios)] += 1
    assert abs(counts["train"] / 3000 - 0.70) < 0.03
    assert abs(counts["dev"] / 3000 - 0.15) < 0.03
    assert hash_split("g1", "newsevents-v1", (1.0, 0.0, 0.0)) == "train"


def test_duplicate_group_lands_in_one_split():
    docs = corpus_with_copies()
    report = find_duplicates(docs)
    assignment = assign_splits(docs, report)

    story_splits = {assignment.splits[i] for i in ("story", "story-copy", "story-near")}
    assert story_splits == {hash_split("story", "newsevents-v1", (0.70, 0.15, 0.15))}
    assert assignment.groups["story-near"] == "story"
    assert sum(assignment.counts().values()) == len(docs)
    assert assignment.strategy == "hash" and assignment.cutoffs is None
    assert check_leaks(docs, assignment, duplicates=report) == []


def test_adding_documents_never_moves_existing_ones():
    old = [make_doc(f"p{i:02d}", pseudo_text(i)) for i in range(30)] + [make_doc("story", STORY)]
    first = assign_splits(old, find_duplicates(old))
    # Move the story to a split the hash would not pick, as a curator might: it must stay there.
    other = next(s for s in SPLITS if s != first.splits["story"])
    existing = SplitAssignment({**first.splits, "story": other}, first.groups, "hash", None, first.salt, first.ratios)

    new = old + [make_doc(f"n{i:02d}", pseudo_text(500 + i)) for i in range(20)] + [make_doc("story-near", NEAR_STORY)]
    second = assign_splits(new, find_duplicates(new), existing=existing)

    assert {i: second.splits[i] for i in existing.splits} == existing.splits
    assert second.splits["story-near"] == other
    fresh = assign_splits(new, find_duplicates(new))
    assert all(second.splits[f"n{i:02d}"] == fresh.splits[f"n{i:02d}"] for i in range(20))


def test_group_straddling_the_existing_assignment_raises_naming_ids():
    docs = [make_doc("a", STORY), make_doc("b", NEAR_STORY)]
    existing = SplitAssignment(splits={"a": "train", "b": "test"})
    with pytest.raises(NewsEventsError, match=r"a \(train\), b \(test\)"):
        assign_splits(docs, find_duplicates(docs), existing=existing)


def test_rules_conflicting_with_the_existing_assignment_raise():
    docs = [make_doc("a", STORY)]
    existing = assign_splits(docs, find_duplicates(docs), strategy="temporal")
    with pytest.raises(NewsEventsError, match="strategy='temporal'"):
        assign_splits(docs, find_duplicates(docs), existing=existing, strategy="hash")
    assert assign_splits(docs, find_duplicates(docs), existing=existing).strategy == "temporal"
    with pytest.raises(NewsEventsError, match="ratios must be"):
        assign_splits(docs, find_duplicates(docs), ratios=(0.5, 0.5, 0.5))


# ---------------------------------------------------------------------------------------------
# split: temporal strategy


def dated_corpus(days: int = 20) -> list[Document]:
    return [make_doc(f"t{d:02d}", pseudo_text(1000 + d), f"2024-03-{d:02d}") for d in range(1, days + 1)]


def test_temporal_puts_the_newest_documents_in_test():
    docs = dated_corpus(20)
    assignment = assign_splits(docs, find_duplicates(docs), strategy="temporal")

    assert assignment.cutoffs == {"(no source)": ("2024-03-14", "2024-03-17")}
    assert assignment.ids("train") == [f"t{d:02d}" for d in range(1, 15)]
    assert assignment.ids("dev") == ["t15", "t16", "t17"]
    assert assignment.ids("test") == ["t18", "t19", "t20"]
    assert assignment.notes == ()


def test_temporal_group_follows_its_newest_member_and_undated_groups_use_hash():
    docs = dated_corpus(20) + [make_doc("story", STORY, "2024-03-02"), make_doc("story-copy", STORY, "2024-03-20")]
    docs.append(make_doc("undated", pseudo_text(77)))
    assignment = assign_splits(docs, find_duplicates(docs), strategy="temporal")

    assert assignment.splits["story"] == assignment.splits["story-copy"] == "test"
    assert assignment.splits["undated"] == hash_split("undated", "newsevents-v1", (0.70, 0.15, 0.15))
    assert len(assignment.notes) == 1 and "'undated'" in assignment.notes[0]


def test_temporal_extension_reuses_the_recorded_cutoffs():
    docs = dated_corpus(20)
    first = assign_splits(docs, find_duplicates(docs), strategy="temporal")
    later = docs + [
        make_doc("late", pseudo_text(2001), "2024-04-30"),
        make_doc("early", pseudo_text(2002), "2024-03-01"),
        make_doc("mid", pseudo_text(2003), "2024-03-16"),
    ]
    second = assign_splits(later, find_duplicates(later), existing=first)

    assert second.cutoffs == first.cutoffs
    assert {i: second.splits[i] for i in first.splits} == first.splits
    assert (second.splits["late"], second.splits["early"], second.splits["mid"]) == ("test", "train", "dev")


def test_temporal_splits_each_source_by_its_own_dates():
    old = [Document(f"w{d:02d}", pseudo_text(3000 + d), meta={"date": f"2019-01-{d:02d}", "source": "Wikinews"}) for d in range(1, 21)]
    new = [Document(f"c{d:02d}", pseudo_text(4000 + d), meta={"date": f"2025-06-{d:02d}", "source": "Portal"}) for d in range(1, 21)]
    docs = old + new
    assignment = assign_splits(docs, find_duplicates(docs), strategy="temporal")
    assert assignment.cutoffs == {"Portal": ("2025-06-14", "2025-06-17"), "Wikinews": ("2019-01-14", "2019-01-17")}
    # Each source's newest three documents are its test documents: the old source is not all train.
    assert assignment.ids("test") == ["c18", "c19", "c20", "w18", "w19", "w20"]
    assert assignment.counts() == {"train": 28, "dev": 6, "test": 6}


def test_temporal_cutoffs_keep_dev_and_test_when_dates_allow():
    assert temporal_cutoffs([("2024-01-01", 5)], (0.7, 0.15, 0.15)) == ("2024-01-01", "2024-01-01")
    assert temporal_cutoffs([("2024-01-01", 5), ("2024-01-02", 1)], (0.7, 0.15, 0.15)) == ("2024-01-01", "2024-01-01")
    three = [("2024-01-01", 1), ("2024-01-02", 1), ("2024-01-03", 1)]
    assert temporal_cutoffs(three, (0.7, 0.15, 0.15)) == ("2024-01-01", "2024-01-02")


@pytest.mark.parametrize("bad", ["March 3rd", "2024-02-30", "2024-03-011", 20240301])
def test_bad_date_raises_naming_document_and_field(bad):
    docs = [Document("a", STORY, meta={"date": bad})]
    with pytest.raises(NewsEventsError, match="ISO date") as info:
        assign_splits(docs, find_duplicates(docs), strategy="temporal")
    assert (info.value.document, info.value.field) == ("a", "meta.date")


def test_timestamp_dates_count_by_their_day():
    docs = [Document("a", STORY, meta={"date": "2024-03-05T23:10:00Z"})]
    assert assign_splits(docs, find_duplicates(docs), strategy="temporal").cutoffs == {"(no source)": ("2024-03-05", "2024-03-05")}


# ---------------------------------------------------------------------------------------------
# storage


def test_save_and_load_round_trip(tmp_path: Path):
    docs = dated_corpus(10) + [make_doc("story", STORY, "2024-03-05"), make_doc("story-copy", STORY)]
    assignment = assign_splits(docs, find_duplicates(docs), strategy="temporal")
    path = tmp_path / "corpus" / "splits.jsonl"

    assert save_splits(path, assignment) == 12
    assert load_splits(path) == assignment
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"_meta": {
        "format": 1, "strategy": "temporal", "salt": "newsevents-v1",
        "ratios": [0.7, 0.15, 0.15], "cutoffs": {k: list(v) for k, v in assignment.cutoffs.items()},
    }}
    assert [row["id"] for row in lines[1:]] == sorted(assignment.splits)
    assert lines[-1] == {"id": "t10", "split": assignment.splits["t10"], "group": "t10"}
    assert {"id": "story-copy", "split": assignment.splits["story"], "group": "story"} in lines


def test_missing_splits_file_is_an_empty_assignment(tmp_path: Path):
    assignment = load_splits(tmp_path / "absent.jsonl")
    assert assignment == SplitAssignment()
    assert assignment.counts() == {"train": 0, "dev": 0, "test": 0}


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (['{"id": "a", "split": "train"}', '{"id": "b", "split": "dev"}', '{"id": "c", "split": '], 3, "malformed JSON"),
        (['{"id": "a", "split": "train"}', '{"id": "b", "split": "validation"}'], 2,
         "unknown split 'validation'; valid splits: train, dev, test"),
        (['{"id": "a", "split": "train"}', '{"_meta": {"strategy": "hash"}}'], 2, "only be the first line"),
        (['{"id": "a", "split": "train"}', '{"id": "a", "split": "test"}'], 2, "occurs twice"),
        (['{"_meta": {"strategy": "random"}}'], 1, "valid strategies: hash, temporal"),
        (['{"split": "train"}'], 1, "'id' must be a string"),
    ],
)
def test_bad_splits_file_names_file_and_line(tmp_path: Path, lines: list[str], line: int, message: str):
    path = tmp_path / "splits.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=re.escape(message)) as info:
        load_splits(path)
    assert (info.value.file, info.value.line) == (str(path), line)
    assert str(info.value).startswith(f"{path}:{line}")


def test_unknown_split_names_document_and_field(tmp_path: Path):
    path = tmp_path / "splits.jsonl"
    path.write_text('{"id": "b", "split": "validation"}\n', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        load_splits(path)
    assert (info.value.document, info.value.field) == ("b", "split")
    with pytest.raises(NewsEventsError, match="valid splits: train, dev, test"):
        SplitAssignment().ids("validation")


# ---------------------------------------------------------------------------------------------
# leaks


def test_near_duplicate_straddling_splits_is_a_leak():
    docs = [make_doc("story", STORY), make_doc("story-near", NEAR_STORY), make_doc("p01", pseudo_text(1))]
    assignment = SplitAssignment(splits={"story": "train", "story-near": "test", "p01": "train"})
    leaks = [leak for leak in check_leaks(docs, assignment) if leak.kind == "near_duplicate"]

    assert len(leaks) == 1
    assert (leaks[0].ids, leaks[0].splits) == (("story", "story-near"), ("train", "test"))
    assert leaks[0].detail.startswith("near copy, estimated Jaccard 0.")


def test_identical_long_sentence_across_splits_is_a_leak():
    docs = [
        make_doc("a", pseudo_text(11) + " " + SHARED_SENTENCE),
        make_doc("b", SHARED_SENTENCE.replace(" ", "  ") + " " + pseudo_text(12)),
        make_doc("c", pseudo_text(13) + " Police said on Monday."),
        make_doc("d", "Police said on Monday. " + pseudo_text(14)),
    ]
    assignment = SplitAssignment(splits={"a": "train", "b": "dev", "c": "train", "d": "test"})
    leaks = check_leaks(docs, assignment)

    assert leaks == [Leak("identical_sentence", ("a", "b"), ("train", "dev"), SHARED_SENTENCE.lower()[:80])]
    assert len(leaks[0].detail) == 80
    # The short shared sentence counts once the threshold allows it.
    short = check_leaks(docs, assignment, min_sentence_words=4)
    assert [leak.ids for leak in short] == [("a", "b"), ("c", "d")]


def test_documents_without_sentences_are_compared_by_line():
    docs = [Document("a", "Headline one\n" + SHARED_SENTENCE), Document("b", SHARED_SENTENCE + "\nOther end")]
    assert sentence_texts(docs[0]) == ["headline one", SHARED_SENTENCE.lower()]
    leaks = check_leaks(docs, SplitAssignment(splits={"a": "train", "b": "test"}), duplicates=DuplicateReport([], []))
    assert [(leak.kind, leak.ids) for leak in leaks] == [("identical_sentence", ("a", "b"))]


def test_unassigned_document_is_a_leak_and_clean_assignment_has_none():
    docs = corpus_with_copies()
    assignment = assign_splits(docs, find_duplicates(docs))
    assert check_leaks(docs, assignment) == []

    partial = SplitAssignment({k: v for k, v in assignment.splits.items() if k != "p03"})
    assert check_leaks(docs, partial) == [Leak("unassigned", ("p03", ""), ("", ""), "document has no split assignment")]


# ---------------------------------------------------------------------------------------------
# properties


@st.composite
def corpora(draw: st.DrawFn) -> list[Document]:
    """Unrelated documents plus planted exact copies and one-word edits of some of them."""
    seeds = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=10, unique=True))
    docs = [make_doc(f"d{s}", pseudo_text(s, 120), f"2024-{1 + s % 12:02d}-{1 + s % 28:02d}") for s in seeds]
    plants = draw(st.lists(st.tuples(st.sampled_from(seeds), st.booleans()), max_size=6))
    for n, (source, edit) in enumerate(plants):
        text = pseudo_text(source, 120)
        if edit:  # one word in 120: true Jaccard of the 5-word shingles about 0.92
            text = text.replace(text.split()[60], "changed", 1)
        date = draw(st.sampled_from([None, "2025-01-01"]))
        docs.append(make_doc(f"copy{n}-{source}-{'edit' if edit else 'exact'}", text, date))
    return docs


@settings(max_examples=25, deadline=None)
@given(corpora(), st.randoms(use_true_random=False), st.sampled_from(["hash", "temporal"]))
def test_assignment_is_order_independent_and_groups_never_straddle(docs, rng, strategy):
    report = find_duplicates(docs)
    assignment = assign_splits(docs, report, strategy=strategy)
    shuffled = list(docs)
    rng.shuffle(shuffled)

    assert find_duplicates(shuffled) == report
    assert assign_splits(shuffled, find_duplicates(shuffled), strategy=strategy) == assignment
    for cluster in report.clusters:
        assert len({assignment.splits[i] for i in cluster}) == 1
    for doc in docs:
        if doc.id.startswith("copy"):
            assert assignment.splits[doc.id] == assignment.splits["d" + doc.id.split("-")[1]]
    assert check_leaks(docs, assignment, duplicates=report) == []


@settings(max_examples=25, deadline=None)
@given(corpora(), st.integers(0, 10), st.sampled_from(["hash", "temporal"]))
def test_adding_documents_keeps_every_existing_split(docs, cut, strategy):
    before = docs[:cut]
    first = assign_splits(before, find_duplicates(before), strategy=strategy)
    report = find_duplicates(docs)
    second = assign_splits(docs, report, existing=first)

    assert {i: second.splits[i] for i in first.splits} == first.splits
    assert set(second.splits) == {d.id for d in docs}
    assert check_leaks(docs, second, duplicates=report) == []


def test_the_library_build_refuses_a_leaking_dataset(tmp_path):
    """`write_dataset` itself (not only the CLI) refuses splits that leak: nothing is written."""
    import pytest

    from newsevents.corpus.build import write_dataset
    from newsevents.corpus.split import SplitAssignment
    from newsevents.document import Document, Segment
    from newsevents.errors import ValidationError
    from newsevents.ontology import load_schema

    text = "Police arrested two men in Kabul on Monday after a long search of the old town."
    twins = [Document(doc_id, text, {"license": "CC BY 2.5"}, (Segment(0, len(text), "body"),), (Segment(0, len(text)),))
             for doc_id in ("a", "b")]
    assignment = SplitAssignment(splits={"a": "train", "b": "test"}, groups={"a": "a", "b": "b"})
    with pytest.raises(ValidationError) as err:
        write_dataset(twins, assignment, tmp_path / "out", load_schema())
    assert err.value.problems and not (tmp_path / "out").exists()
