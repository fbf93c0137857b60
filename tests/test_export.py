"""``newsevents export`` (one split, every format, round trips), the TextEE windows and their drop log,
and ``newsevents corpus texts`` (a dataset back into the text directory that rebuilds it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.hub_server import HubServer
from newsevents import formats
from newsevents.corpus.export import export, export_formats, load_split, write_texts
from newsevents.corpus.publish import publish
from newsevents.document import Document
from newsevents.formats.loading import load_gold
from newsevents.jsonl import read_documents
from newsevents.ontology import load_schema
from test_publish import TOKEN, folder_bytes, make_project

NEWSEVENTS = Path(sys.executable).with_name("newsevents")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A dry-run folder of the mini project of test_publish, made in-process."""
    root = tmp_path_factory.mktemp("export")
    corpus, texts, schema_path = make_project(root)
    schema = load_schema(schema_path)
    folder = root / "dataset"
    publish(corpus, [texts], schema, repo_id="newsevents-test/events", version="0.1.0", dry_run=folder)
    return corpus, texts, schema, folder


def canonical(document: Document, *, clusters: bool = False, realis: bool = False) -> tuple:
    """A document's annotations as span texts and types (offsets-free, id-free)."""
    text = document.text
    entity = {e.id: (e.type, text[e.start:e.end]) for e in document.entities}
    cluster_sets = frozenset()
    if clusters:
        groups: dict[str, set] = {}
        for e in document.entities:
            if e.cluster is not None:
                groups.setdefault(e.cluster, set()).add(entity[e.id])
        cluster_sets = frozenset(frozenset(g) for g in groups.values() if len(g) > 1)
    events = frozenset(
        (e.type, e.trigger.text, frozenset((a.role, entity[a.entity]) for a in e.arguments if a.entity), e.realis if realis else None)
        for e in document.events)
    return frozenset(entity.values()), events, cluster_sets


def test_export_formats_come_from_the_registry():
    assert export_formats() == ["conll", "label-studio", "newsevents", "textee", "wikievents"]


@pytest.mark.parametrize("split", ["train", "validation", "dev", "test"])
def test_newsevents_export_round_trips_exactly(dataset, tmp_path, split):
    *_, folder = dataset
    out = tmp_path / "out.jsonl"
    report = export(folder, split, "newsevents", out)
    original = load_split(folder, split)
    assert list(read_documents(out)) == original and report.documents == len(original) == 1
    assert load_gold(folder, split=split) == original  # the harness reads dev and validation alike


def test_textee_export_round_trips_with_document_windows(dataset, tmp_path):
    *_, folder = dataset
    out = tmp_path / "train.textee.jsonl"
    report = export(folder, "train", "textee", out)
    assert report.dropped == ()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(line["doc_id"], line["wnd_id"]) for line in lines] == [("n-arrest", "n-arrest_0")]
    original = load_split(folder, "train")
    back = formats.read(out, "textee", reference=original)
    assert [canonical(d) for d in back] == [canonical(d) for d in original]
    assert [(e.type, e.start, e.end) for e in back[0].entities] == [(e.type, e.start, e.end) for e in original[0].entities]


def test_textee_sentence_windows_drop_the_argument_that_crosses_and_log_its_ids(dataset, tmp_path):
    *_, folder = dataset
    out, log = tmp_path / "train.jsonl", tmp_path / "dropped.jsonl"
    report = export(folder, "train", "textee", out, window="sentence", drop_log=log)
    assert report.counts() == {"argument_outside_window": 1}
    assert [json.loads(line) for line in log.read_text().splitlines()] == [{
        "document": "n-arrest", "mention": "E2", "reason": "argument_outside_window",
        "message": "'Place' argument filled by entity 'T3' of another sentence window"}]
    assert [json.loads(line)["wnd_id"] for line in out.read_text().splitlines()] == ["n-arrest_0", "n-arrest_1"]
    # Windows of whole sentences up to N tokens: both sentences fit in 30, not in 12.
    assert export(folder, "train", "textee", tmp_path / "t30.jsonl", window="tokens:30").dropped == ()
    assert export(folder, "train", "textee", tmp_path / "t12.jsonl", window="tokens:12").counts() == {"argument_outside_window": 1}
    with pytest.raises(formats.ConversionError, match="tokens:N must be a positive whole number"):
        export(folder, "train", "textee", tmp_path / "x.jsonl", window="tokens:many")


def test_wikievents_export_round_trips(dataset, tmp_path):
    *_, folder = dataset
    out = tmp_path / "validation.wikievents.jsonl"
    export(folder, "validation", "wikievents", out)
    back = formats.read(out, "wikievents")
    original = load_split(folder, "validation")
    assert [canonical(d, clusters=True) for d in back] == [canonical(d, clusters=True) for d in original]
    assert [d.text for d in back] == [d.text for d in original]


@pytest.mark.parametrize("layer", ["triggers", "entities"])
def test_conll_export_round_trips_its_layer(dataset, tmp_path, layer):
    *_, folder = dataset
    out = tmp_path / f"train.{layer}.conll"
    export(folder, "train", "conll", out, layer=layer)
    original = load_split(folder, "train")
    (back,) = formats.read(out, "conll", layer=layer, reference=original)
    if layer == "triggers":
        assert {(e.type, e.trigger.start, e.trigger.end) for e in back.events} == {(e.type, e.trigger.start, e.trigger.end) for e in original[0].events}
    else:
        assert {(e.type, e.start, e.end) for e in back.entities} == {(e.type, e.start, e.end) for e in original[0].entities}


def test_label_studio_export_round_trips_through_the_task_reader(dataset, tmp_path):
    from newsevents.annotation.label_studio.results import document_from_results, merge_chunks

    *_, schema, folder = dataset
    out = tmp_path / "train.tasks.json"
    report = export(folder, "train", "label-studio", out)
    tasks = json.loads(out.read_text())
    assert report.records == len(tasks) == 1 and tasks[0]["data"]["document_id"] == "n-arrest"
    parts = []
    for number, task in enumerate(tasks):
        document, problems = document_from_results(task["data"], task["predictions"][0]["result"], task_id=number,
                                                   annotator="export", schema=schema)
        assert problems == []
        parts.append((task["data"], document))
    back = merge_chunks(parts)
    (original,) = load_split(folder, "train")
    assert canonical(back, clusters=True, realis=True) == canonical(original, clusters=True, realis=True)
    assert {e.hopper for e in back.events} == {"h1"}


def test_export_from_a_corpus_folder_equals_the_dataset_folder(dataset, tmp_path):
    corpus, texts, schema, folder = dataset
    for split in ("train", "validation", "test"):
        from_corpus = [canonical(d) for d in load_split(corpus, split, texts=[texts], schema=schema)]
        assert from_corpus == [canonical(d) for d in load_split(folder, split)]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    return subprocess.run([str(NEWSEVENTS), *args], capture_output=True, text=True, timeout=600,
                          env={**base, "HF_TOKEN": TOKEN, "HF_HUB_DISABLE_XET": "1", **(env or {})})


def test_export_command_writes_one_split_and_the_drop_log(dataset, tmp_path):
    *_, folder = dataset
    out = tmp_path / "train.jsonl"
    result = cli("export", str(folder), "--split", "train", "--to", "textee", "--window", "sentence", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 argument_outside_window" in result.stdout
    assert f"1 dropped items listed in {out}.dropped.jsonl" in result.stderr
    assert (tmp_path / "train.jsonl.dropped.jsonl").is_file()
    bad = cli("export", str(folder), "--split", "nope", "--to", "textee", "--out", str(out))
    assert bad.returncode == 2 and "no split 'nope'" in bad.stderr and "Traceback" not in bad.stderr
    wrong = cli("export", str(folder), "--split", "train", "--to", "conll", "--window", "sentence", "--out", str(out))
    assert wrong.returncode == 2 and "--window does not apply to --to conll" in wrong.stderr


def _rebuild(corpus: Path, texts: Path, out: Path) -> dict[str, bytes]:
    schema = load_schema(corpus.parent / "annotation" / "schema.yaml")
    publish(corpus, [texts], schema, repo_id="newsevents-test/events", version="0.1.0", dry_run=out)
    return folder_bytes(out)


def test_corpus_texts_from_a_dry_run_folder_rebuild_the_same_dataset(dataset, tmp_path):
    corpus, texts, schema, folder = dataset
    result = cli("corpus", "texts", "--from", str(folder), "--out", str(tmp_path / "texts"), "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "wrote 3 texts in 2 files" in result.stdout
    assert sorted(p.relative_to(tmp_path / "texts").as_posix() for p in (tmp_path / "texts").rglob("*") if p.is_file()) == \
        ["items/items.jsonl", "news/n-arrest.txt"]
    assert _rebuild(corpus, tmp_path / "texts", tmp_path / "again") == folder_bytes(folder)   # byte for byte
    again = cli("corpus", "texts", "--from", str(folder), "--out", str(tmp_path / "texts"), "--corpus", str(corpus))
    assert again.returncode == 2 and "not empty" in again.stderr


def test_corpus_texts_refuses_a_dataset_of_another_corpus_version(dataset, tmp_path):
    corpus, _, _, folder = dataset
    manifest = (corpus / "manifest.jsonl").read_text()
    changed = tmp_path / "corpus"
    changed.mkdir()
    (changed / "manifest.jsonl").write_text(manifest.replace('"sha256":"', '"sha256":"0', 1).replace('"sha256": "', '"sha256": "0', 1))
    with pytest.raises(Exception, match="built from another version of the corpus"):
        write_texts(folder, tmp_path / "out", corpus_dir=changed)


def test_corpus_texts_from_a_hub_id_through_the_stand_in_hub(dataset, tmp_path):
    """snapshot_download of the published dataset from the stand-in Hub (tests/fixtures/hub_server.py)."""
    corpus, texts, _, folder = dataset
    with HubServer() as hub:
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf-home")}
        published = cli("publish", "--repo-id", "newsevents-test/events", "--version", "0.1.0", "--texts", str(texts),
                        "--corpus", str(corpus), "--schema", str(corpus.parent / "annotation" / "schema.yaml"), env=env)
        assert published.returncode == 0, published.stderr
        result = cli("corpus", "texts", "--from", "newsevents-test/events", "--out", str(tmp_path / "texts"), "--corpus", str(corpus), env=env)
        assert result.returncode == 0, result.stderr
    assert "wrote 3 texts" in result.stdout and TOKEN not in result.stdout + result.stderr
    assert _rebuild(corpus, tmp_path / "texts", tmp_path / "again") == folder_bytes(folder)
