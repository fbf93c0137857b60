"""Matching gold items with predicted items: span rules, one-to-one matching, event alignment.

Every metric's ``n_match`` is the size of a maximum one-to-one matching between the set of gold
items and the set of predicted items of a document, where two items may be paired when

* their keys are equal,
* every span pair satisfies the span rule (:data:`EXACT`: equal; :data:`OVERLAP`: sharing at least
  one character),
* and, in strict mode, a gold and a predicted event mention the items came from are aligned with
  each other (:func:`align_events`).

With exact spans and no further condition the maximum matching is the set intersection, which is
TextEE's definition; that case takes a fast path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from newsevents.document import Document
from newsevents.eval.items import Item, SpanPair


@dataclass(frozen=True)
class SpanRule:
    """When a predicted span counts as the gold span."""

    name: str
    compatible: Callable[[SpanPair, SpanPair], bool]


EXACT = SpanRule("exact", lambda g, p: g == p)
OVERLAP = SpanRule("overlap", lambda g, p: g[0] < p[1] and p[0] < g[1])
SPAN_RULES = {rule.name: rule for rule in (EXACT, OVERLAP)}

#: Gold event id -> predicted event id, one-to-one.
Alignment = Mapping[str, str]


@dataclass(frozen=True)
class Matching:
    """The result of matching one document's items: pairs of indices into the two lists."""

    gold: Sequence[Item]
    pred: Sequence[Item]
    pairs: tuple[tuple[int, int], ...]

    @property
    def unmatched_gold(self) -> list[Item]:
        matched = {g for g, _ in self.pairs}
        return [item for i, item in enumerate(self.gold) if i not in matched]

    @property
    def unmatched_pred(self) -> list[Item]:
        matched = {p for _, p in self.pairs}
        return [item for i, item in enumerate(self.pred) if i not in matched]


def _aligned(gold: Item, pred: Item, alignment: Alignment) -> bool:
    return any(alignment.get(g) in pred.sources for g in gold.sources)


def match_items(
    gold: Sequence[Item],
    pred: Sequence[Item],
    *,
    rule: SpanRule = EXACT,
    alignment: Alignment | None = None,
) -> Matching:
    """Maximum one-to-one matching of gold and predicted items (see the module docstring)."""
    if rule is EXACT and alignment is None:
        index = {item.identity: i for i, item in enumerate(pred)}
        pairs = tuple((g, index[item.identity]) for g, item in enumerate(gold) if item.identity in index)
        return Matching(gold, pred, pairs)

    by_key: dict[tuple, list[int]] = defaultdict(list)
    for p, item in enumerate(pred):
        by_key[item.key].append(p)

    def compatible(g_item: Item, p_item: Item) -> bool:
        if not all(rule.compatible(a, b) for a, b in zip(g_item.spans, p_item.spans)):
            return False
        return alignment is None or _aligned(g_item, p_item, alignment)

    edges = {g: [p for p in by_key.get(item.key, ()) if compatible(item, pred[p])] for g, item in enumerate(gold)}
    return Matching(gold, pred, tuple(sorted(_maximum_matching(edges))))


def _maximum_matching(edges: Mapping[int, list[int]]) -> list[tuple[int, int]]:
    """Kuhn's augmenting-path algorithm; the graphs here are a document's items of one key."""
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in edges:
        if edges[g]:
            augment(g, set())
    return [(g, p) for p, g in owner.items()]


def align_events(gold: Document, pred: Document, *, rule: SpanRule = EXACT, by: str = "trigger") -> dict[str, str]:
    """A one-to-one alignment of gold and predicted event mentions (Hungarian assignment).

    Parameters
    ----------
    by : {"trigger", "type"}
        ``"trigger"``: only mentions whose triggers satisfy ``rule`` may be aligned (used by TI,
        TC, AI+, AC+); ``"type"``: only mentions of the same event type (used by AI and AC, which
        do not look at the trigger).

    Notes
    -----
    The assignment maximises, in this order of priority, the same event type, compatible triggers,
    and the number of shared ``(role, argument span)`` pairs; ties are broken by mention order.
    """
    if not gold.events or not pred.events:
        return {}
    def arg_spans(doc: Document) -> dict[str, set[tuple[str, SpanPair]]]:
        spans = {m.id: (m.start, m.end) for m in doc.entities} | {e.id: (e.trigger.start, e.trigger.end) for e in doc.events}
        return {e.id: {(a.role, spans[a.target]) for a in e.arguments if a.target in spans} for e in doc.events}

    gold_args, pred_args = arg_spans(gold), arg_spans(pred)
    weights = np.zeros((len(gold.events), len(pred.events)))
    for i, g in enumerate(gold.events):
        g_trigger = (g.trigger.start, g.trigger.end)
        for j, p in enumerate(pred.events):
            same_type = g.type == p.type
            triggers = rule.compatible(g_trigger, (p.trigger.start, p.trigger.end))
            if (by == "trigger" and not triggers) or (by == "type" and not same_type):
                continue
            shared = len(gold_args[g.id] & pred_args[p.id])
            weights[i, j] = 4 * same_type + 2 * triggers + shared / (1 + len(gold_args[g.id] | pred_args[p.id])) + 1e-3
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return {gold.events[i].id: pred.events[j].id for i, j in zip(rows, cols) if weights[i, j] > 0}
