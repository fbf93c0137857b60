"""Counting matches: a small mergeable counter and the frozen precision/recall/F1 it turns into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Counts:
    """How many gold items, predicted items and matched pairs; ``+`` merges counts.

    ``n_match`` never exceeds ``n_gold`` or ``n_pred``: a match is one gold item paired with one
    predicted item.
    """

    n_gold: int = 0
    n_pred: int = 0
    n_match: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.n_gold + other.n_gold, self.n_pred + other.n_pred, self.n_match + other.n_match)

    def score(self, zero_division: float = 0.0) -> Score:
        """Precision, recall and F1 of these counts; see :class:`Score` for the undefined cases."""
        return Score.from_counts(self.n_gold, self.n_pred, self.n_match, zero_division)


def prf_array(counts: np.ndarray | Sequence[float], zero_division: float = 0.0) -> np.ndarray:
    """Precision, recall and F1 from counts: the one implementation, for point scores and the bootstrap.

    Parameters
    ----------
    counts : array-like, shape (..., 3)
        ``(n_gold, n_pred, n_match)`` along the last axis; floats allowed (bootstrap sums).
    zero_division : float, default 0.0
        Precision when ``n_pred == 0``, recall when ``n_gold == 0``, and all three when both are 0.

    Returns
    -------
    ndarray, shape (..., 3)
        ``(precision, recall, f1)`` as fractions (0..1). F1 is 0.0 when precision and recall are both 0.
    """
    counts = np.asarray(counts, dtype=np.float64)
    gold, pred, match = counts[..., 0], counts[..., 1], counts[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, match / np.where(pred > 0, pred, 1), zero_division)
        recall = np.where(gold > 0, match / np.where(gold > 0, gold, 1), zero_division)
        total = precision + recall
        f1 = np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), 0.0)
    f1 = np.where((pred == 0) & (gold == 0), zero_division, f1)
    return np.stack([precision, recall, f1], axis=-1)


def prf(n_gold: float, n_pred: float, n_match: float, zero_division: float = 0.0) -> tuple[float, float, float]:
    """Precision, recall, F1 of one set of counts (see :func:`prf_array`)."""
    precision, recall, f1 = prf_array((n_gold, n_pred, n_match), zero_division)
    return float(precision), float(recall), float(f1)


@dataclass(frozen=True)
class Score:
    """Micro precision, recall and F1 with the counts behind them.

    Notes
    -----
    Precision is ``n_match / n_pred``, recall ``n_match / n_gold``, F1 their harmonic mean. When
    ``n_pred == 0`` precision is ``zero_division`` (default 0.0); when ``n_gold == 0`` recall is; when
    both are zero, all three are ``zero_division``. F1 is 0.0 when precision and recall are both 0.
    """

    precision: float
    recall: float
    f1: float
    n_gold: int
    n_pred: int
    n_match: int

    @classmethod
    def from_counts(cls, n_gold: int, n_pred: int, n_match: int, zero_division: float = 0.0) -> Score:
        return cls(*prf(n_gold, n_pred, n_match, zero_division), n_gold=n_gold, n_pred=n_pred, n_match=n_match)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "n_gold": self.n_gold, "n_pred": self.n_pred, "n_match": self.n_match,
        }
