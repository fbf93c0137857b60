"""The result of scoring: a :class:`Report` dataclass and its versioned JSON layout.

Scoring returns a Report; renderers (:mod:`newsevents.eval.render`) turn it into Markdown or HTML.
``Report.to_dict()`` is the JSON layout, versioned by :data:`REPORT_FORMAT`::

    {"format": "newsevents-eval/1", "options": {...}, "definitions": {...},
     "documents": {"gold": n, "predicted": n, "without_prediction": [...]},
     "metrics": {"TI": {"precision", "recall", "f1", "n_gold", "n_pred", "n_match",
                        "ci95": {"precision": [lo, hi], "recall": [...], "f1": [...]}},
                 ... every name of newsevents.eval.metrics.ALL_METRICS ...},
     "per_type": {"TC": {type: {...}}, "AC": {...}, "AC+": {...}},
     "per_role": {"AC": {role: {...}}, "AC+": {...}},
     "macro": {"TC by type": {"precision", "recall", "f1", "labels"}, "AC by type", "AC+ by type",
               "AC by role", "AC+ by role"},
     "realis": {"accuracy", "n"},
     "unknown_labels": {"event_types": [...], "roles": [...], "entity_types": [...], "realis": [...]},
     "errors": {...}, "run": {...},
     "warnings": [{"code", "message"}, ...]}

``warnings`` lists what makes the numbers say little although scoring ran (no predictions at all, gold
without events: :func:`newsevents.eval.score.input_warnings`); it is empty for a normal run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsevents.eval.counts import Score

REPORT_FORMAT = "newsevents-eval/1"


@dataclass(frozen=True)
class MetricResult:
    """A headline metric: its micro score and its 95% bootstrap interval."""

    score: Score
    ci95: dict[str, tuple[float, float]]

    def to_dict(self) -> dict[str, Any]:
        return {**self.score.to_dict(), "ci95": {k: list(v) for k, v in self.ci95.items()}}


@dataclass
class Report:
    options: dict[str, Any]
    definitions: dict[str, str]
    documents: dict[str, Any]
    metrics: dict[str, MetricResult]
    per_type: dict[str, dict[str, Score]]
    per_role: dict[str, dict[str, Score]]
    macro: dict[str, dict[str, float]]
    realis: dict[str, Any]
    unknown_labels: dict[str, list[str]]
    errors: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)
    #: The headline metrics under every span mode (mode -> metric -> score), so boundary habits show.
    span_modes: dict[str, dict[str, Score]] = field(default_factory=dict)

    def f1(self, metric: str) -> float:
        return self.metrics[metric].score.f1

    def to_dict(self) -> dict[str, Any]:
        def tables(groups: dict[str, dict[str, Score]]) -> dict[str, Any]:
            return {metric: {label: s.to_dict() for label, s in rows.items()} for metric, rows in groups.items()}

        return {
            "format": REPORT_FORMAT,
            "options": self.options,
            "definitions": self.definitions,
            "documents": self.documents,
            "metrics": {name: m.to_dict() for name, m in self.metrics.items()},
            "per_type": tables(self.per_type),
            "per_role": tables(self.per_role),
            "macro": self.macro,
            "realis": self.realis,
            "unknown_labels": self.unknown_labels,
            "errors": self.errors,
            "run": self.run,
            "warnings": self.warnings,
            "span_modes": tables(self.span_modes),
        }
