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

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from scipy.optimize import linear_sum_assignment

from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.eval.items import Identity, Item, ItemIndex, RawArgument, SpanPair, raw_arguments


@dataclass(frozen=True)
class SpanRule:
    """When a predicted span counts as the gold span, and what that implies for matching.

    Attributes
    ----------
    name : str
        The span mode's name (``--span-mode``).
    compatible : callable
        ``compatible(gold_span, predicted_span) -> bool`` on ``(start, end)`` pairs.
    equal_spans : bool
        True when compatible spans are equal spans: items then match by key lookup (a set
        intersection, TextEE's definition) and a mention is its own coreference anchor.
    """

    name: str
    compatible: Callable[[SpanPair, SpanPair], bool]
    equal_spans: bool = False
    #: For rules that depend on the gold document (the head rule): builds ``compatible`` from it.
    binder: Callable[[Document], Callable[[SpanPair, SpanPair], bool]] | None = None

    def for_document(self, gold: Document) -> SpanRule:
        """The rule as it applies to one gold document (itself, unless it depends on the document)."""
        return self if self.binder is None else replace(self, compatible=self.binder(gold), binder=None)

    def coreference_test(self) -> Callable[[SpanPair, SpanPair], bool] | None:
        """The test :func:`~newsevents.eval.items.coreference_canonical` applies (None: equal spans)."""
        return None if self.equal_spans else self.compatible


_WORD = re.compile(r"\w", re.UNICODE)


def head_of(document: Document, span: SpanPair) -> SpanPair:
    """The head word of a gold span: its last token with a letter or digit (gold spans are minimal noun
    phrases, nothing after the head; GUIDELINES.md 2.3), else the span itself."""
    starts = [t.start for t in document.tokens]
    for index in range(bisect_left(starts, span[1]) - 1, bisect_left(starts, span[0]) - 1, -1):
        token = document.tokens[index]
        if token.end <= span[1] and _WORD.search(document.text, token.start, token.end):
            return (token.start, token.end)
    words = [m.span() for m in re.finditer(r"\w+", document.text[span[0]:span[1]])]
    return (span[0] + words[-1][0], span[0] + words[-1][1]) if words else span


def _head_compatible(gold: Document) -> Callable[[SpanPair, SpanPair], bool]:
    """``compatible`` of the head rule for one gold document (see :data:`HEAD`)."""
    spans = {m.span.offsets for m in gold.entities} | {e.span.offsets for e in gold.events}
    heads = {span: head_of(gold, span) for span in spans}
    all_heads = sorted(set(heads.values()))
    head_starts = [h[0] for h in all_heads]

    def compatible(g: SpanPair, p: SpanPair) -> bool:
        head = heads.get(g) or head_of(gold, g)
        if not (p[0] <= head[0] and head[1] <= p[1]):
            return False
        inside = all_heads[bisect_left(head_starts, p[0]):bisect_right(head_starts, p[1] - 1)]
        return all(h == head or h[1] > p[1] for h in inside)

    return compatible


EXACT = SpanRule("exact", lambda g, p: g == p, equal_spans=True)
OVERLAP = SpanRule("overlap", lambda g, p: g[0] < p[1] and p[0] < g[1])
#: Head-word matching (WikiEvents' Head F1, one-to-one): a predicted span counts for a gold span when
#: it contains the gold span's head word and the head of no other gold mention or trigger.
HEAD = SpanRule("head", lambda g, p: False, binder=_head_compatible)
SPAN_RULES = {rule.name: rule for rule in (EXACT, OVERLAP, HEAD)}


def span_rule(name: str) -> SpanRule:
    """The span rule called ``name``; an unknown name raises listing the valid ones."""
    if name not in SPAN_RULES:
        raise NewsEventsError(f"unknown span mode {name!r}; valid: {', '.join(SPAN_RULES)}")
    return SPAN_RULES[name]

#: Gold event id -> predicted event id, one-to-one.
Alignment = Mapping[str, str]


class Matching:
    """One document's items of one metric and the pairs matched between them.

    Holds the item indexes (identity -> source event ids) and the matched identity pairs; the
    :class:`Item` lists and index pairs that error analysis reads are built on first use.
    """

    __slots__ = ("gold_index", "pred_index", "matched", "__dict__")

    def __init__(self, gold_index: ItemIndex, pred_index: ItemIndex, matched: Sequence[tuple[Identity, Identity]]) -> None:
        self.gold_index = gold_index
        self.pred_index = pred_index
        self.matched = matched

    @property
    def n_gold(self) -> int:
        return len(self.gold_index)

    @property
    def n_pred(self) -> int:
        return len(self.pred_index)

    @property
    def n_match(self) -> int:
        return len(self.matched)

    @cached_property
    def gold(self) -> list[Item]:
        return [Item(key, spans, tuple(dict.fromkeys(sources))) for (key, spans), sources in self.gold_index.items()]

    @cached_property
    def pred(self) -> list[Item]:
        return [Item(key, spans, tuple(dict.fromkeys(sources))) for (key, spans), sources in self.pred_index.items()]

    @cached_property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        """Matched pairs as indices into :attr:`gold` and :attr:`pred`, sorted."""
        gold_at = {identity: i for i, identity in enumerate(self.gold_index)}
        pred_at = {identity: i for i, identity in enumerate(self.pred_index)}
        return tuple(sorted((gold_at[g], pred_at[p]) for g, p in self.matched))

    @property
    def unmatched_gold(self) -> list[Item]:
        matched = {g for g, _ in self.matched}
        return [Item(key, spans, tuple(dict.fromkeys(sources))) for (key, spans), sources in self.gold_index.items() if (key, spans) not in matched]

    @property
    def unmatched_pred(self) -> list[Item]:
        matched = {p for _, p in self.matched}
        return [Item(key, spans, tuple(dict.fromkeys(sources))) for (key, spans), sources in self.pred_index.items() if (key, spans) not in matched]


def _aligned(gold_sources: Sequence[str], pred_sources: Sequence[str], alignment: Alignment) -> bool:
    for g in gold_sources:
        if alignment.get(g) in pred_sources:
            return True
    return False


def match_items(
    gold: ItemIndex,
    pred: ItemIndex,
    *,
    rule: SpanRule = EXACT,
    alignment: Alignment | None = None,
) -> Matching:
    """Maximum one-to-one matching of gold and predicted items (see the module docstring)."""
    if rule.equal_spans and alignment is None:
        return Matching(gold, pred, [(identity, identity) for identity in gold if identity in pred])

    by_key: dict[tuple, list[Identity]] = defaultdict(list)
    for identity in pred:
        by_key[identity[0]].append(identity)

    def compatible(g: Identity, p: Identity) -> bool:
        if not all(rule.compatible(a, b) for a, b in zip(g[1], p[1])):
            return False
        return alignment is None or _aligned(gold[g], pred[p], alignment)

    gold_list = list(gold)
    candidates = {i: [p for p in by_key.get(g[0], ()) if compatible(g, p)] for i, g in enumerate(gold_list)}
    pred_at = {p: j for j, p in enumerate(pred)}
    pred_list = list(pred)
    edges = {i: [pred_at[p] for p in options] for i, options in candidates.items()}
    return Matching(gold, pred, [(gold_list[i], pred_list[j]) for i, j in sorted(_maximum_matching(edges))])


def restrict(matching: Matching, alignment: Alignment) -> Matching:
    """The pairs of an exact-span matching whose items come from aligned event mentions.

    Under exact spans an item can only be paired with its identical counterpart, so this is the
    maximum matching under the alignment condition, without searching again.
    """
    gold, pred = matching.gold_index, matching.pred_index
    return Matching(gold, pred, [(g, p) for g, p in matching.matched if _aligned(gold[g], pred[p], alignment)])


def _maximum_matching(edges: Mapping[int, list[int]]) -> list[tuple[int, int]]:
    """Kuhn's augmenting-path algorithm; the graphs here are a document's items of one key."""
    owner: dict[int, int] = {}
    for g in edges:
        if edges[g]:
            _augment(g, edges, owner, set())
    return [(g, p) for p, g in owner.items()]


def _augment(g: int, edges: Mapping[int, list[int]], owner: dict[int, int], seen: set[int]) -> bool:
    """Find an augmenting path from gold node ``g``; a module-level function, not a closure: a
    recursive closure refers to itself through a cell, and that cycle would outlive every call."""
    for p in edges[g]:
        if p in seen:
            continue
        seen.add(p)
        if p not in owner or _augment(owner[p], edges, owner, seen):
            owner[p] = g
            return True
    return False


ALIGNMENTS = ("trigger", "type")


def align_events(
    gold: Document, pred: Document, *, rule: SpanRule = EXACT,
    arguments: tuple[Sequence[RawArgument], Sequence[RawArgument]] | None = None,
) -> dict[str, dict[str, str]]:
    """Two one-to-one alignments of gold and predicted event mentions (Hungarian assignment).

    Returns ``{"trigger": alignment, "type": alignment}``, each mapping gold event ids to predicted
    ones:

    * ``"trigger"``: only mentions whose triggers satisfy ``rule`` may be aligned (used by TI, TC,
      AI+, AC+);
    * ``"type"``: only mentions of the same event type (used by AI and AC, which do not look at the
      trigger).

    Parameters
    ----------
    arguments : pair of lists, optional
        :func:`~newsevents.eval.items.raw_arguments` of ``gold`` and ``pred``, when already at hand.

    Notes
    -----
    Each assignment maximises, in this order of priority, the same event type, compatible triggers,
    and the share of common ``(role, argument span)`` pairs; ties are broken by mention order.
    """
    if not gold.events or not pred.events:
        return {by: {} for by in ALIGNMENTS}
    gold_raw, pred_raw = arguments if arguments is not None else (raw_arguments(gold), raw_arguments(pred))
    gold_args: dict[str, set] = {e.id: set() for e in gold.events}
    pred_args: dict[str, set] = {e.id: set() for e in pred.events}
    for table, raw in ((gold_args, gold_raw), (pred_args, pred_raw)):
        for _, _, role, _, span, event_id in raw:
            table[event_id].add((role, span))

    def weight(g, p, same_type: bool, triggers: bool) -> float:  # type: ignore[no-untyped-def]
        common = gold_args[g.id] & pred_args[p.id]
        share = len(common) / (1 + len(gold_args[g.id] | pred_args[p.id])) if common else 0.0
        return 4 * same_type + 2 * triggers + share + 1e-3

    # Candidates by lookup where possible: same trigger span (exact rule) and same type.
    by_trigger: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_type: dict[str, list[int]] = defaultdict(list)
    for j, p in enumerate(pred.events):
        by_trigger[p.span.offsets].append(j)
        by_type[p.type].append(j)
    candidates: dict[str, dict[int, list[tuple[int, float]]]] = {by: defaultdict(list) for by in ALIGNMENTS}
    for i, g in enumerate(gold.events):
        g_trigger = g.span.offsets
        near = by_trigger.get(g_trigger, ()) if rule.equal_spans else range(len(pred.events))
        for j in near:
            p = pred.events[j]
            if rule.compatible(g_trigger, p.span.offsets):
                candidates["trigger"][i].append((j, weight(g, p, g.type == p.type, True)))
        for j in by_type.get(g.type, ()):
            p = pred.events[j]
            candidates["type"][i].append((j, weight(g, p, True, rule.compatible(g_trigger, p.span.offsets))))
    return {by: _assign(gold, pred, candidates[by]) for by in ALIGNMENTS}


def _assign(gold: Document, pred: Document, candidates: Mapping[int, list[tuple[int, float]]]) -> dict[str, str]:
    """The maximum-weight one-to-one assignment of the candidate pairs (event ids)."""
    # Without competition (no prediction wanted by two gold mentions or vice versa) the answer is direct.
    wanted = [j for options in candidates.values() for j, _ in options]
    if all(len(options) == 1 for options in candidates.values()) and len(wanted) == len(set(wanted)):
        return {gold.events[i].id: pred.events[options[0][0]].id for i, options in candidates.items()}
    weights = np.zeros((len(gold.events), len(pred.events)))
    for i, options in candidates.items():
        for j, w in options:
            weights[i, j] = w
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return {gold.events[i].id: pred.events[j].id for i, j in zip(rows, cols) if weights[i, j] > 0}
