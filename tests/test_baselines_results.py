"""``baselines/RESULTS.md`` is what ``newsevents baselines results`` generates, from the current models and corpus.

Like the label config's staleness test: the Markdown is rendered from ``eval/leaderboard.json`` alone, so
it must equal ``render(leaderboard)``; the leaderboard must describe the shipped models (same training
data, same hyper-parameters); and, with the shared sources at hand, the corpus must still be the one the
leaderboard was made from. Any failure is fixed by one command: ``newsevents baselines results``.
"""

from __future__ import annotations

import json

import pytest

from helpers import SOURCES, needs_sources
from newsevents.baselines import MODELS_DIR
from newsevents.baselines.base import DEV_SPLITS, data_fingerprint, read_config
from newsevents.baselines.results import LEADERBOARD_PATH, RESULTS_PATH, render

FIX = "stale: run `newsevents baselines results --corpus build/newsevents`"


@pytest.fixture(scope="module")
def leaderboard():
    return json.loads(LEADERBOARD_PATH.read_text(encoding="utf-8"))


def test_results_md_is_what_the_command_renders(leaderboard):
    assert RESULTS_PATH.read_text(encoding="utf-8") == render(leaderboard), f"baselines/RESULTS.md is {FIX}"


def test_leaderboard_describes_the_shipped_models(leaderboard):
    train = leaderboard["corpus"]["splits"]["train"]["sha256"]
    entries = {e["name"]: e for e in leaderboard["baselines"]}
    for name in ("lexicon", "crf"):
        config = read_config(MODELS_DIR / name)
        assert config["training_data"]["sha256"] == train, f"the shipped {name} model and the leaderboard differ in training data: {FIX}"
        assert entries[name]["params"] == config["params"], f"the shipped {name} model is not the one scored: {FIX}"
        assert {"dev", "test"} <= set(entries[name]["scores"]) or leaderboard["corpus"]["dev_split"] in entries[name]["scores"]


def test_results_state_commands_corpus_version_and_date(leaderboard):
    text = RESULTS_PATH.read_text(encoding="utf-8")
    assert leaderboard["generated"] in text and leaderboard["corpus"]["version"] in text
    assert "newsevents baselines results" in text and "--baseline crf" in text and "newsevents eval compare" in text


@needs_sources
@pytest.mark.slow
def test_leaderboard_was_made_from_the_current_corpus(leaderboard, schema):
    from newsevents.corpus.build import CorpusLayout, load_corpus, resolve_splits
    from newsevents.paths import EXAMPLES, project_path

    corpus = project_path("corpus")
    documents = load_corpus(corpus, [SOURCES, EXAMPLES], schema)
    assignment, _ = resolve_splits(documents, CorpusLayout(corpus).splits)
    for split, info in leaderboard["corpus"]["splits"].items():
        names = DEV_SPLITS if split in DEV_SPLITS else (split,)   # the dataset may call dev "validation"
        docs = [d for d in documents if assignment.splits[d.id] in names]
        assert data_fingerprint(docs, split)["sha256"] == info["sha256"], f"the corpus's {split} split changed: results are {FIX}"
