"""Comparing two systems on the same gold: F1 of each, the delta, a paired bootstrap interval and p-value.

Both systems are scored with :func:`newsevents.eval.metrics.score_document` after
:func:`newsevents.eval.score.validate_predictions` and with the same options, exactly as :func:`newsevents.eval.score.score` does.
The bootstrap is *paired*: each resample draws one multiset of documents
(:func:`newsevents.eval.statistics.resample_weights`) and scores both systems on it, so the
variation that comes from which documents are in the test set cancels out of the delta.

Example
-------
>>> from newsevents.document import Document, EventMention, Span
>>> gold = [Document("d1", "Police arrested him.", events=(EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested")),))]
>>> result = compare(gold, [], gold, resamples=200)
>>> result.metrics["TC"].delta, result.metrics["TC"].p_value
(1.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.eval.matching import span_rule
from newsevents.eval.counts import prf_array
from newsevents.eval.metrics import ALL_METRICS, per_document_counts, score_document
from newsevents.eval.items import DEFAULT_ENTITY_SCOPE, EntityScope, check_entity_scope
from newsevents.eval.score import index_predictions, validate_predictions
from newsevents.eval.statistics import DEFAULT_RESAMPLES, bootstrap_scores, percentile_intervals

DEFINITIONS = {
    "delta": "F1 of system B minus F1 of system A, micro-averaged over all documents (positive: B is better).",
    "ci95": "95% percentile interval of the delta over paired bootstrap resamples: each resample draws the documents "
            "with replacement once and scores both systems on the same draw.",
    "p": "Two-sided paired-bootstrap p-value: the share of resamples whose delta does not have the observed delta's "
         "sign (zero counts as another sign), doubled and capped at 1; 1 when the observed delta is 0. "
         "Its resolution is 2 / resamples: p = 0 means below 1 / resamples.",
}


@dataclass(frozen=True)
class MetricComparison:
    """One metric of a comparison: F1 of each system, the delta (B - A), its interval and p-value."""

    f1_a: float
    f1_b: float
    delta: float
    ci95: tuple[float, float]
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return {"f1_a": self.f1_a, "f1_b": self.f1_b, "delta": self.delta, "ci95": list(self.ci95), "p_value": self.p_value}


@dataclass(frozen=True)
class Comparison:
    """A paired comparison of systems A and B on every metric of :data:`~newsevents.eval.metrics.ALL_METRICS`."""

    metrics: dict[str, MetricComparison]
    options: dict[str, Any]
    definitions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"options": self.options, "definitions": self.definitions,
                "metrics": {name: m.to_dict() for name, m in self.metrics.items()}}


def paired_p_value(observed: float, deltas: np.ndarray) -> np.ndarray:
    """Two-sided p-values of observed deltas from bootstrap deltas (see ``DEFINITIONS["p"]``).

    Parameters
    ----------
    observed : float or ndarray, shape (n_metrics,)
    deltas : ndarray, shape (resamples,) or (resamples, n_metrics)
    """
    observed = np.asarray(observed, dtype=np.float64)
    other_sign = np.sign(deltas) != np.sign(observed)
    p = np.minimum(1.0, 2.0 * other_sign.mean(axis=0))
    return np.where(observed == 0, 1.0, p)


def compare(
    gold: Iterable[Document],
    predictions_a: Iterable[Document],
    predictions_b: Iterable[Document],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    span_mode: str = "exact",
    entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE,
) -> Comparison:
    """Compare system B with system A on ``gold``, metric by metric, with a paired bootstrap.

    Parameters
    ----------
    gold, predictions_a, predictions_b : iterable of Document
        Predictions are matched to gold by document id and checked as by :func:`~newsevents.eval.score.score`;
        a gold document a system has no prediction for counts as predicting nothing.
    resamples : int, default 1000
        Paired bootstrap resamples (at least 1).
    seed : int, default 0
        Seed of the resampling: the same seed gives the same intervals and p-values.
    span_mode : {"exact", "overlap", "head"}, default "exact"
    entity_scope : {"arguments", "all"}, default "arguments"
        The entity mentions the entity metrics count, as in :func:`~newsevents.eval.score.score`.

    Returns
    -------
    Comparison
        Per metric: ``f1_a``, ``f1_b``, ``delta = f1_b - f1_a``, ``ci95`` of the delta, ``p_value``
        (definitions in :data:`DEFINITIONS`). F1 values are fractions (0..1).

    Notes
    -----
    With no gold document every F1 and delta is 0, every interval ``(0, 0)`` and every p-value 1.
    """
    rule = span_rule(span_mode)  # an unknown mode raises, listing the valid ones
    check_entity_scope(entity_scope)
    if resamples < 1 or seed < 0:
        raise NewsEventsError(f"resamples must be at least 1 and seed 0 or more, got resamples={resamples}, seed={seed}")
    gold = list(gold)
    counts = []   # per system: (n_documents, n_metrics, 3)
    for predictions in (predictions_a, predictions_b):
        predictions = list(predictions)
        validate_predictions(gold, predictions)
        by_id = index_predictions(gold, predictions)
        counts.append(per_document_counts(score_document(doc, by_id[doc.id], rule=rule, entity_scope=entity_scope) for doc in gold))

    f1 = np.stack([prf_array(c.sum(axis=0))[..., 2] for c in counts])
    observed = f1[1] - f1[0]
    if gold:
        # The same seed draws the same resamples for both systems: a paired bootstrap.
        a, b = (bootstrap_scores(c, resamples=resamples, seed=seed)[..., 2] for c in counts)
        deltas = b - a
    else:
        deltas = np.zeros((resamples, len(ALL_METRICS)))
    intervals = percentile_intervals(deltas)
    p_values = paired_p_value(observed, deltas)
    metrics = {
        name: MetricComparison(float(f1[0, i]), float(f1[1, i]), float(observed[i]),
                               (float(intervals[i, 0]), float(intervals[i, 1])), float(p_values[i]))
        for i, name in enumerate(ALL_METRICS)
    }
    options = {"resamples": resamples, "seed": seed, "span_mode": span_mode, "entity_scope": entity_scope, "documents": len(gold)}
    return Comparison(metrics, options, dict(DEFINITIONS))

