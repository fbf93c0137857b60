"""Shared fixtures and markers: the ontology, offline Hugging Face libraries, tests that need the shared texts."""

from __future__ import annotations

import os

import pytest
from helpers import SOURCES

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
