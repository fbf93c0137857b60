"""``score(gold, predictions) -> Report``: the evaluation API.

Example
-------
>>> from newsevents.document import Document, EventMention, Span
>>> gold = [Document("d1", "Police arrested him.", events=(EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested")),))]
>>> report = score(gold, gold, bootstrap=0)
>>> report.f1("TC"), report.metrics["TC"].score.n_match
(1.0, 1)
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace


from newsevents.ontology import Schema
from newsevents.document import Document
from newsevents.eval.counts import Counts
from newsevents.errors import MismatchError, NewsEventsError, ValidationError
from newsevents.eval.metrics import (
    ALL_METRICS, DEFINITIONS, HEADLINE, DocumentResult, LabelCounts, macro, per_document_counts, score_document,
)
from newsevents.eval.error_analysis import ErrorAccumulator
from newsevents.eval.matching import SPAN_RULES, span_rule
from newsevents.eval.report import MetricResult, Report
from newsevents.eval.statistics import DEFAULT_RESAMPLES, confidence_intervals
from newsevents.validation import check_ids, check_references, check_spans, unknown_labels

#: Per-label tables in the report: metric -> item attribute it is broken down by.
PER_TYPE = ("TC", "AC", "AC+")
PER_ROLE = ("AC", "AC+")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: scoring creates millions of short-lived tuples (no
    cycles), and collections triggered by them more than doubled scoring time (benchmarks/score.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_predictions(gold: Sequence[Document], predictions: Sequence[Document]) -> dict[str, Document]:
    """Predictions by gold id; every problem raises naming the documents.

    A prediction for an unknown document id, two predictions for one document, a prediction whose
    text differs from the gold text, or a span outside the gold text or not matching it, is an
    error. A gold document with no prediction gets an empty one (scored as predicting nothing).
    """
    gold_ids = {d.id for d in gold}
    if len(gold_ids) != len(gold):
        seen: set[str] = set()
        twice = sorted({d.id for d in gold if d.id in seen or seen.add(d.id)})  # type: ignore[func-returns-value]
        raise NewsEventsError(f"gold has several documents with id {', '.join(map(repr, twice[:10]))}")
    by_id: dict[str, Document] = {}
    for doc in predictions:
        if doc.id in by_id:
            raise NewsEventsError("two predictions for one document", document=doc.id)
        by_id[doc.id] = doc
    unknown = sorted(set(by_id) - gold_ids)
    if unknown:
        more = f" (and {len(unknown) - 10} more)" if len(unknown) > 10 else ""
        # Naming the first one lets callers that know the file point at its line.
        raise NewsEventsError(f"predictions for documents not in gold: {', '.join(map(repr, unknown[:10]))}{more}", document=unknown[0])
    gold_text = {d.id: d.text for d in gold}
    problems = []
    for doc in by_id.values():
        if doc.text and doc.text != gold_text[doc.id]:
            raise MismatchError("the prediction's text differs from the gold text (leave `text` empty or copy it unchanged)",
                                document=doc.id, field="text")
        if not _fits(doc, gold_text[doc.id]):  # the full checks only where the quick one fails: they say what and where
            checked = replace(doc, text=gold_text[doc.id])
            problems += [*check_spans(checked), *check_ids(checked), *check_references(checked)]
    if problems:
        raise ValidationError(problems)
    return {d.id: by_id.get(d.id) or Document(d.id, d.text) for d in gold}


def _fits(doc: Document, text: str) -> bool:
    """Quick check: every span lies in ``text`` and matches it, ids are unique, references resolve."""
    n = len(text)
    for m in doc.entities:
        if not (0 <= m.start < m.end <= n and text[m.start:m.end] == m.text):
            return False
    entity_ids = {m.id for m in doc.entities}
    event_ids = {e.id for e in doc.events}
    if len(entity_ids) != len(doc.entities) or len(event_ids) != len(doc.events) or entity_ids & event_ids:
        return False
    for e in doc.events:
        t = e.trigger
        if not (0 <= t.start < t.end <= n and text[t.start:t.end] == t.text):
            return False
        for a in e.arguments:
            if (a.entity is not None and a.entity not in entity_ids) or (a.event is not None and (a.event not in event_ids or a.event == e.id)):
                return False
    return True


def input_warnings(gold: Sequence[Document], predictions: Sequence[Document]) -> list[dict[str, str]]:
    """What makes a report's numbers say little although scoring could run: ``{"code", "message"}`` each.

    Codes: ``no_predictions`` (no predicted document at all: an empty predictions file, an extractor that
    returned nothing), ``no_gold_events`` (gold without any event mention: the event metrics have
    nothing to find, so their recall and F1 are ``zero_division``).
    """
    warnings = []
    if not predictions:
        warnings.append({"code": "no_predictions", "message": "there are no predictions at all (no document predicted), "
                         "so every gold item counts as missed; check the predictions file or the extractor"})
    if gold and not any(document.events for document in gold):
        warnings.append({"code": "no_gold_events", "message": "the gold has no event mention, so TI, TC, AI, AC, AI+ and AC+ "
                         "have nothing to find (their recall and F1 are reported as zero_division); score against gold "
                         "with events"})
    return warnings


@_collector_paused()
def score(
    gold: Iterable[Document],
    predictions: Iterable[Document],
    *,
    span_mode: str = "exact",
    schema: Schema | None = None,
    strict_labels: bool = False,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    zero_division: float = 0.0,
    errors: bool = True,
    all_span_modes: bool = True,
) -> Report:
    """Score predictions against gold with every metric of :mod:`newsevents.eval.metrics`.

    Parameters
    ----------
    gold, predictions : iterable of Document
        Matched by document id. Types and roles are plain strings: any ontology scores as it is.
    span_mode : {"exact", "overlap", "head"}, default "exact"
    schema : Schema, optional
        When given, labels the schema lacks are listed in ``report.unknown_labels`` (and scored as
        wrong, since gold never has them); with ``strict_labels=True`` they are an error instead.
    bootstrap : int, default 1000
        Resamples for the 95% intervals; 0 skips them (intervals are then the point estimate).
    seed : int, default 0
    zero_division : float, default 0.0
        Precision, recall and F1 where their denominator is zero.
    errors : bool, default True
        Class every unmatched item and keep examples (:mod:`newsevents.eval.error_analysis`).
    all_span_modes : bool, default True
        Also score the headline metrics under the other span modes (``report.span_modes``), so that
        a system's boundary habits show; each mode is one more pass over the documents.

    Returns
    -------
    Report

    Raises
    ------
    NewsEventsError
        Predictions for unknown documents, duplicate ids, texts or spans that do not fit the gold
        text (see :func:`check_predictions`), unknown labels with ``strict_labels``.
    """
    rule = span_rule(span_mode)  # an unknown mode raises, listing the valid ones
    if bootstrap < 0 or seed < 0:
        raise NewsEventsError(f"bootstrap (resamples, 0 for none) and seed must be 0 or more, got bootstrap={bootstrap}, seed={seed}")
    gold = list(gold)
    predictions = list(predictions)
    by_id = check_predictions(gold, predictions)
    unknown = unknown_labels(predictions, schema) if schema is not None else {"event_types": [], "roles": [], "entity_types": [], "realis": []}
    if strict_labels and any(unknown.values()):
        listed = "; ".join(f"{k}: {', '.join(v)}" for k, v in unknown.items() if v)
        raise NewsEventsError(f"labels not in the schema ({listed}); drop --strict to score them as wrong")

    # One document at a time: its matchings feed the accumulators below and are then dropped, so
    # memory grows with the number of documents' counts, not with their items.
    per_type = {m: LabelCounts(m, "event_type") for m in PER_TYPE}
    per_role = {m: LabelCounts(m, "role") for m in PER_ROLE}
    realis_pairs: list[tuple[str, str]] = []
    error_analysis = ErrorAccumulator(span_mode=span_mode) if errors else None

    def scored() -> Iterator[DocumentResult]:
        for document in gold:
            result = score_document(document, by_id[document.id], rule=rule)
            for counts in (*per_type.values(), *per_role.values()):
                counts.add(result)
            realis_pairs.extend(result.realis_pairs)
            if error_analysis is not None:
                error_analysis.add(document, by_id[document.id], result)
            yield result

    per_document = per_document_counts(scored())
    intervals = confidence_intervals(per_document, resamples=bootstrap, seed=seed, zero_division=zero_division) if bootstrap else None
    metrics = {}
    totals = per_document.sum(axis=0)
    for index, name in enumerate(ALL_METRICS):
        point = Counts(*map(int, totals[index])).score(zero_division)
        if intervals is None:
            ci = {k: (getattr(point, k), getattr(point, k)) for k in ("precision", "recall", "f1")}
        else:
            ci = {k: (float(intervals[index, j, 0]), float(intervals[index, j, 1])) for j, k in enumerate(("precision", "recall", "f1"))}
        metrics[name] = MetricResult(point, ci)

    per_type_scores = {m: c.scores(zero_division) for m, c in per_type.items()}
    per_role_scores = {m: c.scores(zero_division) for m, c in per_role.items()}
    span_modes = {span_mode: {m: metrics[m].score for m in HEADLINE}}
    for other in (SPAN_RULES if all_span_modes else ()):
        if other != span_mode:
            counts = per_document_counts(score_document(d, by_id[d.id], rule=SPAN_RULES[other]) for d in gold).sum(axis=0)
            span_modes[other] = {m: Counts(*map(int, counts[ALL_METRICS.index(m)])).score(zero_division) for m in HEADLINE}
    return Report(
        options={"span_mode": span_mode, "bootstrap": bootstrap, "seed": seed, "zero_division": zero_division,
                 "schema": f"{schema.name} {schema.version}" if schema else None, "strict_labels": strict_labels},
        definitions=DEFINITIONS,
        documents={
            "gold": len(gold),
            "predicted": len(predictions),
            "without_prediction": sorted({d.id for d in gold} - {d.id for d in predictions}),
        },
        metrics=metrics,
        per_type=per_type_scores,
        per_role=per_role_scores,
        macro={**{f"{m} by type": macro(per_type_scores[m]) for m in PER_TYPE},
               **{f"{m} by role": macro(per_role_scores[m]) for m in PER_ROLE}},
        realis={
            "accuracy": (sum(g == p for g, p in realis_pairs) / len(realis_pairs)) if realis_pairs else zero_division,
            "n": len(realis_pairs),
        },
        unknown_labels=unknown,
        warnings=input_warnings(gold, predictions),
        errors=error_analysis.finish().to_dict() if error_analysis is not None else {},
        span_modes={mode: span_modes[mode] for mode in SPAN_RULES if mode in span_modes},
    )


__all__ = ["score", "check_predictions", "input_warnings", "unknown_labels"]
