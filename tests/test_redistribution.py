"""Only texts whose licence allows it go into a built dataset; the seed is the demo's input, not the corpus's."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from helpers import SEED_ID
from test_build import small_corpus  # noqa: F401 (a fixture)
from newsevents.corpus.build import build
from newsevents.corpus.manifest import load_manifest
from newsevents.errors import NewsEventsError
from newsevents.paths import REPO_ROOT

#: The column of the documents config with each document's verdict.
REDISTRIBUTABLE_COLUMN = "redistributable"


@pytest.mark.parametrize(("license", "verdict"), [
    ("CC BY 2.5", True), ("CC BY-SA 4.0", True), ("cc by-sa  4.0", True), ("Public domain", True), ("public domain", True),
    ("CC BY 4.0", True),
    ("CC BY-NC 4.0", False), ("CC BY-ND 4.0", False), ("All rights reserved", False), ("", False), (None, False),
    ("third-party news text, user-supplied (bundled demo input only; not redistributable)", False),
])
def test_the_licence_rule(license, verdict):
    from newsevents.corpus.build import REDISTRIBUTABLE_COLUMN as column
    from newsevents.corpus.manifest import redistributable

    assert redistributable(license) is verdict and column == REDISTRIBUTABLE_COLUMN


def test_the_corpus_holds_only_redistributable_texts_and_not_the_seed():
    entries = load_manifest(REPO_ROOT / "corpus" / "manifest.jsonl")
    assert len(entries) == 1456
    assert {e.license for e in entries} == {"CC BY 2.5", "CC BY-SA 4.0", "public domain"}
    assert SEED_ID not in {e.id for e in entries}
    assert not (REPO_ROOT / "corpus" / "gold" / "seed.jsonl").exists()
    splits = (REPO_ROOT / "corpus" / "splits.jsonl").read_text(encoding="utf-8")
    assert SEED_ID not in splits


def _restrict(corpus, doc_id: str, license: str | None) -> None:
    manifest = corpus / "manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    for row in rows:
        if row["id"] == doc_id:
            row.pop("license")
            if license is not None:
                row["license"] = license
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_build_refuses_a_text_that_may_not_be_redistributed(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    _restrict(corpus, "s-attack", "All rights reserved")
    _restrict(corpus, "s-market", None)
    out = tmp_path / "dataset"
    with pytest.raises(NewsEventsError, match=r"2 documents may not be redistributed: s-attack \(All rights reserved\); "
                                              r"s-market \(no licence\); .*--local-only"):
        build(corpus, [texts], out, schema)
    assert not out.exists()
    run = subprocess.run([sys.executable, "-m", "newsevents", "corpus", "build", "--corpus", str(corpus), "--texts", str(texts),
                          "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr and not out.exists()
    assert len(run.stderr.strip().splitlines()) == 1 and "s-attack (All rights reserved); s-market (no licence)" in run.stderr


def test_a_local_only_build_says_so_and_records_the_verdict(small_corpus, tmp_path, schema):
    from datasets import load_dataset

    corpus, texts = small_corpus
    _restrict(corpus, "s-attack", "All rights reserved")
    out = tmp_path / "dataset"
    run = subprocess.run([sys.executable, "-m", "newsevents", "corpus", "build", "--corpus", str(corpus), "--texts", str(texts),
                          "--out", str(out), "--local-only"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "local-only: do not share it" in run.stdout
    card = (out / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["local_only"] is True
    assert "**Local-only build: do not share or publish this folder.** It holds 1 documents" in card and "(s-attack)" in card
    assert json.loads((out / ".newsevents-build.json").read_text())["local_only"] is True
    documents = load_dataset(str(out), "documents", cache_dir=str(tmp_path / "cache"))
    verdicts = {row["id"]: row[REDISTRIBUTABLE_COLUMN] for split in documents.values() for row in split}
    assert verdicts == {"s-arrest": True, "s-attack": False, "s-market": True}


def test_a_shareable_build_has_the_column_and_no_warning(small_corpus, tmp_path, schema):
    import pyarrow.parquet as pq

    corpus, texts = small_corpus
    out = tmp_path / "dataset"
    build(corpus, [texts], out, schema)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "local_only" not in card and "Local-only" not in card
    assert pq.read_table(out / "documents" / "train.parquet").column(REDISTRIBUTABLE_COLUMN).to_pylist() == [True]


def test_the_seed_is_the_demo_input_with_its_own_manifest_gold_and_split(schema):
    from newsevents.corpus.build import load_corpus, resolve_splits
    from newsevents.demo import EXAMPLE_CORPUS
    from newsevents.paths import EXAMPLES

    (entry,) = load_manifest(EXAMPLE_CORPUS / "manifest.jsonl")
    assert entry.id == SEED_ID and not entry.redistributable
    (doc,) = load_corpus(EXAMPLE_CORPUS, [EXAMPLES], schema)
    assert (len(doc.events), len(doc.entities)) == (26, 68)
    assignment, _ = resolve_splits([doc], EXAMPLE_CORPUS / "splits.jsonl")
    assert assignment.splits == {SEED_ID: "train"}


def test_the_demo_dataset_is_a_local_only_build(tmp_path):
    from newsevents.demo import demo

    demo(out=tmp_path / "demo")
    card = (tmp_path / "demo" / "dataset" / "README.md").read_text(encoding="utf-8")
    assert yaml.safe_load(card.split("---\n")[1])["local_only"] is True
    assert "Local-only build: do not share or publish this folder.** It holds 1 documents" in card and SEED_ID in card
