"""Helpers the tests import: where the shared texts are, the bundled example, a JSONL writer.

(Fixtures live in ``conftest.py``; tests import names from here, never from ``conftest``.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsevents.paths import EXAMPLES, REPO_ROOT

#: ../shared/sources beside the clone: real texts, never copied into the repo.
SOURCES = REPO_ROOT.parent / "shared" / "sources"
SEED = EXAMPLES / "seed" / "000_fc58bcde01b77c5c.txt"
SEED_ID = "seed-000_fc58bcde01b77c5c"

#: Marks a test that reads ../shared/sources; conftest.py skips it when the texts are not beside the clone.
needs_sources = pytest.mark.sources


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
