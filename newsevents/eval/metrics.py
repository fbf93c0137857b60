"""The metrics: one document pair in, matchings out; many documents in, scores and tables out.

Metric names (definitions in :data:`DEFINITIONS`, written into every report):

* ``TI TC AI AC AI+ AC+``: TextEE's trigger and argument metrics (set semantics, micro-averaged
  over documents), under the chosen span rule;
* ``<name>-strict``: the same, crediting a pair of items only when the event mentions they come
  from are aligned one-to-one (no double credit); same denominators, so never above the plain one;
* ``AI-coref AC-coref AI+-coref AC+-coref``: argument spans on both sides are replaced by the
  first span of the gold cluster (or hopper) they are a mention of, so a prediction on any mention
  of the gold filler's cluster counts, once per gold argument;
* ``entities`` (mention span and type) and ``entities-identification`` (span only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsevents.document import Document
from newsevents.eval.counts import Counts, Score
from newsevents.eval.items import ARGUMENT_METRICS, TRIGGER_METRICS, Item, coreference_canonical, items_for
from newsevents.eval.matching import EXACT, Matching, SpanRule, align_events, match_items

HEADLINE = TRIGGER_METRICS + ARGUMENT_METRICS
STRICT = tuple(f"{m}-strict" for m in HEADLINE)
COREF = tuple(f"{m}-coref" for m in ARGUMENT_METRICS)
ENTITIES = ("entities", "entities-identification")
ALL_METRICS = HEADLINE + STRICT + COREF + ENTITIES

DEFINITIONS = {
    "TI": "Trigger identification: (document, trigger start, trigger end) tuples, set semantics.",
    "TC": "Trigger classification: TI tuples plus the event type.",
    "AI": "Argument identification: (document, event type, argument start, argument end); an event-valued argument's span is the trigger span of the event it points to.",
    "AC": "Argument classification: AI tuples plus the role.",
    "AI+": "AI tuples that also carry the trigger span of their event (the argument must be attached to the right trigger).",
    "AC+": "AC tuples that also carry the trigger span of their event.",
    "strict": "<metric>-strict: as <metric>, but a gold and a predicted tuple are credited only when event mentions they come from are aligned one-to-one (Hungarian assignment maximising type, trigger and argument agreement): no prediction is credited against two gold events. Same denominators as <metric>, so never higher.",
    "coref": "<metric>-coref: every argument span, gold and predicted, is replaced by the first span of the gold coreference cluster (or event hopper) it is a mention of, then <metric> is computed: a prediction on any mention of the gold filler's cluster counts, and all mentions of one entity in one role of one event are one item, so each gold argument is credited once (WikiEvents' Coref F1 can credit twice).",
    "entities": "Entity and value mentions: (document, start, end, type), set semantics.",
    "entities-identification": "Entity and value mentions: (document, start, end).",
    "span_mode": "exact: spans must be equal; overlap: spans must share at least one character (n_match is then a maximum one-to-one matching).",
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
        return Counts(len(m.gold), len(m.pred), len(m.pairs))


def score_document(gold: Document, pred: Document, *, rule: SpanRule = EXACT) -> DocumentResult:
    """Match every metric's items of ``gold`` and ``pred`` (one document, same text)."""
    by_trigger = align_events(gold, pred, rule=rule, by="trigger")
    canonical = coreference_canonical(gold, rule_overlaps=rule is not EXACT)
    by_type = align_events(gold, pred, rule=rule, by="type")
    matchings: dict[str, Matching] = {}
    for metric in HEADLINE:
        gold_items, pred_items = items_for(gold, metric), items_for(pred, metric)
        matchings[metric] = match_items(gold_items, pred_items, rule=rule)
        alignment = by_type if metric in ("AI", "AC") else by_trigger
        matchings[f"{metric}-strict"] = match_items(gold_items, pred_items, rule=rule, alignment=alignment)
        if metric in ARGUMENT_METRICS:
            matchings[f"{metric}-coref"] = match_items(
                items_for(gold, metric, canonical=canonical), items_for(pred, metric, canonical=canonical), rule=rule,
            )
    matchings["entities"] = match_items(items_for(gold, "EC"), items_for(pred, "EC"), rule=rule)
    matchings["entities-identification"] = match_items(items_for(gold, "EI"), items_for(pred, "EI"), rule=rule)

    pred_events = {e.id: e for e in pred.events}
    realis_pairs = []
    for g in gold.events:
        p = pred_events.get(by_trigger.get(g.id, ""))
        if p is not None and p.type == g.type and g.realis is not None and p.realis is not None:
            realis_pairs.append((g.realis, p.realis))
    return DocumentResult(gold.id, matchings, realis_pairs)


def total(results: Iterable[DocumentResult], metric: str) -> Counts:
    return sum((r.counts(metric) for r in results), Counts())


def breakdown(results: Sequence[DocumentResult], metric: str, by: str, zero_division: float = 0.0) -> dict[str, Score]:
    """Per-label scores of ``metric``, the label being each item's ``event_type`` or ``role`` (``by``)."""
    gold: Counter = Counter()
    pred: Counter = Counter()
    match: Counter = Counter()
    for result in results:
        m = result.matchings[metric]
        gold.update(getattr(i, by) for i in m.gold)
        pred.update(getattr(i, by) for i in m.pred)
        match.update(getattr(m.gold[g], by) for g, _ in m.pairs)
    labels = sorted(set(gold) | set(pred))
    return {label: Score.from_counts(gold[label], pred[label], match[label], zero_division) for label in labels}


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


def items_of(results: Sequence[DocumentResult], metric: str) -> Iterable[tuple[str, Item, bool]]:
    """``(document id, gold item, matched)`` for every gold item of ``metric``."""
    for result in results:
        m = result.matchings[metric]
        matched = {g for g, _ in m.pairs}
        for i, item in enumerate(m.gold):
            yield result.document_id, item, i in matched
