"""Shared fixtures: where the shared texts are, the bundled example, a small synthetic corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsevents.ontology import load_schema
from newsevents.paths import EXAMPLES, REPO_ROOT

#: ../shared/sources beside the clone: real texts, never copied into the repo.
SOURCES = REPO_ROOT.parent / "shared" / "sources"
SEED = EXAMPLES / "seed" / "000_fc58bcde01b77c5c.txt"
SEED_ID = "seed-000_fc58bcde01b77c5c"

needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the clone")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(scope="session")
def schema():
    return load_schema()


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
