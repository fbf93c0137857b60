"""The metrics: one document pair in, matchings out; many documents in, scores and tables out.

Metric names (definitions in :data:`DEFINITIONS`, written into every report):

* ``TI TC AI AC AI+ AC+``: TextEE's trigger and argument metrics (set semantics, micro-averaged
  over documents), under the chosen span rule;
* ``<name>-strict``: the same, crediting a pair of items only when the event mentions they come
  from are aligned one-to-one (no double credit); same denominators, so never above the plain one;
* ``AI-coref AC-coref AI+-coref AC+-coref``: argument spans on both sides are replaced by the
  first span of the gold cluster (or hopper) they are a mention of, so a prediction on any mention
  of the gold filler's cluster counts, once per gold argument;
* ``entities`` (mention span and type) and ``entities-identification`` (span only), over argument
  entities: by default (``entity_scope="arguments"``) only the mentions that fill an argument of an
  event mention of their own side count (:func:`newsevents.eval.items.scoped_entities`).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from newsevents.document import ARGUMENT_ENTITIES, Document
from newsevents.eval.counts import Counts, Score
from newsevents.eval.items import (
    ARGUMENT_METRICS, DEFAULT_ENTITY_SCOPE, ENTITY_METRICS, argument_items, canonical_arguments, coreference_canonical,
    entity_items, raw_arguments, trigger_items,
)
from newsevents.eval.matching import EXACT, Matching, SpanRule, align_events, match_items, restrict

@dataclass(frozen=True)
class MetricSpec:
    """One metric, declared once: the lists, the report groups and ``eval/METRICS.md`` derive from these.

    Attributes
    ----------
    name : str
        The report key (``report.metrics[name]``), e.g. ``"TC"`` or ``"AC+-strict"``.
    group : str
        A key of :data:`GROUPS`: ``headline``, ``strict``, ``coref`` or ``entities``.
    key : str
        What one item of the metric is, the tuple that gold and prediction share when they match.
    definition : str
        The definition written into every report (variants share their group's definition).
    """

    name: str
    group: str
    key: str
    definition: str


#: Report groups in report order: key -> (title, definition shared by the group's metrics or None).
GROUPS = {
    "headline": ("Headline metrics (TextEE)", None),
    "strict": ("Strict metrics (one-to-one event alignment)",
               "<metric>-strict: as <metric>, but a gold and a predicted tuple are credited only when event mentions they come from are aligned one-to-one (Hungarian assignment maximising type, trigger and argument agreement): no prediction is credited against two gold events. Same denominators as <metric>, so never higher."),
    "coref": ("Coreference-aware argument metrics",
              "<metric>-coref: every argument span, gold and predicted, is replaced by the first span of the gold coreference cluster (or event hopper) it is a mention of, then <metric> is computed: a prediction on any mention of the gold filler's cluster counts, and all mentions of one entity in one role of one event are one item, so each gold argument is credited once (WikiEvents' Coref F1 can credit twice)."),
    "entities": ("Entity mentions (argument entities)", None),
}

#: How the entity metrics choose the mentions they count (the ``entity_scope`` option).
ENTITY_SCOPE_DEFINITION = (
    f"The gold entity layer is {ARGUMENT_ENTITIES}, not every mention of the entity types. With entity_scope "
    "\"arguments\" (the default) each side counts only its mentions that fill at least one argument of one of its own "
    "event mentions (gold mentions filling a gold argument, predicted mentions filling a predicted argument), so other "
    "mentions, gold or predicted, are neither missed nor spurious; with entity_scope \"all\" every mention counts.")

_BASE = (
    MetricSpec("TI", "headline", "(document, trigger start, trigger end)",
               "Trigger identification: (document, trigger start, trigger end) tuples, set semantics."),
    MetricSpec("TC", "headline", "(document, trigger start, trigger end, event type)",
               "Trigger classification: TI tuples plus the event type."),
    MetricSpec("AI", "headline", "(document, event type, argument start, argument end)",
               "Argument identification: (document, event type, argument start, argument end); an event-valued argument's span is the trigger span of the event it points to."),
    MetricSpec("AC", "headline", "(document, event type, argument start, argument end, role)",
               "Argument classification: AI tuples plus the role."),
    MetricSpec("AI+", "headline", "(document, event type, argument start, argument end, trigger start, trigger end)",
               "AI tuples that also carry the trigger span of their event (the argument must be attached to the right trigger)."),
    MetricSpec("AC+", "headline", "(document, event type, argument start, argument end, role, trigger start, trigger end)",
               "AC tuples that also carry the trigger span of their event."),
)

#: Every metric, in report order.
METRICS: tuple[MetricSpec, ...] = (
    *_BASE,
    *(MetricSpec(f"{m.name}-strict", "strict", m.key, GROUPS["strict"][1]) for m in _BASE),
    *(MetricSpec(f"{m.name}-coref", "coref", m.key, GROUPS["coref"][1]) for m in _BASE if m.name in ARGUMENT_METRICS),
    MetricSpec("entities", "entities", "(document, start, end, type)",
               "Entity and value mentions in the entity scope (by default those that fill an event argument; see entity_scope): (document, start, end, type), set semantics."),
    MetricSpec("entities-identification", "entities", "(document, start, end)",
               "Entity and value mentions in the entity scope (by default those that fill an event argument; see entity_scope): (document, start, end)."),
)


def metric_names(*groups: str) -> tuple[str, ...]:
    """Names of the metrics in ``groups`` (all metrics when none is given), in report order."""
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ValueError(f"unknown metric group {unknown[0]!r}; valid: {', '.join(GROUPS)}")
    return tuple(m.name for m in METRICS if not groups or m.group in groups)


ALL_METRICS = metric_names()
HEADLINE = metric_names("headline")
STRICT = metric_names("strict")
COREF = metric_names("coref")
ENTITIES = metric_names("entities")




def _metric_definitions() -> dict[str, str]:
    """Per metric, or once per group where the group's metrics share a definition; in report order."""
    definitions: dict[str, str] = {}
    for group, (_, shared) in GROUPS.items():
        if shared is not None:
            definitions[group] = shared
        else:
            definitions.update((m.name, m.definition) for m in METRICS if m.group == group)
    return definitions


DEFINITIONS = {
    **_metric_definitions(),
    "entity_scope": ENTITY_SCOPE_DEFINITION,
    "span_mode": "exact: spans must be equal; overlap: spans must share at least one character; head: the predicted span must contain the head word (last word) of the gold span and the head of no other gold mention or trigger, as WikiEvents' Head F1 but one-to-one (with overlap and head, n_match is a maximum one-to-one matching).",
    "micro": "Precision = n_match / n_pred, recall = n_match / n_gold, summed over all documents; 0 when undefined.",
    "macro": "The unweighted mean of the per-label precision, recall and F1 over labels present in gold or predictions.",
    "realis": "Realis accuracy: over trigger pairs matched for TC (aligned one-to-one), the share whose realis values are equal; pairs where either side has no realis are not counted.",
    "ci95": "95% percentile bootstrap interval over documents (documents resampled with replacement, seeded).",
}


@dataclass
class DocumentResult:
    """All matchings of one gold document against its prediction."""

    document_id: str
    matchings: dict[str, Matching]
    realis_pairs: list[tuple[str, str]] = field(default_factory=list)

    def counts(self, metric: str) -> Counts:
        m = self.matchings[metric]
        return Counts(m.n_gold, m.n_pred, m.n_match)


def score_document(gold: Document, pred: Document, *, rule: SpanRule = EXACT,
                   entity_scope: str = DEFAULT_ENTITY_SCOPE) -> DocumentResult:
    """Match every metric's items of ``gold`` and ``pred`` (one document, same text).

    ``entity_scope`` chooses the entity mentions of each side the entity metrics count
    (:func:`newsevents.eval.items.scoped_entities`: ``"arguments"`` or ``"all"``).
    """
    rule = rule.for_document(gold)
    raw = (raw_arguments(gold), raw_arguments(pred))
    alignments = align_events(gold, pred, rule=rule, arguments=raw)
    by_trigger, by_type = alignments["trigger"], alignments["type"]
    canonical = coreference_canonical(gold, rule.coreference_test())
    plain = (argument_items(raw[0]), argument_items(raw[1]))
    coref = (argument_items(canonical_arguments(raw[0], canonical)), argument_items(canonical_arguments(raw[1], canonical)))
    matchings: dict[str, Matching] = {}
    for metric in HEADLINE:
        if metric in ARGUMENT_METRICS:
            gold_items, pred_items = plain[0][metric], plain[1][metric]
            matchings[f"{metric}-coref"] = match_items(coref[0][metric], coref[1][metric], rule=rule)
        else:
            gold_items, pred_items = trigger_items(gold, metric), trigger_items(pred, metric)
        matching = match_items(gold_items, pred_items, rule=rule)
        matchings[metric] = matching
        alignment = by_type if metric in ("AI", "AC") else by_trigger
        matchings[f"{metric}-strict"] = restrict(matching, alignment) if rule.equal_spans else \
            match_items(gold_items, pred_items, rule=rule, alignment=alignment)
    for metric in ENTITY_METRICS:
        matchings[metric] = match_items(entity_items(gold, metric, entity_scope), entity_items(pred, metric, entity_scope), rule=rule)

    pred_events = {e.id: e for e in pred.events}
    realis_pairs = []
    for g in gold.events:
        p = pred_events.get(by_trigger.get(g.id, ""))
        if p is not None and p.type == g.type and g.realis is not None and p.realis is not None:
            realis_pairs.append((g.realis, p.realis))
    return DocumentResult(gold.id, matchings, realis_pairs)


def total(results: Iterable[DocumentResult], metric: str) -> Counts:
    return sum((r.counts(metric) for r in results), Counts())


def per_document_counts(results: Iterable[DocumentResult]) -> np.ndarray:
    """The counts of every metric of every document, for point scores and the bootstrap alike.

    ``results`` is consumed once (it may be a generator that scores documents one at a time): only the
    counts are kept, never the matchings.

    Returns
    -------
    ndarray of int64, shape (n_documents, len(ALL_METRICS), 3)
        ``(n_gold, n_pred, n_match)`` of each metric (in :data:`ALL_METRICS` order) of each document.
    """
    flat = array("q")
    n_documents = 0
    for result in results:
        for name in ALL_METRICS:
            m = result.matchings[name]
            flat.extend((m.n_gold, m.n_pred, m.n_match))
        n_documents += 1
    return np.frombuffer(flat, dtype=np.int64).reshape(n_documents, len(ALL_METRICS), 3).copy()


#: Where a breakdown label sits in an item's key.
_LABEL_POSITION = {"event_type": 0, "role": 2}


class LabelCounts:
    """Per-label counts of one metric, accumulated one document at a time.

    The label of an item is its event type or its role (``by``); :meth:`scores` turns the counts
    into per-label precision, recall and F1.
    """

    def __init__(self, metric: str, by: str) -> None:
        if by not in _LABEL_POSITION:
            raise ValueError(f"unknown breakdown {by!r}; valid: {', '.join(_LABEL_POSITION)}")
        self.metric = metric
        self.by = by
        self._position = _LABEL_POSITION[by]
        self.gold: Counter = Counter()
        self.pred: Counter = Counter()
        self.match: Counter = Counter()

    def add(self, result: DocumentResult) -> None:
        m = result.matchings[self.metric]
        position = self._position
        self.gold.update(key[position] for key, _ in m.gold_index)
        self.pred.update(key[position] for key, _ in m.pred_index)
        self.match.update(g[0][position] for g, _ in m.matched)

    def scores(self, zero_division: float = 0.0) -> dict[str, Score]:
        labels = sorted(set(self.gold) | set(self.pred))
        return {label: Score.from_counts(self.gold[label], self.pred[label], self.match[label], zero_division) for label in labels}


def macro(scores: dict[str, Score]) -> dict[str, float]:
    """Unweighted means of per-label precision, recall and F1 (0 when there is no label)."""
    n = len(scores)
    if not n:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "labels": 0}
    return {
        "precision": sum(s.precision for s in scores.values()) / n,
        "recall": sum(s.recall for s in scores.values()) / n,
        "f1": sum(s.f1 for s in scores.values()) / n,
        "labels": n,
    }


