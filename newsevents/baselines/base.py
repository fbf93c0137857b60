"""The estimator base class of every baseline: fit, predict, save/load a model folder, a model card.

A baseline is a scikit-learn estimator (:class:`sklearn.base.BaseEstimator`): ``__init__`` stores its
keyword hyper-parameters unchanged (so ``get_params`` / ``set_params`` / ``clone`` work),
``fit(documents)`` learns from gold documents and returns ``self``, learned state lives in attributes
ending in ``_``, and ``predict`` before ``fit`` raises :class:`NotFittedError` naming the class.
``predict(documents)`` returns new documents (text and structure kept) with predicted ``entities``
and ``events``; it never reads the input's gold. ``fit(documents, on_progress=f)`` calls
``f(done, total)`` as a baseline that trains in steps advances (``minilm``).

A **model folder** (:meth:`Baseline.save`, :meth:`Baseline.load`) holds:

* ``config.json``: the baseline's registry name, its hyper-parameters, the ontology name and version
  it was trained on, the training data (corpus version, split, number of documents, sha256 of their
  texts and gold), the hyper-parameter selection on dev, the training time and the package version;
* the learned state in safe formats written by the subclass (:meth:`Baseline._save_state`):
  crfsuite's own model file, plain JSON for lexicons and scikit-learn parts (coefficients,
  intercepts, classes, vocabulary), ``safetensors`` for torch; never a pickle;
* ``README.md``: a Hugging Face model card (YAML front matter with ``library_name``, ``tags``,
  ``datasets``, ``metrics`` and a ``model-index`` with the scores) and a scores table.

Loading a folder trained on another ontology version raises :class:`SchemaVersionError` naming
both versions. Shipped models live in ``newsevents/baselines/models/<name>/``
(:func:`shipped_path`, :func:`load_shipped`); :func:`load_extractor` takes a registered name (its
shipped model) or a model folder.

Hyper-parameters are chosen on dev only (:func:`select`): one parameter at a time over the class's
:attr:`Baseline.param_grid`, keeping the value with the best sum of dev F1 over
:attr:`Baseline.selection_metrics`; ties keep the earlier candidate (the first is the default).
Parameters listed in :attr:`Baseline.decoding_params` (decoding thresholds) are tried on a model
already fit with the others, so they cost a dev prediction each, not a fit.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError as _SklearnNotFitted

from newsevents import __version__
from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError
from newsevents.jsonl import dumps
from newsevents.ontology import Schema, load_schema
from newsevents.paths import project_path

#: ``config.json``'s ``format``; :data:`FORMAT_VERSION` is bumped when the folder layout changes.
FORMAT = "newsevents-baseline"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
CARD_FILE = "README.md"
#: The split names baselines are fit on and selected on ("validation" is accepted for "dev").
TRAIN_SPLIT = "train"
DEV_SPLITS = ("dev", "validation")
#: The dataset id the model cards name.
DATASET_ID = "newsevents/newsevents"


class NotFittedError(NewsEventsError, _SklearnNotFitted):
    """``predict`` or ``save`` before ``fit``: also scikit-learn's ``NotFittedError``."""


class ModelFolderError(NewsEventsError):
    """A model folder that cannot be loaded: missing or malformed files, another baseline's folder."""


class SchemaVersionError(ModelFolderError):
    """A model trained on another version of the ontology than the installed one."""


def corpus_version() -> str:
    """The corpus version: the newest heading of ``corpus/CHANGELOG.md`` ("unknown" without one)."""
    path = project_path("corpus/CHANGELOG.md")
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                return line[3:].strip()
    except OSError:
        pass
    return "unknown"


def data_fingerprint(documents: Sequence[Document], split: str | None = None) -> dict[str, Any]:
    """What a model was trained on: corpus version, split, document count, sha256 of texts and gold.

    The hash covers, in id order, each document's id, text sha256, entities and events, so any change
    of text or annotation changes it.
    """
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.id):
        digest.update(dumps([doc.id, doc.sha256, [m.to_dict() for m in doc.entities], [e.to_dict() for e in doc.events]]).encode("utf-8"))
        digest.update(b"\n")
    return {"version": corpus_version(), "split": split, "documents": len(documents), "sha256": digest.hexdigest()}


def require_segmented(document: Document) -> None:
    """Raise naming the document when it has text but no tokens or sentences."""
    if document.text and not (document.tokens and document.sentences):
        raise NewsEventsError("the document has no tokens or sentences: ingest or segment it first "
                              "(newsevents corpus ingest)", document=document.id)


class Baseline(BaseEstimator):
    """Base class of the baselines (see the module docstring for the conventions).

    Subclasses set the class attributes below and implement :meth:`_fit`, :meth:`_predict_document`,
    :meth:`_save_state` and :meth:`_load_state`.
    """

    #: The registry name (``newsevents.baselines.BASELINES``).
    name: ClassVar[str] = ""
    #: One line: what the baseline is (``newsevents baselines list``).
    summary: ClassVar[str] = ""
    #: True when training depends on the seed (results then report mean and sd over seeds).
    stochastic: ClassVar[bool] = False
    #: Dev selection: hyper-parameter -> candidates (the default first), searched in this order.
    param_grid: ClassVar[dict[str, tuple[Any, ...]]] = {}
    #: Hyper-parameters that only :meth:`predict` reads (decoding thresholds): the search tries them on a
    #: model already fit with the other parameters instead of refitting.
    decoding_params: ClassVar[tuple[str, ...]] = ()
    #: Dev selection maximises the sum of these F1 scores.
    selection_metrics: ClassVar[tuple[str, ...]] = ("TC", "AC+")
    #: Files of the learned state, for the model card.
    state_files: ClassVar[tuple[str, ...]] = ()

    # ----------------------------------------------------------------------------------- estimator
    def fit(self, documents: Iterable[Document], y: None = None, *,
            on_progress: Callable[[int, int], None] | None = None) -> Baseline:
        """Learn from gold ``documents`` (segmented, with entities and events); returns ``self``.

        ``on_progress(done, total)`` is called as training advances, by baselines that train in
        steps (``minilm``: once per optimiser step); the others never call it.
        """
        docs = list(documents)
        for doc in docs:
            require_segmented(doc)
        schema = load_schema()
        started = time.perf_counter()
        self._on_progress = on_progress
        try:
            self._fit(docs, schema)
        finally:
            del self._on_progress
        self.fit_seconds_ = time.perf_counter() - started
        self.schema_name_, self.schema_version_ = schema.name, schema.version
        self.training_data_ = data_fingerprint(docs)
        return self

    def predict(self, documents: Iterable[Document]) -> list[Document]:
        """New documents (text, metadata and structure kept) with the predicted entities and events.

        Raises
        ------
        NotFittedError
            Before ``fit`` (or ``load``).
        NewsEventsError
            For a document without tokens or sentences.
        """
        return list(self.predict_iter(documents))

    def predict_iter(self, documents: Iterable[Document]) -> Iterator[Document]:
        """:meth:`predict`, one document at a time (for streaming)."""
        self._check_fitted()
        schema = load_schema()
        for doc in documents:
            require_segmented(doc)
            yield self._predict_document(doc, schema)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "schema_version_")

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet: call fit(documents) first, "
                                 f"or load a trained model with {type(self).__name__}.load(folder)")

    @staticmethod
    def _output(document: Document, entities: Sequence[Any], events: Sequence[Any]) -> Document:
        """The prediction for ``document``: its text and structure, the predicted layers."""
        return replace(document, entities=tuple(entities), events=tuple(events))

    @classmethod
    def clear_caches(cls) -> None:
        """Drop anything kept between fits (a subclass that memoises parts clears them here)."""

    def _progress(self, done: int, total: int) -> None:
        """Report training progress to the ``on_progress`` of the running :meth:`fit` (if any)."""
        callback = getattr(self, "_on_progress", None)
        if callback is not None:
            callback(done, total)

    # ------------------------------------------------------------------------------- subclass API
    def _fit(self, documents: list[Document], schema: Schema) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _predict_document(self, document: Document, schema: Schema) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def _save_state(self, folder: Path) -> None:  # pragma: no cover - abstract
        """Write the learned state into ``folder`` (safe formats only)."""
        raise NotImplementedError

    def _load_state(self, folder: Path) -> None:  # pragma: no cover - abstract
        """Read the state :meth:`_save_state` wrote."""
        raise NotImplementedError

    # ---------------------------------------------------------------------------- model folders
    def config(self) -> dict[str, Any]:
        """The ``config.json`` of this fitted model."""
        self._check_fitted()
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "summary": self.summary,
            "params": _jsonable(self.get_params()),
            "schema": {"name": self.schema_name_, "version": self.schema_version_},
            "training_data": self.training_data_,
            "selection": getattr(self, "selection_", None),
            "fit_seconds": round(self.fit_seconds_, 3),
            "package_version": __version__,
            "files": list(self.state_files),
        }

    def save(self, folder: str | Path, *, scores: dict[str, dict[str, Any]] | None = None) -> Path:
        """Write the model folder (``config.json``, the state, ``README.md``); returns its path.

        ``scores`` (split -> :func:`card_scores`-style dict) goes into the model card. The folder is
        written beside the target and renamed over it only once complete.
        """
        self._check_fitted()
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.with_name(f".{folder.name}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            config = self.config()
            (staging / CONFIG_FILE).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            self._save_state(staging)
            (staging / CARD_FILE).write_text(model_card(config, scores or {}), encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder)
            staging.rename(folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Baseline:
        """Load a model folder written by :meth:`save`.

        Called on :class:`Baseline`, any baseline's folder loads (its class comes from the registry);
        called on a subclass, a folder of another baseline is refused.

        Raises
        ------
        ModelFolderError
            A missing or malformed ``config.json``, another baseline's folder.
        SchemaVersionError
            The model was trained on another ontology version than the installed one.
        """
        from newsevents.baselines import BASELINES

        folder = Path(folder)
        config = read_config(folder)
        name = config["name"]
        if cls is not Baseline and name != cls.name:
            raise ModelFolderError(f"this is a model folder of the {name!r} baseline, not of {cls.name!r}", file=str(folder))
        check_schema(config, folder)
        target = BASELINES.get(name)
        try:
            estimator = target(**config.get("params", {}))
            estimator._load_state(folder)
        except (OSError, KeyError, TypeError, ValueError) as err:
            raise ModelFolderError(f"the model state cannot be read ({type(err).__name__}: {err}); the folder is incomplete or was "
                                   f"written by another version of newsevents (it says {config.get('package_version')}): retrain it with "
                                   f"`newsevents baselines train {name} --out DIR`", file=str(folder)) from None
        estimator.schema_name_ = config["schema"]["name"]
        estimator.schema_version_ = config["schema"]["version"]
        estimator.training_data_ = config.get("training_data", {})
        estimator.fit_seconds_ = float(config.get("fit_seconds", 0.0))
        if config.get("selection") is not None:
            estimator.selection_ = config["selection"]
        return estimator


def read_config(folder: Path) -> dict[str, Any]:
    """``config.json`` of a model folder, checked for the keys :meth:`Baseline.load` needs."""
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise ModelFolderError(f"not a model folder: no {CONFIG_FILE} (train one with `newsevents baselines train NAME --out DIR`)",
                               file=str(folder))
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FormatError(f"malformed JSON: {err}", file=str(path)) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ModelFolderError(f"not a newsevents baseline config (expected \"format\": {FORMAT!r})", file=str(path))
    if config.get("format_version") != FORMAT_VERSION:
        raise ModelFolderError(f"model folder format version {config.get('format_version')!r}; this newsevents reads "
                               f"version {FORMAT_VERSION}: retrain the model", file=str(path))
    for key in ("name", "schema"):
        if key not in config:
            raise ModelFolderError(f"missing key {key!r}", file=str(path))
    return config


def check_schema(config: dict[str, Any], folder: Path) -> None:
    """Refuse a model trained on another ontology (name or version) than the installed one."""
    schema = load_schema()
    trained = config["schema"]
    if (trained.get("name"), trained.get("version")) != (schema.name, schema.version):
        raise SchemaVersionError(
            f"the model was trained on ontology {trained.get('name')} {trained.get('version')}, but the installed ontology is "
            f"{schema.name} {schema.version}: retrain it with `newsevents baselines train {config['name']} --out DIR`",
            file=str(folder),
        )


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Hyper-parameters as JSON values (tuples become lists); anything else raises naming it."""
    out = {}
    for key, value in params.items():
        if isinstance(value, tuple):
            value = list(value)
        try:
            json.dumps(value)
        except TypeError:
            raise NewsEventsError(f"hyper-parameter {key}={value!r} is not a JSON value: a model folder cannot store it") from None
        out[key] = value
    return out


# --------------------------------------------------------------------------------------- model card
#: The metrics a model card lists (in this order).
CARD_METRICS = ("TI", "TC", "AI", "AC", "AI+", "AC+")


def card_scores(report: Any, metrics: Sequence[str] = CARD_METRICS) -> dict[str, Any]:
    """``{metric: {"f1", "low", "high"}}`` (percent, one decimal) from a :class:`~newsevents.eval.report.Report`."""
    return {m: {"f1": round(100 * report.metrics[m].score.f1, 1),
                "low": round(100 * report.metrics[m].ci95["f1"][0], 1),
                "high": round(100 * report.metrics[m].ci95["f1"][1], 1)} for m in metrics}


def model_card(config: dict[str, Any], scores: dict[str, dict[str, Any]]) -> str:
    """The model card (``README.md``) of a model folder: Hugging Face YAML front matter and a scores table."""
    import yaml

    name = config["name"]
    data = config.get("training_data") or {}
    results = []
    for split, table in scores.items():
        results.append({
            "task": {"type": "token-classification", "name": "Event extraction"},
            "dataset": {"type": DATASET_ID, "name": "newsevents", "split": split},
            "metrics": [{"type": "f1", "name": f"{metric} F1", "value": cell["f1"]} for metric, cell in table.items()],
        })
    front = {
        "library_name": "newsevents",
        "language": ["en"],
        "license": "apache-2.0",
        "tags": ["event-extraction", "information-extraction", "news", "newsevents", f"baseline-{name}"],
        "datasets": [DATASET_ID],
        "metrics": ["f1"],
        "model-index": [{"name": f"newsevents-{name}", "results": results}],
    }
    lines = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             f"# newsevents baseline `{name}`", "", config.get("summary", ""), "",
             "## Training", "",
             f"- Trained on the `{data.get('split') or 'train'}` split of the newsevents corpus ({data.get('version', 'unknown')}): "
             f"{data.get('documents', '?')} documents, data sha256 `{data.get('sha256', '')[:16]}`.",
             f"- Hyper-parameters (chosen on dev only, never on test): `{json.dumps(config.get('params', {}), sort_keys=True)}`.",
             f"- Ontology {config['schema']['name']} {config['schema']['version']}; newsevents {config.get('package_version')}; "
             f"fit time {config.get('fit_seconds', 0):.2f} s.",
             f"- State: {', '.join(f'`{f}`' for f in config.get('files', [])) or 'none'} (no pickle).", ""]
    if scores:
        lines += ["## Scores", "", "F1 in percent with the 95% bootstrap interval over documents "
                  "(TextEE definitions, `eval/METRICS.md`).", ""]
        metrics = list(next(iter(scores.values())))
        lines.append("| split | " + " | ".join(metrics) + " |")
        lines.append("| --- |" + " --- |" * len(metrics))
        for split, table in scores.items():
            lines.append(f"| {split} | " + " | ".join(f"{c['f1']:.1f} [{c['low']:.1f}, {c['high']:.1f}]" for c in table.values()) + " |")
        lines.append("")
    lines += ["## Use", "", "```bash", f"newsevents baselines predict {name} docs.jsonl --out predictions.jsonl",
              f"newsevents eval run --gold build/newsevents --split test --baseline {name} --out runs/{name}", "```", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------- selection
@dataclass
class Selection:
    """The result of :func:`select`: the chosen, fitted estimator and every candidate tried on dev."""

    estimator: Baseline
    tried: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    #: The chosen estimator's learned state is the search's first fit (the defaults, up to decoding
    #: parameters), made before any other: with caches cleared before the search, that fit was from
    #: scratch and its ``fit_seconds_`` is a training time.
    chosen_first: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"on": "dev", "objective": " + ".join(f"{m} F1" for m in self.estimator.selection_metrics),
                "tried": self.tried, "seconds": round(self.seconds, 2)}


def dev_objective(estimator: Baseline, dev: Sequence[Document]) -> tuple[float, dict[str, float]]:
    """Sum of dev F1 over ``estimator.selection_metrics`` (no bootstrap) and the F1 of each."""
    from newsevents.eval.score import score

    report = score(dev, estimator.predict(dev), bootstrap=0, errors=False)
    f1 = {m: report.f1(m) for m in estimator.selection_metrics}
    return sum(f1.values()), f1


def select(cls: type[Baseline], train: Sequence[Document], dev: Sequence[Document], *, params: dict[str, Any] | None = None,
           on_step: Callable[[str], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None) -> Selection:
    """Choose hyper-parameters of ``cls`` on ``dev`` by coordinate search over ``cls.param_grid``.

    Each parameter in turn takes each of its candidates with the others at their current best; the
    candidate with the highest :func:`dev_objective` is kept (ties: the earlier one). Every model is
    fit on ``train`` only; a candidate that differs from a fitted one only in ``cls.decoding_params``
    reuses that fit. ``params`` fixes parameters (for example ``seed``; a searched one then takes only
    its fixed value); ``on_progress`` goes to each fit (:meth:`Baseline.fit`). Returns the best fitted
    estimator with ``selection_`` set.
    """
    started = time.perf_counter()
    best_params = {**cls().get_params(), **(params or {})}
    cache: dict[str, tuple[Baseline, float, dict[str, float]]] = {}
    fitted: dict[str, Baseline] = {}  # the parameters a fit reads -> the model fit with them

    def fit_key(candidate: dict[str, Any]) -> str:
        return json.dumps(_jsonable({k: v for k, v in candidate.items() if k not in cls.decoding_params}), sort_keys=True)

    def evaluate(candidate: dict[str, Any]) -> tuple[Baseline, float, dict[str, float]]:
        key = json.dumps(_jsonable(candidate), sort_keys=True)
        if key not in cache:
            learned = fit_key(candidate)
            if learned in fitted:  # only decoding parameters differ: the same fitted state, decoded anew
                estimator = copy.copy(fitted[learned]).set_params(**{k: candidate[k] for k in cls.decoding_params})
            else:
                estimator = fitted[learned] = cls(**candidate).fit(train, on_progress=on_progress)
            objective, f1 = dev_objective(estimator, dev)
            cache[key] = (estimator, objective, f1)
            tried.append({"params": {k: candidate[k] for k in cls.param_grid}, "dev_f1": {m: round(v, 4) for m, v in f1.items()}})
            if on_step is not None:
                on_step(", ".join(f"{k}={candidate[k]}" for k in cls.param_grid))
        return cache[key]

    tried: list[dict[str, Any]] = []
    initial = dict(best_params)
    best = evaluate(best_params)
    for parameter, candidates in cls.param_grid.items():
        for value in candidates if parameter not in (params or {}) else (best_params[parameter],):
            candidate = {**best_params, parameter: value}
            result = evaluate(candidate)
            if result[1] > best[1]:
                best, best_params = result, candidate
    selection = Selection(best[0], tried, time.perf_counter() - started,
                          chosen_first=fit_key(best_params) == fit_key(initial))
    best[0].selection_ = {**selection.to_dict(), "chosen": {k: best_params[k] for k in cls.param_grid}}
    return selection


def grid_size(cls: type[Baseline]) -> int:
    """The most fits :func:`select` makes for ``cls`` (for a progress bar)."""
    return 1 + sum(len(c) for c in cls.param_grid.values())


def today() -> str:
    return _dt.datetime.now(_dt.timezone.utc).date().isoformat()


__all__ = ["Baseline", "NotFittedError", "ModelFolderError", "SchemaVersionError", "Selection",
           "card_scores", "check_schema", "corpus_version", "data_fingerprint", "model_card", "read_config", "select"]
