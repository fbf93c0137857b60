"""Shared fixtures and markers: the ontology, offline Hugging Face libraries, tests that need the shared texts."""

from __future__ import annotations

import os
import sys

import pytest
from helpers import SOURCES

from newsevents.cli import main
from newsevents.ontology import load_schema

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``sources`` are skipped when ../shared/sources is not beside the clone."""
    if SOURCES.is_dir():
        return
    skip = pytest.mark.skip(reason="../shared/sources is not beside the clone")
    for item in items:
        if "sources" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def schema():
    return load_schema()


@pytest.fixture()
def cli(capsys, monkeypatch):
    """Run ``newsevents ARGS`` through the console-script entry point; returns (status, stdout, stderr).

    Any exception other than the SystemExit the entry point ends with fails the test: that is the
    traceback a user would have seen.
    """

    def invoke(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["newsevents", *map(str, args)])
        with pytest.raises(SystemExit) as caught:
            main()
        out, err = capsys.readouterr()
        return caught.value.code or 0, out, err

    return invoke
