"""DATASHEET.md and the dataset card state the corpus statistics computed by the same code."""

from __future__ import annotations

from helpers import SOURCES, needs_sources
from newsevents.corpus.build import CorpusLayout, load_corpus, resolve_splits, write_dataset
from newsevents.corpus.card import published_stats, replace_stats_block, stats_markdown
from newsevents.corpus.stats import corpus_stats
from newsevents.paths import REPO_ROOT


@needs_sources
def test_datasheet_statistics_are_up_to_date(schema, tmp_path):
    corpus = REPO_ROOT / "corpus"
    documents = load_corpus(corpus, [SOURCES], schema)
    assignment, duplicates = resolve_splits(documents, CorpusLayout(corpus).splits)
    stats = corpus_stats(documents, assignment.splits)
    datasheet = (REPO_ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert replace_stats_block(datasheet, stats) == datasheet, \
        "DATASHEET.md is stale: run `newsevents corpus stats --texts ../shared/sources --update DATASHEET.md`"
    card = (write_dataset(documents, assignment, tmp_path / "ds", schema, duplicates=duplicates).out_dir / "README.md").read_text(encoding="utf-8")
    assert stats_markdown(stats) in datasheet
    # The dataset names the dev split `validation`, as Hub users expect; the numbers are the same.
    assert stats_markdown(published_stats(stats, {"dev": "validation"})) in card


def test_stats_count_what_the_documents_hold():
    from strategies import DocumentBuilder
    from newsevents.document import Argument

    b = DocumentBuilder("d1")
    b.entity("T1", "ORG", "Police", cluster="c1")
    b.write(" ")
    b.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity="T1")], realis="actual", hopper="h1")
    b.write(" and ")
    b.event("E2", "Justice.Arrest", "detained", [Argument("Agent", entity="T1")], realis="other", hopper="h1")
    doc = b.build()
    stats = corpus_stats([doc], {"d1": "test"})
    assert stats.to_dict()["events"] == {"total": 2, "by_type": {"Justice.Arrest": 2}, "hoppers": 1, "realis": {"actual": 1, "other": 1}}
    assert stats.to_dict()["arguments"] == {"total": 2, "by_role": {"Agent": 2}}
    assert list(stats.splits) == ["test"] and stats.splits["test"].events == 2
