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
from newsevents.eval.items import DEFAULT_ENTITY_SCOPE, EntityScope, argument_entity_ids, check_entity_scope
from newsevents.eval.matching import SPAN_RULES, span_rule
from newsevents.eval.report import MetricResult, Report
from newsevents.eval.statistics import DEFAULT_RESAMPLES, confidence_intervals
from newsevents.validation import ANNOTATION_CHECKS, Problem, unknown_labels

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


def validate_predictions(gold: Sequence[Document], predictions: Sequence[Document]) -> None:
    """Raise one error naming the documents if ``predictions`` cannot be scored against ``gold``.

    The problems, checked in this order (the first kind found is the error): gold with two documents
    of one id, two predictions for one document, predictions for document ids gold lacks, a
    prediction whose ``text`` is neither empty nor the gold text, and predicted annotations that do
    not fit the gold text (:func:`prediction_problems`; every such problem is listed).

    Raises
    ------
    NewsEventsError
        The duplicate or unknown ids (the first unknown one as ``document``, so that callers that
        know the file can point at its line).
    MismatchError
        A prediction's text differs from the gold text.
    ValidationError
        Spans outside the gold text or not matching it, duplicate mention ids, arguments naming no
        mention (or the wrong kind of mention, or their own event).
    """
    gold_ids = {d.id for d in gold}
    if len(gold_ids) != len(gold):
        raise NewsEventsError(f"gold has several documents with id {', '.join(map(repr, sorted(_repeated(d.id for d in gold))[:10]))}")
    repeated = _repeated(d.id for d in predictions)
    if repeated:
        raise NewsEventsError("two predictions for one document", document=repeated[0])
    unknown = sorted({d.id for d in predictions} - gold_ids)
    if unknown:
        more = f" (and {len(unknown) - 10} more)" if len(unknown) > 10 else ""
        raise NewsEventsError(f"predictions for documents not in gold: {', '.join(map(repr, unknown[:10]))}{more}", document=unknown[0])
    gold_text = {d.id: d.text for d in gold}
    for doc in predictions:
        if doc.text and doc.text != gold_text[doc.id]:
            raise MismatchError("the prediction's text differs from the gold text (leave `text` empty or copy it unchanged)",
                                document=doc.id, field="text")
    problems = [p for doc in predictions for p in prediction_problems(doc, gold_text[doc.id])]
    if problems:
        raise ValidationError(problems)


def _repeated(ids: Iterable[str]) -> list[str]:
    """The ids that occur more than once, in the order of their second occurrence."""
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for i in ids:
        if i in seen:
            repeated[i] = None
        seen.add(i)
    return list(repeated)


def prediction_problems(prediction: Document, text: str) -> list[Problem]:
    """What the validator finds wrong with ``prediction``'s annotations over the gold ``text``.

    The structural checks of :mod:`newsevents.validation` that concern annotations
    (:data:`~newsevents.validation.ANNOTATION_CHECKS`: spans, mention ids, references), run on the
    prediction with the gold text; its own segments and gold-only fields are not checked.
    """
    checked = prediction if prediction.text == text else replace(prediction, text=text)
    return [p for check in ANNOTATION_CHECKS for p in check(checked)]


def index_predictions(gold: Sequence[Document], predictions: Sequence[Document]) -> dict[str, Document]:
    """The prediction of each gold document by gold id, in gold order; an empty one where there is none.

    A gold document without prediction is scored as predicting nothing. Call
    :func:`validate_predictions` first: this only indexes (a later prediction of one id wins).
    """
    by_id = {d.id: d for d in predictions}
    return {d.id: by_id.get(d.id) or Document(d.id, d.text) for d in gold}


def input_warnings(gold: Sequence[Document], predictions: Sequence[Document],
                   entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE) -> list[dict[str, str]]:
    """What makes a report's numbers say little although scoring could run: ``{"code", "message"}`` each.

    Codes: ``no_predictions`` (no predicted document at all: an empty predictions file, an extractor that
    returned nothing), ``no_gold_events`` (gold without any event mention: the event metrics have
    nothing to find, so their recall and F1 are ``zero_division``), ``entities_fill_no_argument``
    (gold argument entities to find, predicted entity mentions of which none fills an argument, under the
    ``arguments`` entity scope: a mention-only system such as a NER tagger scores no entity at all).
    """
    warnings = []
    if not predictions:
        warnings.append({"code": "no_predictions", "message": "there are no predictions at all (no document predicted), "
                         "so every gold item counts as missed; check the predictions file or the extractor"})
    if gold and not any(document.events for document in gold):
        warnings.append({"code": "no_gold_events", "message": "the gold has no event mention, so TI, TC, AI, AC, AI+ and AC+ "
                         "have nothing to find (their recall and F1 are reported as zero_division); score against gold "
                         "with events"})
    if entity_scope == "arguments" and any(d.entities for d in predictions) \
            and any(map(argument_entity_ids, gold)) and not any(map(argument_entity_ids, predictions)):
        warnings.append({"code": "entities_fill_no_argument", "message": "the predictions have entity mentions but none "
                         "fills an event argument, so the default entity scope (argument entities) counts none of them; "
                         "score them as every mention with --entity-scope all"})
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
    entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE,
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
    entity_scope : {"arguments", "all"}, default "arguments"
        The entity mentions the entity metrics count, on each side: ``"arguments"``, those that fill
        an argument of one of that side's event mentions (the gold entity layer is argument entities,
        not full NER); ``"all"``, every mention (:func:`newsevents.eval.items.scoped_entities`).

    Returns
    -------
    Report

    Raises
    ------
    NewsEventsError
        Predictions for unknown documents, duplicate ids, texts or spans that do not fit the gold
        text (see :func:`validate_predictions`), unknown labels with ``strict_labels``, an unknown
        span mode or entity scope.
    """
    rule = span_rule(span_mode)  # an unknown mode raises, listing the valid ones
    check_entity_scope(entity_scope)
    if bootstrap < 0 or seed < 0:
        raise NewsEventsError(f"bootstrap (resamples, 0 for none) and seed must be 0 or more, got bootstrap={bootstrap}, seed={seed}")
    gold = list(gold)
    predictions = list(predictions)
    validate_predictions(gold, predictions)
    by_id = index_predictions(gold, predictions)
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
            result = score_document(document, by_id[document.id], rule=rule, entity_scope=entity_scope)
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
            counts = per_document_counts(score_document(d, by_id[d.id], rule=SPAN_RULES[other], entity_scope=entity_scope)
                                         for d in gold).sum(axis=0)
            span_modes[other] = {m: Counts(*map(int, counts[ALL_METRICS.index(m)])).score(zero_division) for m in HEADLINE}
    return Report(
        options={"span_mode": span_mode, "entity_scope": entity_scope, "bootstrap": bootstrap, "seed": seed, "zero_division": zero_division,
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
        warnings=input_warnings(gold, predictions, entity_scope),
        errors=error_analysis.finish().to_dict() if error_analysis is not None else {},
        span_modes={mode: span_modes[mode] for mode in SPAN_RULES if mode in span_modes},
    )


__all__ = ["score", "validate_predictions", "index_predictions", "prediction_problems", "input_warnings", "unknown_labels"]
