"""Bootstrap statistics over documents: confidence intervals for one system, deltas for two.

Documents are the unit of resampling (items of one document are not independent). Each resample
draws ``n_documents`` documents with replacement; counts are summed over the drawn documents and
turned into precision, recall and F1 exactly as for the full set. The generator is seeded, so a
report is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Resamples drawn when not told otherwise.
DEFAULT_RESAMPLES = 1000


def _prf(counts: np.ndarray) -> np.ndarray:
    """``counts[..., (n_gold, n_pred, n_match)]`` -> ``[..., (precision, recall, f1)]``, 0 when undefined."""
    gold, pred, match = counts[..., 0], counts[..., 1], counts[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, match / np.where(pred > 0, pred, 1), 0.0)
        recall = np.where(gold > 0, match / np.where(gold > 0, gold, 1), 0.0)
        total = precision + recall
        f1 = np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), 0.0)
    return np.stack([precision, recall, f1], axis=-1)


def resample_weights(n_documents: int, resamples: int, seed: int) -> np.ndarray:
    """How often each document is drawn in each resample: shape ``(resamples, n_documents)``."""
    rng = np.random.default_rng(seed)
    # Drawing n documents with replacement = one multinomial draw of n over equal probabilities.
    return rng.multinomial(n_documents, np.full(n_documents, 1.0 / n_documents), size=resamples).astype(np.float64)


def bootstrap_scores(per_document: np.ndarray, *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """Precision, recall and F1 of every resample.

    Parameters
    ----------
    per_document : ndarray, shape (n_documents, n_metrics, 3)
        Counts ``(n_gold, n_pred, n_match)`` of each metric in each document.
    weights : ndarray, shape (resamples, n_documents), optional
        Draw counts (:func:`resample_weights`); pass the same to score two systems on the same
        resamples (paired bootstrap).

    Returns
    -------
    ndarray, shape (resamples, n_metrics, 3)
    """
    n_documents = per_document.shape[0]
    if weights is None:
        weights = resample_weights(n_documents, resamples, seed)
    flat = per_document.reshape(n_documents, -1).astype(np.float64)
    sums = (weights @ flat).reshape(weights.shape[0], *per_document.shape[1:])
    return _prf(sums)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def to_list(self) -> list[float]:
        return [self.low, self.high]


def percentile_intervals(samples: np.ndarray, level: float = 0.95) -> np.ndarray:
    """``samples`` of shape (resamples, ...) -> (..., 2) lower and upper percentile bounds."""
    tail = (1 - level) / 2 * 100
    return np.moveaxis(np.percentile(samples, [tail, 100 - tail], axis=0), 0, -1)


def confidence_intervals(per_document: np.ndarray, *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                         level: float = 0.95) -> np.ndarray:
    """Percentile bootstrap intervals: shape ``(n_metrics, 3 (P, R, F1), 2 (low, high))``.

    With no document at all every interval is ``[0, 0]``.
    """
    if per_document.shape[0] == 0:
        return np.zeros((per_document.shape[1], 3, 2))
    return percentile_intervals(bootstrap_scores(per_document, resamples=resamples, seed=seed), level)
