"""Ingestion: provenance, stable ids, one broken file among good ones, the CLI summary and exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import SEED, SOURCES, needs_sources
from newsevents.corpus.ingest import ingest
from newsevents.document import text_sha256
from newsevents.jsonl import read_documents


def _tree(tmp_path):
    articles = tmp_path / "articles"
    (articles / "nested").mkdir(parents=True)
    (articles / "a.txt").write_text("Gunmen attacked a checkpoint.\n\nTwo soldiers were killed.\n", encoding="utf-8")
    (articles / "nested" / "b.md").write_text("# Arrest\n\nPolice detained a suspect on Monday.\n", encoding="utf-8")
    (articles / "broken.txt").write_bytes("Caf\xe9 attack".encode("latin-1"))
    (articles / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (articles / "items.jsonl").write_text(
        json.dumps({"id": "ce-1", "text": "A bomb exploded in a market.", "date": "2025-01-02", "license": "CC BY-SA 4.0"}) + "\n",
        encoding="utf-8",
    )
    return articles


def test_one_broken_file_does_not_stop_the_others(tmp_path):
    result = ingest([_tree(tmp_path)])
    assert sorted(d.id for d in result.documents) == ["a", "b", "ce-1"]
    failed = {Path(f.path).name: f.reason for f in result.failures}
    assert set(failed) == {"broken.txt", "empty.txt"}
    assert "not UTF-8" in failed["broken.txt"] or "UTF-8" in failed["broken.txt"]
    assert "empty" in failed["empty.txt"]
    assert result.summary == "ingested 3 documents, 2 failed"


def test_an_article_over_the_size_limit_fails_alone(tmp_path):
    (tmp_path / "small.txt").write_text("Police arrested a man.", encoding="utf-8")
    (tmp_path / "large.txt").write_text("Troops fired. " * 100, encoding="utf-8")
    result = ingest([tmp_path], max_bytes=1000)
    assert [d.id for d in result.documents] == ["small"]
    assert Path(result.failures[0].path).name == "large.txt" and "1,400 bytes, over the limit of 1,000 bytes" in result.failures[0].reason


def test_provenance_and_structure(tmp_path):
    docs = {d.id: d for d in ingest([_tree(tmp_path)], id_prefix="x-").documents}
    item = docs["x-ce-1"]
    assert item.meta["date"] == "2025-01-02" and item.meta["license"] == "CC BY-SA 4.0"
    assert item.meta["sha256"] == text_sha256(item.text) == item.sha256
    assert item.meta["normalization"] == "1" and item.meta["ingested_with"].startswith("newsevents ")
    md = docs["x-b"]
    assert md.text == "Arrest\nPolice detained a suspect on Monday."
    assert [p.kind for p in md.paragraphs] == ["title", "lead"]
    assert [md.text[s.start:s.end] for s in md.sentences] == ["Arrest", "Police detained a suspect on Monday."]


def test_parallel_ingest_gives_the_same_documents(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(150):
        (folder / f"{i:03d}.txt").write_text(f"Report {i}: police arrested {i} people.\n\nMore on day {i}.", encoding="utf-8")
    serial = ingest([folder])
    parallel = ingest([folder], jobs=2)
    assert len(serial.documents) == 150
    assert parallel.documents == serial.documents


def test_duplicate_ids_are_reported(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "story.txt").write_text("First story.", encoding="utf-8")
    (tmp_path / "two" / "story.txt").write_text("Second story.", encoding="utf-8")
    result = ingest([tmp_path])
    assert len(result.documents) == 1
    assert "duplicate document id 'story'" in result.failures[0].reason


def test_cli_writes_documents_and_exits_1_on_a_failed_input(tmp_path):
    out = tmp_path / "docs.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "newsevents", "corpus", "ingest", str(_tree(tmp_path)), "--out", str(out)],
        capture_output=True, text=True,
    )
    assert run.returncode == 1
    assert "ingested 3 documents, 2 failed" in run.stdout
    assert "broken.txt" in run.stderr and "Traceback" not in run.stderr
    assert [d.id for d in read_documents(out)] == ["a", "ce-1", "b"]  # files sorted: a.txt, items.jsonl, nested/b.md


def test_seed_ingests_through_the_cli(tmp_path):
    out = tmp_path / "seed.jsonl"
    run = subprocess.run([sys.executable, "-m", "newsevents", "corpus", "ingest", str(SEED), "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    (doc,) = read_documents(out)
    assert (len(doc.paragraphs), len(doc.sentences)) == (14, 20)


@needs_sources
def test_every_wikinews_article_ingests():
    result = ingest([SOURCES / "wikinews"])
    # manifest.jsonl has no text column: it is the one expected failure.
    assert [(Path(f.path).name, f.location.rsplit(":", 1)[-1]) for f in result.failures] == [("manifest.jsonl", "1")]
    assert len(result.documents) == 270
    assert all(d.sentences and d.tokens for d in result.documents)
