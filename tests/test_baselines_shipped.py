"""The shipped models (``newsevents/baselines/models/``) load and predict the bundled seed article."""

from __future__ import annotations

import pytest

from helpers import SEED
from newsevents.baselines import MODELS_DIR, has_shipped, load_extractor, load_shipped
from newsevents.baselines.base import read_config
from newsevents.corpus.ingest import ingest
from newsevents.errors import NewsEventsError
from newsevents.validation import validate

SHIPPED = ("lexicon", "crf")
#: "Small files": the whole shipped model folder stays below this many bytes (the crf trained on corpus v0.2
#: is about 12 MB: its mention tagger and role classifier grew with the training data).
MAX_MODEL_BYTES = 16 * 2**20


@pytest.fixture(scope="module")
def seed_documents():
    result = ingest([SEED], id_prefix="seed-")
    assert not result.failures
    return result.documents


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_loads_and_predicts_the_seed(name, seed_documents, schema):
    assert has_shipped(name)
    model = load_shipped(name)
    predictions = model.predict(seed_documents)
    assert len(predictions) == 1 and validate(predictions[0], schema) == []
    events = predictions[0].events
    assert len(events) >= 10, f"the seed article reports many events; {name} found {len(events)}"
    assert {"Justice.Arrest", "Life.Die"} <= {e.type for e in events}
    assert any(e.arguments for e in events)
    assert load_extractor(name).predict(seed_documents) == predictions


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_folder_is_small_safe_and_described(name, schema):
    folder = MODELS_DIR / name
    config = read_config(folder)
    assert config["schema"] == {"name": schema.name, "version": schema.version}
    assert config["training_data"]["split"] == "train" and config["selection"]["on"] == "dev"
    files = {p.name for p in folder.iterdir()}
    assert files == {"config.json", "README.md", *config["files"]}
    assert sum((folder / f).stat().st_size for f in files) < MAX_MODEL_BYTES
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "library_name: newsevents" in card and "| test |" in card and ("| dev |" in card or "| validation |" in card)


def test_a_baseline_without_shipped_model_says_how_to_train_one():
    with pytest.raises(NewsEventsError, match=r"no shipped model for the 'minilm' baseline .*newsevents baselines train minilm --out DIR"):
        load_shipped("minilm")
