"""Training a baseline on a built corpus: fit on train, choose hyper-parameters on dev, never look at test.

:func:`train` is what ``newsevents baselines train`` and ``newsevents baselines results`` call:

1. load the ``train`` and ``dev`` splits (``validation`` is accepted for ``dev``) of a dataset
   folder written by ``newsevents corpus build``;
2. choose the hyper-parameters on dev (:func:`newsevents.baselines.base.select`), every candidate
   fit on train only;
3. refit the chosen configuration from scratch (its time is the reported training time) and score
   it on dev with 95% bootstrap intervals. When the chosen configuration is the search's first fit
   (always so for a one-candidate grid, as ``minilm``'s), that fit ran from scratch already and is kept:
   its time is the training time and nothing is fit twice.

Example
-------
>>> outcome = train("crf", "build/newsevents", seed=0)          # doctest: +SKIP
>>> outcome.estimator.save("models/crf", scores={"dev": card_scores(outcome.dev_report)})  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.base import clone

from newsevents.baselines import baseline_class
from newsevents.baselines.base import DEV_SPLITS, TRAIN_SPLIT, Baseline, data_fingerprint, select
from newsevents.document import Document
from newsevents.errors import NewsEventsError, suggest

#: Where ``newsevents corpus build`` writes the corpus by default.
DEFAULT_CORPUS = Path("build/newsevents")


@dataclass
class Corpus:
    """The splits of a built corpus that training may see (train, dev), and test for reporting only."""

    path: Path
    train: list[Document]
    dev: list[Document]
    dev_split: str
    test: list[Document] | None = None

    def describe(self) -> dict[str, Any]:
        splits = {TRAIN_SPLIT: self.train, self.dev_split: self.dev, **({"test": self.test} if self.test is not None else {})}
        return {name: data_fingerprint(docs, name) for name, docs in splits.items()}


def load_corpus_splits(path: str | Path, *, test: bool = False) -> Corpus:
    """The train and dev splits (and test when asked, for reporting) of a dataset folder.

    Raises
    ------
    NewsEventsError
        The folder is missing or has no train split or no dev / validation split.
    """
    from newsevents.formats.loading import is_dataset_folder, load_dataset_split

    path = Path(path)
    if not is_dataset_folder(path):
        raise NewsEventsError("not a built corpus (a dataset folder with README.md): build it with "
                              "`newsevents corpus build --texts ../shared/sources --out build/newsevents`", file=str(path))
    import datasets

    splits = set(datasets.get_dataset_split_names(str(path), "documents"))
    dev_split = next((s for s in DEV_SPLITS if s in splits), None)
    if TRAIN_SPLIT not in splits or dev_split is None:
        raise NewsEventsError(f"the corpus needs a {TRAIN_SPLIT!r} and a 'dev' (or 'validation') split; it has {', '.join(sorted(splits))}",
                              file=str(path))
    return Corpus(path, load_dataset_split(path, TRAIN_SPLIT), load_dataset_split(path, dev_split), dev_split,
                  load_dataset_split(path, "test") if test and "test" in splits else None)


def fixed_params(cls: type[Baseline], params: dict[str, Any]) -> dict[str, Any]:
    """``params`` when every name is a hyper-parameter of ``cls``; else an error naming the closest one."""
    known = sorted(cls().get_params())
    for key in params:
        if key not in known:
            raise NewsEventsError(f"{cls.name} has no hyper-parameter {key!r}; {suggest(key, known)}")
    return dict(params)


@dataclass
class TrainOutcome:
    """A trained baseline with its dev report and timings (seconds)."""

    estimator: Baseline
    dev_report: Any
    training_seconds: float
    selection_seconds: float


def train(name: str, corpus: str | Path | Corpus = DEFAULT_CORPUS, *, seed: int = 0, select_on_dev: bool = True,
          params: dict[str, Any] | None = None,
          on_step: Callable[[str], None] | None = None, on_progress: Callable[[int, int], None] | None = None,
          bootstrap: int = 1000) -> TrainOutcome:
    """Train baseline ``name`` on the corpus's train split, hyper-parameters chosen on dev.

    Parameters
    ----------
    name : str
        A registered baseline.
    corpus : path or Corpus
        A dataset folder (``newsevents corpus build``) or splits loaded by :func:`load_corpus_splits`.
    seed : int, default 0
        Passed to baselines that take a ``seed``.
    select_on_dev : bool, default True
        False: fit the default hyper-parameters (no search).
    params : dict, optional
        Hyper-parameters fixed to these values (a searched one then takes only this value); names
        are checked against the baseline's (:func:`fixed_params`).
    on_step : callable, optional
        Called with a short description after each candidate of the search (progress bars).
    on_progress : callable, optional
        ``on_progress(done, total)`` within each fit, for baselines that train in steps (:meth:`Baseline.fit`).
    bootstrap : int, default 1000
        Resamples of the dev report's intervals.
    """
    from newsevents.eval.score import score

    cls = baseline_class(name)
    splits = corpus if isinstance(corpus, Corpus) else load_corpus_splits(corpus)
    fixed = {**({"seed": seed} if "seed" in cls().get_params() else {}), **fixed_params(cls, params or {})}
    started = time.perf_counter()
    cls.clear_caches()  # the first fit of the search then runs from scratch
    selection = select(cls, splits.train, splits.dev, params=fixed, on_step=on_step, on_progress=on_progress) \
        if select_on_dev else None
    selection_seconds = time.perf_counter() - started
    if selection is not None and selection.chosen_first:
        final = selection.estimator
    else:
        cls.clear_caches()  # the reported training time is a fit from scratch
        final = clone(selection.estimator) if selection is not None else cls(**fixed)
        final.fit(splits.train, on_progress=on_progress)
    training_seconds = final.fit_seconds_
    final.training_data_ = data_fingerprint(splits.train, TRAIN_SPLIT)
    if selection is not None:
        final.selection_ = {**selection.estimator.selection_, "split": splits.dev_split}
    dev_report = score(splits.dev, final.predict(splits.dev), bootstrap=bootstrap, seed=0)
    if on_step is not None:
        on_step("scored on dev")
    return TrainOutcome(final, dev_report, training_seconds, selection_seconds)


__all__ = ["Corpus", "DEFAULT_CORPUS", "TrainOutcome", "fixed_params", "load_corpus_splits", "train"]
