"""The dataset build: join, refuse mismatches, write a folder that load_dataset reads back offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import SOURCES, needs_sources, write_jsonl
from newsevents.corpus.build import build, load_corpus
from newsevents.features import document_from_row
from newsevents.corpus.normalize import normalize
from newsevents.bio import sentence_views
from newsevents.corpus.split import SplitAssignment, save_splits
from newsevents.document import text_sha256
from newsevents.errors import FormatError, MismatchError, ValidationError

STORIES = {
    "s-arrest": "Police arrested two men in Kabul on Monday.\n\nThe men were detained at a checkpoint near the airport.",
    "s-attack": "Gunmen attacked a bus in Quetta.\n\nSeven passengers were killed and nine were injured in the attack.",
    "s-market": "Grain prices rose again this week.\n\nTraders blamed the weather for the poor harvest in the north.",
}


def _span(text: str, needle: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def _gold(doc_id: str, text: str) -> dict:
    if doc_id == "s-arrest":
        entities = [
            {"id": "T1", "type": "ORG", **_span(text, "Police"), "cluster": "c-police"},
            {"id": "T2", "type": "PER", **_span(text, "two men"), "cluster": "c-men"},
            {"id": "T3", "type": "GPE", **_span(text, "Kabul")},
            {"id": "T4", "type": "TIME", **_span(text, "Monday")},
            {"id": "T5", "type": "PER", **_span(text, "The men"), "cluster": "c-men"},
        ]
        events = [
            {"id": "E1", "type": "Justice.Arrest", "trigger": _span(text, "arrested"), "realis": "actual", "hopper": "h1",
             "arguments": [{"role": "Agent", "entity": "T1"}, {"role": "Detainee", "entity": "T2"},
                           {"role": "Place", "entity": "T3"}, {"role": "Time", "entity": "T4"}]},
            {"id": "E2", "type": "Justice.Arrest", "trigger": _span(text, "detained"), "realis": "actual", "hopper": "h1",
             "arguments": [{"role": "Detainee", "entity": "T5"}]},
        ]
    elif doc_id == "s-attack":
        entities = [
            {"id": "T1", "type": "PER", **_span(text, "Gunmen")},
            {"id": "T2", "type": "VEH", **_span(text, "a bus")},
            {"id": "T3", "type": "PER", **_span(text, "Seven passengers")},
        ]
        events = [
            {"id": "E1", "type": "Conflict.Attack", "trigger": _span(text, "attacked"), "realis": "actual", "hopper": "h-attack",
             "arguments": [{"role": "Attacker", "entity": "T1"}, {"role": "Target", "entity": "T2"}]},
            {"id": "E2", "type": "Life.Die", "trigger": _span(text, "killed"), "realis": "actual",
             "arguments": [{"role": "Victim", "entity": "T3"}]},
            {"id": "E3", "type": "Conflict.Attack", "trigger": _span(text, "attack", 1), "realis": "actual", "hopper": "h-attack", "arguments": []},
        ]
    else:  # an off-topic negative example
        entities, events = [], []
    return {"id": doc_id, "sha256": text_sha256(normalize(text).text), "entities": entities, "events": events}


@pytest.fixture()
def small_corpus(tmp_path):
    texts = tmp_path / "texts"
    (texts / "news").mkdir(parents=True)
    corpus = tmp_path / "corpus"
    manifest, gold = [], []
    for i, (doc_id, text) in enumerate(STORIES.items()):
        (texts / "news" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        sha = text_sha256(normalize(text).text)
        manifest.append({"id": doc_id, "source": "Test", "text_file": f"news/{doc_id}.txt", "sha256": sha,
                         "date": f"2024-01-0{i + 1}", "license": "CC BY 4.0", "url": f"https://example.org/{doc_id}"})
        gold.append(_gold(doc_id, normalize(text).text))
    write_jsonl(corpus / "manifest.jsonl", manifest)
    write_jsonl(corpus / "gold" / "test.jsonl", gold)
    save_splits(corpus / "splits.jsonl", SplitAssignment(
        splits={"s-arrest": "train", "s-attack": "dev", "s-market": "test"},
        groups={k: k for k in STORIES}, strategy="hash", salt="newsevents-v1", ratios=(0.7, 0.15, 0.15),
    ))
    return corpus, texts


def _load(folder: Path, config: str, cache: Path):
    from datasets import load_dataset

    return load_dataset(str(folder), config, cache_dir=str(cache))


def test_every_config_loads_back_offline_and_equals_the_source(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    out = tmp_path / "dataset"
    report = build(corpus, [texts], out, schema)
    assert report.stats.documents == 3 and report.stats.events == 5 and report.stats.arguments == 8
    source = {d.id: d for d in load_corpus(corpus, [texts], schema)}

    documents = _load(out, "documents", tmp_path / "cache")
    assert {split: len(ds) for split, ds in documents.items()} == {"train": 1, "validation": 1, "test": 1}
    for split, ds in documents.items():
        for row in ds:
            loaded = document_from_row(row, ds.features)
            original = source[loaded.id]
            assert (loaded.text, loaded.paragraphs, loaded.sentences, loaded.tokens) == \
                   (original.text, original.paragraphs, original.sentences, original.tokens)
            assert loaded.entities == original.entities and loaded.events == original.events
            assert loaded.meta["date"] == original.meta["date"] and loaded.meta["url"] == original.meta["url"]

    sentences = _load(out, "sentences", tmp_path / "cache")
    ds = sentences["train"]
    names = ds.features["trigger_tags"].feature.names
    rows = list(ds)
    assert [r["tokens"] for r in rows] == [
        ["Police", "arrested", "two", "men", "in", "Kabul", "on", "Monday", "."],
        ["The", "men", "were", "detained", "at", "a", "checkpoint", "near", "the", "airport", "."],
    ]
    assert [[names[t] for t in r["trigger_tags"]] for r in rows] == [
        ["O", "B-Justice.Arrest", "O", "O", "O", "O", "O", "O", "O"],
        ["O", "O", "O", "B-Justice.Arrest", "O", "O", "O", "O", "O", "O", "O"],
    ]
    entity_names = ds.features["argument_entity_tags"].feature.names
    assert [entity_names[t] for t in rows[0]["argument_entity_tags"]] == ["B-ORG", "O", "B-PER", "I-PER", "O", "B-GPE", "O", "B-TIME", "O"]

    # The default config is `documents`.
    from datasets import load_dataset
    assert set(load_dataset(str(out), cache_dir=str(tmp_path / "cache2"))["train"].column_names) >= {"id", "events", "entities"}


def test_bio_view_of_a_hand_made_document(small_corpus, schema):
    corpus, texts = small_corpus
    doc = next(d for d in load_corpus(corpus, [texts], schema) if d.id == "s-attack")
    views = list(sentence_views(doc))
    assert [v.tokens for v in views][1] == ("Seven", "passengers", "were", "killed", "and", "nine", "were", "injured", "in", "the", "attack", ".")
    assert views[1].trigger_tags == ("O", "O", "O", "B-Life.Die", "O", "O", "O", "O", "O", "O", "B-Conflict.Attack", "O")
    assert views[0].argument_entity_tags == ("B-PER", "O", "B-VEH", "I-VEH", "O", "O", "O")


def test_changed_text_is_refused_naming_both_hashes(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    manifest_sha = json.loads((corpus / "manifest.jsonl").read_text().splitlines()[1])["sha256"]
    (texts / "news" / "s-attack.txt").write_text(STORIES["s-attack"].replace("Seven", "Eight"), encoding="utf-8")
    with pytest.raises(MismatchError) as info:
        build(corpus, [texts], tmp_path / "out", schema)
    message = str(info.value)
    assert "s-attack" in message and manifest_sha in message
    assert text_sha256(normalize(STORIES["s-attack"].replace("Seven", "Eight")).text) in message


def test_span_text_mismatch_is_refused_and_previous_output_kept(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    out = tmp_path / "dataset"
    build(corpus, [texts], out, schema)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    gold_file = corpus / "gold" / "test.jsonl"
    gold_file.write_text(gold_file.read_text().replace('"text": "Kabul"', '"text": "Kabol"'), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        build(corpus, [texts], out, schema)
    assert "s-arrest" in str(info.value) and "'Kabol'" in str(info.value) and "entities[2].text" in str(info.value)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dataset")]


def test_missing_gold_and_missing_text_are_named(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    (texts / "news" / "s-market.txt").unlink()
    with pytest.raises(FormatError, match=r"s-market.*text file 'news/s-market.txt' not found|text file 'news/s-market.txt' not found"):
        build(corpus, [texts], tmp_path / "out", schema)
    gold_file = corpus / "gold" / "test.jsonl"
    gold_file.write_text("\n".join(gold_file.read_text().splitlines()[:2]) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        load_corpus(corpus, [texts], schema, ids={"s-market"})
    assert info.value.document == "s-market" and "no gold record" in info.value.message


def test_cli_build_refuses_leaks(small_corpus, tmp_path):
    import subprocess, sys

    corpus, texts = small_corpus
    # Plant a copy of the arrest story under a new id, assigned to test: a duplicate straddling splits.
    shutil.copy(texts / "news" / "s-arrest.txt", texts / "news" / "s-copy.txt")
    lines = (corpus / "manifest.jsonl").read_text().splitlines()
    copy = json.loads(lines[0]) | {"id": "s-copy", "text_file": "news/s-copy.txt"}
    (corpus / "manifest.jsonl").write_text("\n".join(lines + [json.dumps(copy)]) + "\n")
    gold = json.loads((corpus / "gold" / "test.jsonl").read_text().splitlines()[0]) | {"id": "s-copy"}
    with (corpus / "gold" / "test.jsonl").open("a") as handle:
        handle.write(json.dumps(gold) + "\n")
    splits = corpus / "splits.jsonl"
    splits.write_text(splits.read_text() + json.dumps({"id": "s-copy", "split": "test", "group": "s-copy"}) + "\n")
    run = subprocess.run([sys.executable, "-m", "newsevents", "corpus", "check-leaks", "--corpus", str(corpus), "--texts", str(texts)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    # The exact copy, and each of its two sentences of six words or more.
    assert "leaks between splits: 3" in run.stderr
    assert "near_duplicate: s-arrest (train) ~ s-copy (test): exact copy" in run.stderr
    assert run.stderr.count("identical_sentence: s-arrest (train) ~ s-copy (test)") == 2
    out = tmp_path / "never-written"
    run = subprocess.run([sys.executable, "-m", "newsevents", "corpus", "build", "--corpus", str(corpus), "--texts", str(texts), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and not out.exists()
    assert "s-arrest (train), s-copy (test)" in run.stderr and "Traceback" not in run.stderr


@needs_sources
def test_the_gold_corpus_builds_from_the_shared_sources(tmp_path, schema):
    from newsevents.paths import project_path

    report = build(project_path("corpus"), [SOURCES], tmp_path / "gold", schema)
    assert report.stats.documents >= 1
    assert (tmp_path / "gold" / "README.md").read_text(encoding="utf-8").startswith("---\n")
