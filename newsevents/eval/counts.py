"""Counting matches: a small mergeable counter and the frozen precision/recall/F1 it turns into."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def prf(n_gold: float, n_pred: float, n_match: float, zero_division: float = 0.0) -> tuple[float, float, float]:
    """Precision, recall, F1 from counts (floats allowed: bootstrap sums)."""
    precision = n_match / n_pred if n_pred else zero_division
    recall = n_match / n_gold if n_gold else zero_division
    if n_pred == 0 and n_gold == 0:
        return zero_division, zero_division, zero_division
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


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
