"""Corpus v0.2 tools (issue #11): a third source with its own cutoffs, a recorded move out of test,
`corpus add` (pulled annotations become corpus gold), `annotate adjudicate --accept-single`.

Every corpus here is a temporary folder built from synthetic texts (pseudo-words from a seeded
generator, so no two texts are near duplicates) and one hand-written arrest story.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsevents.annotation.adjudication import adjudicate
from newsevents.cli import app
from newsevents.corpus.add import add_documents
from newsevents.corpus.ingest import ingest
from newsevents.corpus.manifest import load_gold_records, load_manifest
from newsevents.corpus.split import leave_test, load_splits, move_out_of_test, read_id_list
from newsevents.document import Document
from newsevents.errors import MismatchError, NewsEventsError, ValidationError
from newsevents.jsonl import write_documents, write_records
from newsevents.ontology import load_schema

_SYLLABLES = ["ka", "ro", "ven", "tal", "mi", "sor", "dun", "pe", "lix", "ob", "ar", "nu", "zel", "fi", "gost", "ur"]
STORY = "Police arrested two men in Kabul on Monday.\n"
CHANGELOG = "# Corpus changelog\n\nNewest first.\n\n## Unreleased (v0.2 in construction)\n\n- 2026-11-30: an earlier change.\n\n## v0.1\n\n- 2026-11-25: first.\n"


def pseudo_text(seed: int, words: int = 40) -> str:
    rng = random.Random(seed)
    tokens = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(words)]
    return " ".join(" ".join(tokens[i:i + 10]).capitalize() + "." for i in range(0, words, 10)) + "\n"


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def _ingest(tmp: Path, folder: str, texts: dict[str, str]) -> Path:
    """Write ``texts`` as .txt files under tmp/texts/folder, ingest them, return the documents file."""
    root = tmp / "texts" / folder
    root.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (root / f"{name}.txt").write_text(text, encoding="utf-8")
    result = ingest([root / f"{name}.txt" for name in texts], jobs=1)
    assert not result.failures
    out = tmp / f"{folder}-docs.jsonl"
    write_documents(out, result.documents)
    return out


def _sidecar(tmp: Path, name: str, rows: list[dict]) -> Path:
    path = tmp / f"{name}-meta.jsonl"
    write_records(path, rows)
    return path


def _add_source(tmp: Path, corpus: Path, schema, folder: str, source: str, days: list[str], seed: int) -> list[str]:
    """Add one source's dated, unannotated documents (negative examples) to the corpus."""
    ids = [f"{folder}-{i:02d}" for i in range(len(days))]
    docs = _ingest(tmp, folder, {doc_id: pseudo_text(seed + i) for i, doc_id in enumerate(ids)})
    meta = _sidecar(tmp, folder, [{"id": doc_id, "date": day, "url": f"https://example.org/{doc_id}"} for doc_id, day in zip(ids, days)])
    add_documents(docs, docs, corpus, schema=schema, text_root=tmp / "texts", sidecar=meta,
                  overrides={"source": source, "license": "CC BY 2.5"}, gold_name=folder)
    return ids


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# ---------------------------------------------------------------------------------------------
# 1. a third source gets its own temporal cutoffs; nothing existing moves


def test_a_new_source_gets_its_own_cutoffs_and_existing_assignments_stay(tmp_path, schema):
    corpus = tmp_path / "corpus"
    _add_source(tmp_path, corpus, schema, "wn", "Wikinews", [f"2019-01-{d:02d}" for d in range(1, 21)], 100)
    _add_source(tmp_path, corpus, schema, "ce", "Portal", [f"2025-06-{d:02d}" for d in range(1, 21)], 200)
    _invoke("corpus", "split", "--corpus", str(corpus), "--texts", str(tmp_path / "texts"), "--strategy", "temporal")
    before = load_splits(corpus / "splits.jsonl")
    assert before.cutoffs == {"Portal": ("2025-06-14", "2025-06-17"), "Wikinews": ("2019-01-14", "2019-01-17")}

    archive = _add_source(tmp_path, corpus, schema, "ar", "Wikinews archive", [f"2006-03-{d:02d}" for d in range(1, 21)], 300)
    _invoke("corpus", "split", "--corpus", str(corpus), "--texts", str(tmp_path / "texts"))
    after = load_splits(corpus / "splits.jsonl")

    assert {doc_id: after.splits[doc_id] for doc_id in before.splits} == before.splits
    assert after.cutoffs == {**before.cutoffs, "Wikinews archive": ("2006-03-14", "2006-03-17")}
    assert [doc_id for doc_id in archive if after.splits[doc_id] == "test"] == ["ar-17", "ar-18", "ar-19"]
    assert [doc_id for doc_id in archive if after.splits[doc_id] == "dev"] == ["ar-14", "ar-15", "ar-16"]
    meta = json.loads((corpus / "splits.jsonl").read_text(encoding="utf-8").splitlines()[0])["_meta"]
    assert meta["cutoffs"]["Wikinews archive"] == ["2006-03-14", "2006-03-17"] and meta["strategy"] == "temporal"


# ---------------------------------------------------------------------------------------------
# 2. a one-time move out of test, recorded in the changelog


def _split_corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    corpus.mkdir()
    rows = [{"_meta": {"format": 1, "strategy": "temporal", "salt": "s", "ratios": [0.7, 0.15, 0.15],
                       "cutoffs": {"A": ["2020-01-01", "2020-02-01"]}}},
            {"id": "a", "split": "train", "group": "a"}, {"id": "b", "split": "test", "group": "b"},
            {"id": "b-copy", "split": "test", "group": "b"}, {"id": "c", "split": "test", "group": "c"},
            {"id": "d", "split": "dev", "group": "d"}]
    write_records(corpus / "splits.jsonl", rows)
    (corpus / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    return corpus


def test_move_out_of_test_takes_the_duplicate_group_and_keeps_the_rules():
    from newsevents.corpus.split import SplitAssignment

    stored = SplitAssignment(splits={"a": "train", "b": "test", "b-copy": "test", "c": "test"},
                             groups={"a": "a", "b": "b", "b-copy": "b", "c": "c"}, strategy="hash", salt="s", ratios=(0.7, 0.15, 0.15))
    moved, ids = move_out_of_test(stored, ["b"], "dev")
    assert ids == ["b", "b-copy"]
    assert moved.splits == {"a": "train", "b": "dev", "b-copy": "dev", "c": "test"}
    assert (moved.strategy, moved.salt, moved.ratios, moved.cutoffs) == ("hash", "s", (0.7, 0.15, 0.15), None)
    with pytest.raises(NewsEventsError, match=r"a \(train\).*zz \(not in the split file\)"):
        move_out_of_test(stored, ["a", "c", "zz"], "dev")
    with pytest.raises(NewsEventsError, match="'train' or 'dev'"):
        move_out_of_test(stored, ["c"], "test")


def test_corpus_move_out_of_test_writes_splits_and_a_dated_changelog_line(tmp_path):
    corpus = _split_corpus(tmp_path)
    ids = tmp_path / "leave-test.txt"
    ids.write_text("# cited by the guidelines\nb\n\nc\n", encoding="utf-8")
    assert read_id_list(ids) == ["b", "c"]
    _invoke("corpus", "move-out-of-test", str(ids), "--to", "dev", "--reason", "their text drove guideline decisions",
            "--corpus", str(corpus))
    after = load_splits(corpus / "splits.jsonl")
    assert after.splits == {"a": "train", "b": "dev", "b-copy": "dev", "c": "dev", "d": "dev"}
    assert after.cutoffs == {"A": ("2020-01-01", "2020-02-01")} and after.strategy == "temporal"
    log = (corpus / "CHANGELOG.md").read_text(encoding="utf-8")
    today = datetime.now(timezone.utc).date().isoformat()
    unreleased = log.split("## v0.1")[0]
    assert unreleased.endswith(f"## Unreleased (v0.2 in construction)\n\n- {today}: 3 documents leave test for dev "
                               "(their text drove guideline decisions): b, c; with\n  their duplicates b-copy.\n"
                               "- 2026-11-30: an earlier change.\n\n")
    assert log.endswith("## v0.1\n\n- 2026-11-25: first.\n")


def test_a_refused_move_changes_nothing(tmp_path):
    corpus = _split_corpus(tmp_path)
    splits, log = (corpus / "splits.jsonl").read_bytes(), (corpus / "CHANGELOG.md").read_bytes()
    with pytest.raises(NewsEventsError, match=r"d \(dev\)"):
        leave_test(corpus / "splits.jsonl", corpus / "CHANGELOG.md", ["b", "d"], "dev", "why", today=date(2026, 12, 1))
    (corpus / "CHANGELOG.md").write_text("# Log\n\n## v0.1\n\n- first\n", encoding="utf-8")
    with pytest.raises(NewsEventsError, match="Unreleased"):
        leave_test(corpus / "splits.jsonl", corpus / "CHANGELOG.md", ["b"], "dev", "why", today=date(2026, 12, 1))
    assert (corpus / "splits.jsonl").read_bytes() == splits
    assert (corpus / "CHANGELOG.md").read_text(encoding="utf-8") == "# Log\n\n## v0.1\n\n- first\n"
    assert log  # the first refusal left the original changelog; the second one was given a released-only log


# ---------------------------------------------------------------------------------------------
# 3. corpus add


def _annotated(doc: Document) -> dict:
    """The pulled form of the arrest story: the document with text, entities and one event."""
    text = doc.text

    def span(word: str) -> tuple[int, int]:
        start = text.index(word)
        return start, start + len(word)

    entities = [{"id": f"T{i}", "type": t, "start": span(w)[0], "end": span(w)[1], "text": w}
                for i, (t, w) in enumerate([("ORG", "Police"), ("PER", "two men"), ("GPE", "Kabul")], start=1)]
    s, e = span("arrested")
    event = {"id": "E1", "type": "Justice.Arrest", "trigger": {"start": s, "end": e, "text": "arrested"}, "realis": "actual",
             "arguments": [{"role": "Agent", "entity": "T1"}, {"role": "Detainee", "entity": "T2"}, {"role": "Place", "entity": "T3"}]}
    return {**doc.to_dict(), "entities": entities, "events": [event]}


def _story_corpus(tmp: Path) -> tuple[Path, Path, Path]:
    docs = _ingest(tmp, "news", {"story": STORY, "other": pseudo_text(7)})
    story = next(Document.from_dict(json.loads(line)) for line in docs.read_text(encoding="utf-8").splitlines() if '"story"' in line)
    pulled = tmp / "alice.jsonl"
    write_records(pulled, [_annotated(story)])
    corpus = tmp / "corpus"
    (corpus / "gold").mkdir(parents=True)
    (corpus / "manifest.jsonl").write_text("", encoding="utf-8")
    return docs, pulled, corpus


def test_corpus_add_writes_manifest_entries_and_standoff_gold(tmp_path, schema):
    docs, pulled, corpus = _story_corpus(tmp_path)
    meta = _sidecar(tmp_path, "news", [{"id": "story", "url": "https://example.org/story", "date": "2024-05-06T10:00:00Z",
                                        "title": "Two held", "words": 8}])
    result = add_documents(docs, pulled, corpus, schema=schema, text_root=tmp_path / "texts", sidecar=meta,
                           overrides={"source": "Example News", "license": "CC BY 4.0"})
    (entry,) = load_manifest(corpus / "manifest.jsonl")
    assert entry.to_dict() == {"id": "story", "source": "Example News", "text_file": "news/story.txt",
                               "sha256": Document.from_dict(json.loads(pulled.read_text())).sha256,
                               "url": "https://example.org/story", "title": "Two held", "date": "2024-05-06", "license": "CC BY 4.0"}
    assert result.gold_file == corpus / "gold" / "alice.jsonl"
    gold = load_gold_records([result.gold_file])["story"]
    assert gold.sha256 == entry.sha256 and [e.type for e in gold.events] == ["Justice.Arrest"]
    assert "text" not in json.loads(result.gold_file.read_text())
    assert any("1 documents have no gold record" in note and "other" in note for note in result.notes)


def test_corpus_add_cli_then_split_places_the_documents(tmp_path):
    docs, pulled, corpus = _story_corpus(tmp_path)
    out = _invoke("corpus", "add", str(docs), "--gold", str(pulled), "--corpus", str(corpus), "--text-root", str(tmp_path / "texts"),
                  "--source", "Example News", "--license", "CC BY 4.0", "--url", "https://example.org/story", "--date", "2024-05-06",
                  "--gold-name", "batch-1")
    assert "added 1 documents" in out and (corpus / "gold" / "batch-1.jsonl").is_file()
    _invoke("corpus", "split", "--corpus", str(corpus), "--texts", str(tmp_path / "texts"), "--strategy", "temporal")
    assert load_splits(corpus / "splits.jsonl").splits == {"story": "train"}


def test_corpus_add_reads_a_jsonl_input_with_its_metadata_columns(tmp_path, schema):
    root = tmp_path / "texts"
    root.mkdir()
    write_records(root / "items.jsonl", [{"id": "item-1", "text": STORY, "date": "2025-02-03", "url": "https://example.org/1",
                                          "license": "CC BY-SA 4.0", "source": "Portal"}])
    result = ingest([root / "items.jsonl"], id_prefix="p-", jobs=1)
    docs = tmp_path / "docs.jsonl"
    write_documents(docs, result.documents)
    pulled = tmp_path / "bob.jsonl"
    write_records(pulled, [_annotated(result.documents[0])])
    add_documents(docs, pulled, tmp_path / "corpus", schema=schema, text_root=root)
    (entry,) = load_manifest(tmp_path / "corpus" / "manifest.jsonl")
    assert (entry.id, entry.text_file, entry.record, entry.source, entry.license, entry.date) == (
        "p-item-1", "items.jsonl", "item-1", "Portal", "CC BY-SA 4.0", "2025-02-03")


def _nothing_written(corpus: Path) -> bool:
    return (corpus / "manifest.jsonl").read_text() == "" and not list((corpus / "gold").iterdir())


def test_corpus_add_refuses_and_writes_nothing(tmp_path, schema):
    docs, pulled, corpus = _story_corpus(tmp_path)
    root = tmp_path / "texts"
    options = {"source": "Example News", "license": "CC BY 4.0"}
    with pytest.raises(NewsEventsError, match="no licence") as err:
        add_documents(docs, pulled, corpus, schema=schema, text_root=root, overrides={"source": "Example News"})
    assert (err.value.document, err.value.field) == ("story", "license")
    # gold for a document the documents file does not have
    stray = tmp_path / "stray.jsonl"
    write_records(stray, [{**json.loads(pulled.read_text()), "id": "nobody"}])
    with pytest.raises(NewsEventsError, match="does not have: nobody"):
        add_documents(docs, stray, corpus, schema=schema, text_root=root, overrides=options)
    # the text on disk changed since it was ingested
    (root / "news" / "story.txt").write_text(STORY.replace("Monday", "Sunday"), encoding="utf-8")
    with pytest.raises(MismatchError, match="sha256"):
        add_documents(docs, pulled, corpus, schema=schema, text_root=root, overrides=options)
    (root / "news" / "story.txt").write_text(STORY, encoding="utf-8")
    # gold that breaks the ontology (a role the event type does not have)
    bad = tmp_path / "bad.jsonl"
    record = json.loads(pulled.read_text())
    record["events"][0]["arguments"][0]["role"] = "Victim"
    write_records(bad, [record])
    with pytest.raises(ValidationError):
        add_documents(docs, bad, corpus, schema=schema, text_root=root, overrides=options)
    assert _nothing_written(corpus)
    # an id the manifest has already
    add_documents(docs, pulled, corpus, schema=schema, text_root=root, overrides=options)
    manifest = (corpus / "manifest.jsonl").read_text()
    with pytest.raises(NewsEventsError, match="has this document already"):
        add_documents(docs, pulled, corpus, schema=schema, text_root=root, overrides=options, gold_name="again")
    assert (corpus / "manifest.jsonl").read_text() == manifest and sorted(p.name for p in (corpus / "gold").iterdir()) == ["alice.jsonl"]


# ---------------------------------------------------------------------------------------------
# 4. adjudicate --accept-single


def test_one_annotator_is_refused_unless_accepted_explicitly(tmp_path):
    docs, pulled, _ = _story_corpus(tmp_path)
    alice = Document.from_dict(json.loads(pulled.read_text()))
    with pytest.raises(NewsEventsError, match="only one annotator"):
        adjudicate({"alice": [alice]})
    result = adjudicate({"alice": [alice]}, accept_single=True)
    assert result.disagreements == [] and result.gold[0].events == alice.events and result.gold[0].entities == alice.entities

    out, review = tmp_path / "gold.jsonl", tmp_path / "review.jsonl"
    _invoke("annotate", "adjudicate", str(pulled), "--accept-single", "--out", str(out), "--disagreements", str(review))
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["id"] == "story" and record["sha256"] == alice.sha256 and len(record["events"]) == 1
    assert review.read_text() == ""
    refused = CliRunner().invoke(app, ["annotate", "adjudicate", str(pulled), "--out", str(out), "--disagreements", str(review)])
    assert refused.exit_code != 0
