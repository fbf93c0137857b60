"""The baselines: whole event extractors (triggers, types, entities, arguments, roles, realis, hoppers).

Each is a scikit-learn estimator (:class:`newsevents.baselines.base.Baseline`) registered by name in
:data:`BASELINES`, as a lazy ``"module:attr"`` target, so importing this package imports neither
crfsuite nor torch:

==========  ====================================================================================
``lexicon``  :class:`newsevents.baselines.lexicon.TriggerLexicon`: trained trigger lexicon, gazetteer,
             nearest-mention arguments. The floor.
``crf``      :class:`newsevents.baselines.crf.CRFExtractor`: crfsuite BIO taggers for triggers and
             mentions, a logistic-regression role classifier and a realis classifier.
``minilm``   ``newsevents.baselines.minilm:MiniLMExtractor``: a fine-tuned MiniLM encoder (the
             ``transformer`` extra).
==========  ====================================================================================

Shipped models (``lexicon``, ``crf``) are in ``newsevents/baselines/models/<name>/``:

>>> from newsevents.baselines import load_shipped           # doctest: +SKIP
>>> crf = load_shipped("crf")                               # doctest: +SKIP
>>> predictions = crf.predict(documents)                    # doctest: +SKIP

The evaluation harness runs a baseline with ``newsevents eval run --baseline NAME_OR_MODEL_DIR``:
importing this package registers the ``baseline`` runner (:class:`BaselineRunner`) in
:data:`newsevents.extractors.RUNNERS`. The layer contract lets the baselines import the extractor
interface but not the other way round, so the upper layer plugs itself into the lower layer's
registry (dependency inversion): nothing below the baselines names them. The command line imports
this package (``newsevents baselines``), so the runner is always registered there.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.extractors import RUNNERS, PythonExtractor
from newsevents.registry import Registry

if TYPE_CHECKING:
    from newsevents.baselines.base import Baseline

#: The baselines by name, weakest first (``results`` compares each with the one before it).
BASELINES: Registry[Any] = Registry("baseline")
BASELINES.register("lexicon", "newsevents.baselines.lexicon:TriggerLexicon")
BASELINES.register("crf", "newsevents.baselines.crf:CRFExtractor")
BASELINES.register("minilm", "newsevents.baselines.minilm:MiniLMExtractor")
#: Weakest to strongest: the order of the results table and of the paired comparisons.
ORDER = ("lexicon", "crf", "minilm")

#: The folder of the shipped models (inside the package, so wheels carry them).
MODELS_DIR = Path(__file__).resolve().parent / "models"


def shipped_path(name: str) -> Path:
    """The shipped model folder of baseline ``name`` (it may not exist); unknown names raise."""
    if name not in BASELINES:
        raise BASELINES.error(BASELINES.unknown(name))
    return MODELS_DIR / name


def has_shipped(name: str) -> bool:
    return (shipped_path(name) / "config.json").is_file()


def load_shipped(name: str) -> Baseline:
    """The shipped, trained model of baseline ``name``, ready to ``predict``.

    Raises
    ------
    UnknownNameError
        ``name`` is not a baseline (the message lists them and suggests the closest).
    NewsEventsError
        No model of ``name`` ships with the package (train one with ``newsevents baselines train``).
    """
    from newsevents.baselines.base import Baseline

    folder = shipped_path(name)
    if not (folder / "config.json").is_file():
        raise NewsEventsError(f"no shipped model for the {name!r} baseline (shipped: {', '.join(n for n in ORDER if has_shipped(n)) or 'none'}); "
                              f"train one with `newsevents baselines train {name} --out DIR` and pass DIR")
    return Baseline.load(folder)


def load_extractor(name_or_dir: str | Path) -> Baseline:
    """A trained baseline from a model folder, or the shipped model of a registered name.

    A path that is a directory is read as a model folder; otherwise the argument must be a baseline
    name, and an unknown one raises listing the names and suggesting the closest.
    """
    from newsevents.baselines.base import Baseline

    path = Path(name_or_dir)
    if path.is_dir():
        return Baseline.load(path)
    name = str(name_or_dir)
    if name not in BASELINES:
        close = difflib.get_close_matches(name, BASELINES.names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise BASELINES.error(f"{name!r} is neither a model folder nor a baseline; baselines: {', '.join(BASELINES.names())}{hint}")
    return load_shipped(name)


def baseline_class(name: str) -> type[Baseline]:
    """The estimator class of baseline ``name`` (imports its module; a missing extra raises naming it)."""
    return BASELINES.get(name)


class BaselineRunner(PythonExtractor):
    """The harness runner ``baseline``: a baseline's shipped model (by name) or a model folder, in-process.

    Memory is measured as for the ``python`` runner (tracemalloc).
    """

    name = "baseline"

    def __init__(self, target: str) -> None:  # noqa: D107 - not calling PythonExtractor's spec check
        self.spec = self.target = str(target)

    def describe(self) -> dict[str, Any]:
        return {"baseline": self.target}

    def load(self) -> Callable[[list[Document]], Any]:
        return load_extractor(self.target).predict


if "baseline" not in RUNNERS:
    RUNNERS.register("baseline", BaselineRunner)

__all__ = ["BASELINES", "BaselineRunner", "MODELS_DIR", "ORDER", "baseline_class", "has_shipped", "load_extractor",
           "load_shipped", "shipped_path"]
