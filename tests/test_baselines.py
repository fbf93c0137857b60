"""Every registered baseline passes the same checks (scikit-learn's ``check_estimator`` spirit).

Clone and parameter round trip, fit on a toy corpus returns self, predictions are valid documents,
save/load gives identical predictions, predict before fit raises naming the class, a model folder of
another ontology version is refused, the registry suggests the closest name.
"""

from __future__ import annotations

import json

import pytest
from sklearn.base import clone

from newsevents.baselines import BASELINES, BaselineRunner, load_extractor
from newsevents.corpus.normalize import normalize
from newsevents.corpus.segment import Segmenter
from newsevents.document import Argument, Document, EntityMention, EventMention, Span
from newsevents.baselines.base import Baseline, ModelFolderError, NotFittedError, SchemaVersionError
from newsevents.baselines.results import availability
from newsevents.errors import NewsEventsError
from newsevents.extractors import RUNNERS, make_runner, run_extractor
from newsevents.registry import UnknownNameError
from newsevents.validation import validate

# ------------------------------------------------------------------------ the toy corpus (by quoting)
_SEGMENTER = Segmenter()


def locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def make_doc(doc_id: str, text: str, entities=(), events=()) -> Document:
    """``entities``: (id, type, quote); ``events``: (id, type, trigger quote, [(role, entity id)], realis)."""
    normalized = normalize(text)
    text = normalized.text
    seg = _SEGMENTER.segment(text, normalized.paragraphs)
    mentions = []
    for mention_id, kind, quote in entities:
        start, end = locate(text, quote)
        mentions.append(EntityMention(mention_id, kind, start, end, quote))
    mentions_events = []
    for event_id, kind, quote, arguments, realis in events:
        start, end = locate(text, quote)
        mentions_events.append(EventMention(event_id, kind, Span(start, end, quote),
                                            tuple(Argument(role, entity=target) for role, target in arguments), realis))
    return Document(doc_id, text, meta={"source": "toy"}, paragraphs=normalized.paragraphs, sentences=seg.sentences,
                    tokens=seg.tokens, entities=tuple(mentions), events=tuple(mentions_events))


def toy_corpus() -> list[Document]:
    """Eight short documents: arrests, attacks and deaths with their arguments."""
    return [
        make_doc("t1", "Police arrested two men in Kabul on Monday.",
                 [("T1", "ORG", "Police"), ("T2", "PER", "two men"), ("T3", "GPE", "Kabul"), ("T4", "TIME", "Monday")],
                 [("E1", "Justice.Arrest", "arrested", [("Agent", "T1"), ("Detainee", "T2"), ("Place", "T3"), ("Time", "T4")], "actual")]),
        make_doc("t2", "Rebels attacked a convoy near Herat. Three soldiers were killed.",
                 [("T1", "ORG", "Rebels"), ("T2", "VEH", "a convoy"), ("T3", "GPE", "Herat"), ("T4", "PER", "Three soldiers")],
                 [("E1", "Conflict.Attack", "attacked", [("Attacker", "T1"), ("Target", "T2"), ("Place", "T3")], "actual"),
                  ("E2", "Life.Die", "killed", [("Victim", "T4")], "actual")]),
        make_doc("t3", "Soldiers arrested a suspect in Mosul.",
                 [("T1", "ORG", "Soldiers"), ("T2", "PER", "a suspect"), ("T3", "GPE", "Mosul")],
                 [("E1", "Justice.Arrest", "arrested", [("Agent", "T1"), ("Detainee", "T2"), ("Place", "T3")], "actual")]),
        make_doc("t4", "Gunmen attacked a market in Kabul and killed four people.",
                 [("T1", "ORG", "Gunmen"), ("T2", "FAC", "a market"), ("T3", "GPE", "Kabul"), ("T4", "PER", "four people")],
                 [("E1", "Conflict.Attack", "attacked", [("Attacker", "T1"), ("Target", "T2"), ("Place", "T3")], "actual"),
                  ("E2", "Life.Die", "killed", [("Killer", "T1"), ("Victim", "T4")], "actual")]),
        make_doc("t5", "The weather in Herat was mild on Monday.", [], []),
        make_doc("t6", "Police said they would arrest the leaders.",
                 [("T1", "ORG", "Police"), ("T2", "PER", "the leaders")],
                 [("E1", "Justice.Arrest", "arrest", [("Agent", "T1"), ("Detainee", "T2")], "other")]),
        make_doc("t7", "A bomb killed two children in Mosul.",
                 [("T1", "WEA", "A bomb"), ("T2", "PER", "two children"), ("T3", "GPE", "Mosul")],
                 [("E1", "Life.Die", "killed", [("Instrument", "T1"), ("Victim", "T2"), ("Place", "T3")], "actual")]),
        make_doc("t8", "Troops arrested the gunmen in Herat after they attacked a checkpoint.",
                 [("T1", "ORG", "Troops"), ("T2", "PER", "the gunmen"), ("T3", "GPE", "Herat"), ("T4", "FAC", "a checkpoint")],
                 [("E1", "Justice.Arrest", "arrested", [("Agent", "T1"), ("Detainee", "T2"), ("Place", "T3")], "actual"),
                  ("E2", "Conflict.Attack", "attacked", [("Attacker", "T2"), ("Target", "T4")], "actual")]),
    ]


def unseen() -> list[Document]:
    """Documents to predict (no gold)."""
    return [
        make_doc("u1", "Police arrested three men in Mosul on Monday. Rebels attacked a convoy."),
        make_doc("u2", "Gunmen killed two soldiers in Kabul."),
        make_doc("u3", "Nothing happened today."),
    ]


def _installed(name: str):
    reason = availability(name)
    return pytest.param(name, marks=pytest.mark.skipif(reason is not None, reason=f"{name}: {reason}"))


NAMES = [_installed(name) for name in BASELINES.names()]


@pytest.fixture(scope="module")
def corpus():
    return toy_corpus()


@pytest.fixture(scope="module")
def fitted(corpus):
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = BASELINES.get(name)().fit(corpus)
        return cache[name]

    return get


@pytest.mark.parametrize("name", NAMES)
def test_clone_and_params_round_trip(name):
    cls = BASELINES.get(name)
    estimator = cls()
    params = estimator.get_params()
    assert clone(estimator).get_params() == params
    assert cls(**params).get_params() == params
    key, value = next(iter(cls.param_grid.items()))
    changed = estimator.set_params(**{key: value[-1]})
    assert changed is estimator and estimator.get_params()[key] == value[-1]
    assert all(c in params for c in cls.param_grid), "every searched hyper-parameter is an __init__ parameter"
    assert cls.name == name and cls.summary


@pytest.mark.parametrize("name", NAMES)
def test_predict_before_fit_raises_naming_the_class(name):
    cls = BASELINES.get(name)
    with pytest.raises(NotFittedError, match=f"{cls.__name__} is not fitted yet"):
        cls().predict(unseen())
    from sklearn.exceptions import NotFittedError as SklearnNotFitted

    with pytest.raises(SklearnNotFitted):
        cls().predict(unseen())


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self_and_predictions_are_valid(name, corpus, schema):
    estimator = BASELINES.get(name)()
    assert estimator.fit(corpus) is estimator
    assert estimator.schema_version_ == schema.version and estimator.training_data_["documents"] == len(corpus)
    docs = unseen()
    predictions = estimator.predict(docs)
    assert [p.id for p in predictions] == [d.id for d in docs]
    for doc, prediction in zip(docs, predictions):
        assert prediction.text == doc.text and prediction.tokens == doc.tokens
        assert validate(prediction, schema) == []
    assert any(p.events for p in predictions), "the toy corpus's trigger words should be found"
    # Gold in the input is never read: the same text with gold gives the same prediction.
    assert estimator.predict(corpus[:2]) == estimator.predict([d.__class__(d.id, d.text, d.meta, d.paragraphs, d.sentences, d.tokens) for d in corpus[:2]])


@pytest.mark.parametrize("name", NAMES)
def test_save_load_gives_identical_predictions(name, fitted, tmp_path, corpus):
    estimator = fitted(name)
    folder = estimator.save(tmp_path / name)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["name"] == name and config["params"] == json.loads(json.dumps(estimator.get_params()))
    assert {"schema", "training_data", "package_version"} <= set(config)
    assert config["training_data"]["sha256"] == estimator.training_data_["sha256"]
    assert all((folder / f).is_file() for f in config["files"])
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in folder.iterdir())
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlibrary_name: newsevents\n") and "model-index" in card
    for loader in (Baseline.load, type(estimator).load, load_extractor):
        loaded = loader(folder)
        assert type(loaded) is type(estimator) and loaded.get_params() == estimator.get_params()
        assert loaded.predict(unseen()) == estimator.predict(unseen())
        assert loaded.predict(corpus) == estimator.predict(corpus)


@pytest.mark.parametrize("name", NAMES)
def test_another_schema_version_is_refused(name, fitted, tmp_path, schema):
    folder = fitted(name).save(tmp_path / name)
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["schema"]["version"] = "0.0.1"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(SchemaVersionError, match=rf"trained on ontology newsevents 0\.0\.1, but the installed ontology is newsevents {schema.version}"):
        Baseline.load(folder)


@pytest.mark.parametrize("name", NAMES)
def test_runs_in_the_harness_as_the_baseline_runner(name, fitted, tmp_path, corpus):
    folder = fitted(name).save(tmp_path / name)
    runner = make_runner("baseline", str(folder))
    assert isinstance(runner, BaselineRunner) and RUNNERS.get("baseline") is BaselineRunner
    result = run_extractor(runner, corpus)
    assert [d.id for d in result.predictions] == [d.id for d in corpus]
    assert result.runner["baseline"] == str(folder) and result.peak_memory_mb is not None


def test_another_baselines_folder_is_refused(fitted, tmp_path):
    folder = fitted("lexicon").save(tmp_path / "lexicon")
    other = next(n for n in BASELINES.names() if n != "lexicon")
    cls = BASELINES.get("crf")
    if other != "crf" or availability("crf"):
        pytest.skip("needs the crf baseline")
    with pytest.raises(ModelFolderError, match="model folder of the 'lexicon' baseline, not of 'crf'"):
        cls.load(folder)


def test_not_a_model_folder(tmp_path):
    with pytest.raises(ModelFolderError, match="not a model folder: no config.json"):
        Baseline.load(tmp_path)


def test_unknown_name_lists_the_baselines_and_suggests_the_closest():
    with pytest.raises(UnknownNameError, match=r"unknown baseline 'crff'; available: crf, lexicon, minilm; did you mean 'crf'\?"):
        BASELINES.get("crff")
    with pytest.raises(NewsEventsError, match=r"'lexicn' is neither a model folder nor a baseline; baselines: crf, lexicon, minilm; did you mean 'lexicon'\?"):
        load_extractor("lexicn")


def test_the_registry_holds_the_three_baselines_lazily():
    import subprocess
    import sys

    assert set(BASELINES.names()) == {"lexicon", "crf", "minilm"}
    code = "import sys, newsevents.baselines; print('sklearn_crfsuite' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"], "importing newsevents.baselines must not import crfsuite or torch"


def test_selection_uses_dev_only_and_records_every_candidate(corpus):
    from newsevents.baselines.base import select
    from newsevents.baselines.lexicon import TriggerLexicon

    selection = select(TriggerLexicon, corpus[:6], corpus[6:])
    chosen = selection.estimator.selection_
    assert chosen["on"] == "dev" and len(chosen["tried"]) == len(selection.tried) >= 2
    assert set(chosen["chosen"]) == set(TriggerLexicon.param_grid)
    assert selection.estimator.training_data_["documents"] == 6


# ----------------------------------------------------------------------------------- the commands
def _cli(*args, cwd=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "newsevents", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_list_predict_and_eval_run_with_a_model_folder(fitted, tmp_path, corpus):
    from newsevents.jsonl import read_documents, write_documents

    folder = fitted("lexicon").save(tmp_path / "lexicon-model")
    listing = _cli("baselines", "list")
    assert listing.returncode == 0 and "lexicon" in listing.stdout and "crf" in listing.stdout and "minilm" in listing.stdout
    docs = tmp_path / "docs.jsonl"
    write_documents(docs, unseen())
    predicted = _cli("baselines", "predict", str(folder), str(docs), "--out", str(tmp_path / "pred.jsonl"))
    assert predicted.returncode == 0, predicted.stderr
    assert "predicted 3 documents" in predicted.stdout and "docs/s" in predicted.stdout
    assert list(read_documents(tmp_path / "pred.jsonl")) == fitted("lexicon").predict(unseen())
    gold = tmp_path / "gold.jsonl"
    write_documents(gold, corpus)
    run = _cli("eval", "run", "--gold", str(gold), "--baseline", str(folder), "--out", str(tmp_path / "run"), "--bootstrap", "0")
    assert run.returncode == 0, run.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["runner"]["name"] == "baseline" and report["run"]["runner"]["baseline"] == str(folder)
    unknown = _cli("eval", "run", "--gold", str(gold), "--baseline", "crff", "--out", str(tmp_path / "run2"))
    assert unknown.returncode == 2 and "did you mean 'crf'?" in unknown.stderr and "Traceback" not in unknown.stderr


def _count_fits(monkeypatch, cls):
    fits = []
    original = cls._fit

    def counting(self, documents, schema):
        fits.append(self.get_params())
        return original(self, documents, schema)

    monkeypatch.setattr(cls, "_fit", counting)
    return fits


def test_training_fits_a_one_candidate_grid_once_and_times_that_fit(monkeypatch, corpus):
    from newsevents.baselines.lexicon import TriggerLexicon
    from newsevents.baselines.training import Corpus, train

    monkeypatch.setattr(TriggerLexicon, "param_grid", {"min_count": (TriggerLexicon().min_count,)})
    fits = _count_fits(monkeypatch, TriggerLexicon)
    outcome = train("lexicon", Corpus(None, corpus[:6], corpus[6:], "dev"), bootstrap=0)
    assert len(fits) == 1, "the search's only fit is the trained model: no second fit from scratch"
    assert outcome.training_seconds == outcome.estimator.fit_seconds_ > 0
    assert outcome.estimator.selection_["split"] == "dev" and len(outcome.estimator.selection_["tried"]) == 1


def test_training_refits_from_scratch_when_a_later_candidate_wins(monkeypatch, corpus):
    import inspect

    from newsevents.baselines.lexicon import TriggerLexicon
    from newsevents.baselines.training import Corpus, train

    # The default min_count becomes 99, which keeps no trigger word (dev TC 0): the later candidate 1 wins.
    names = [n for n in inspect.signature(TriggerLexicon.__init__).parameters if n != "self"]
    defaults = list(TriggerLexicon.__init__.__defaults__)
    defaults[names.index("min_count")] = 99
    monkeypatch.setattr(TriggerLexicon.__init__, "__defaults__", tuple(defaults))
    monkeypatch.setattr(TriggerLexicon, "param_grid", {"min_count": (99, 1)})
    fits = _count_fits(monkeypatch, TriggerLexicon)
    outcome = train("lexicon", Corpus(None, corpus[:6], corpus[6:], "dev"), bootstrap=0)
    assert outcome.estimator.selection_["chosen"] == {"min_count": 1}
    assert [f["min_count"] for f in fits] == [99, 1, 1], "two candidates, then the winner again from scratch"
    assert outcome.training_seconds == outcome.estimator.fit_seconds_


def test_selection_decodes_a_fitted_model_anew_instead_of_refitting(monkeypatch, corpus):
    from newsevents.baselines.base import select
    from newsevents.baselines.crf import CRFExtractor

    monkeypatch.setattr(CRFExtractor, "param_grid", {"o_threshold": (0.5, 0.9), "role_C": (0.3, 1.0), "role_threshold": (0.3, 0.4)})
    fits = _count_fits(monkeypatch, CRFExtractor)
    selection = select(CRFExtractor, corpus[:6], corpus[6:])
    fitted_configurations = {json.dumps({k: v for k, v in t["params"].items() if k not in CRFExtractor.decoding_params})
                             for t in selection.tried}
    assert len(selection.tried) == 4 and len(fits) == len(fitted_configurations) == 2, "the defaults, o_threshold=0.5, role_C=0.3 (a refit), role_threshold=0.3"
    chosen = selection.estimator
    refit = clone(chosen).fit(corpus[:6])
    assert chosen.predict(corpus[6:]) == refit.predict(corpus[6:]), "a re-decoded model predicts as a model fit with those parameters"


def test_a_model_is_current_only_for_the_same_corpus_and_the_same_hyper_parameter_names(fitted, tmp_path, corpus):
    from newsevents.baselines.results import is_current
    from newsevents.baselines.training import Corpus

    folder = fitted("lexicon").save(tmp_path / "lexicon-model")
    splits = Corpus(tmp_path, corpus, corpus[6:], "dev")
    assert is_current(folder, splits)
    assert not is_current(folder, Corpus(tmp_path, corpus[:6], corpus[6:], "dev")), "another train split: retrain"
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    del config["params"]["min_count"]           # as written by a version of the baseline without that parameter
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert not is_current(folder, splits), "a baseline that gained a hyper-parameter selects anew"


def test_fixed_hyper_parameters_are_fit_as_given_and_a_misspelt_one_names_the_closest(corpus):
    from newsevents.baselines.cli import _setting
    from newsevents.baselines.training import Corpus, train

    assert [_setting(t) for t in ("min_count=1", "min_precision=0.25", "lemmatize=false", "realis=actual")] == [
        ("min_count", 1), ("min_precision", 0.25), ("lemmatize", False), ("realis", "actual")]
    splits = Corpus(None, corpus[:6], corpus[6:], "dev")
    searched = train("lexicon", splits, params={"min_count": 3}, bootstrap=0).estimator
    assert searched.get_params()["min_count"] == 3 and searched.selection_["chosen"]["min_count"] == 3
    assert {t["params"]["min_count"] for t in searched.selection_["tried"]} == {3}, "a fixed parameter is not searched"
    unsearched = train("lexicon", splits, select_on_dev=False, params={"min_precision": 0.25}, bootstrap=0).estimator
    assert unsearched.get_params()["min_precision"] == 0.25
    with pytest.raises(NewsEventsError, match=r"lexicon has no hyper-parameter 'min_cont'; did you mean 'min_count'\?"):
        train("lexicon", splits, params={"min_cont": 2})
