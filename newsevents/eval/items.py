"""What each metric compares: the items a document yields for it.

An :class:`Item` is a tuple in the sense of TextEE's scorer: a label ``key`` (event type, argument
kind, role...) and the ``spans`` the span rule compares (the trigger span, the argument span). Items
are keyed by document implicitly: they are only ever compared within one document.

====== ======================================= ===================================
metric key                                     spans
====== ======================================= ===================================
TI     ()                                      (trigger,)
TC     (event type,)                           (trigger,)
AI     (event type, argument kind)             (argument,)
AC     (event type, argument kind, role)       (argument,)
AI+    (event type, argument kind)             (trigger, argument)
AC+    (event type, argument kind, role)       (trigger, argument)
EI     ()                                      (mention,)
EC     (entity type,)                          (mention,)
====== ======================================= ===================================

The argument span is the filling entity mention's span, or, for an event-valued argument (kind
``"event"``), the trigger span of the event it points to: such an argument is right when it points
at an event whose trigger is where the gold one's is. Items are sets (set semantics): equal items of
one document collapse into one, remembering every event mention they came from (``sources``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsevents.document import Document

SpanPair = tuple[int, int]

TRIGGER_METRICS = ("TI", "TC")
ARGUMENT_METRICS = ("AI", "AC", "AI+", "AC+")
ENTITY_METRICS = ("EI", "EC")


@dataclass(frozen=True)
class Item:
    """One scored tuple of a document.

    Attributes
    ----------
    key : tuple of str
        Label fields compared for equality.
    spans : tuple of (int, int)
        Character spans compared by the span rule, in ``key``'s order of meaning (trigger first).
    event_type, role : str
        Breakdown labels ("" where not applicable; entity items put the entity type in ``event_type``).
    sources : frozenset of str
        Ids of the event mentions the item came from (empty for entity items).
    """

    key: tuple[str, ...]
    spans: tuple[SpanPair, ...]
    event_type: str = ""
    role: str = ""
    sources: frozenset[str] = frozenset()

    @property
    def identity(self) -> tuple:
        return (self.key, self.spans)


def _collapse(items: Iterable[Item]) -> list[Item]:
    """Set semantics: one item per identity, with the union of the event mentions it came from."""
    merged: dict[tuple, Item] = {}
    for item in items:
        identity = item.identity
        seen = merged.get(identity)
        if seen is None:
            merged[identity] = item
        else:
            merged[identity] = Item(seen.key, seen.spans, seen.event_type, seen.role, seen.sources | item.sources)
    return list(merged.values())


def trigger_items(document: Document, metric: str) -> list[Item]:
    """Items of ``TI`` or ``TC``."""
    classify = metric == "TC"
    return _collapse(
        Item((e.type,) if classify else (), ((e.trigger.start, e.trigger.end),), e.type, "", frozenset((e.id,)))
        for e in document.events
    )


#: Maps an argument (kind, span) to the span that stands for it (coreference-aware scoring).
Canonical = Callable[[str, SpanPair], SpanPair]


def coreference_canonical(gold: Document, rule_overlaps: bool = False) -> Canonical:
    """Map an argument span to the first span of the gold cluster (entities) or hopper (events) it hits.

    A span that is no gold mention (or, with ``rule_overlaps``, overlaps none) stays as it is. With
    ``rule_overlaps`` a span overlapping several gold mentions takes the one it shares most with.
    """
    groups: dict[str, dict[SpanPair, SpanPair]] = {}
    for kind, members in (
        ("entity", [((m.start, m.end), m.cluster) for m in gold.entities]),
        ("event", [((e.trigger.start, e.trigger.end), e.hopper) for e in gold.events]),
    ):
        first: dict[str, SpanPair] = {}
        for span, group in members:
            if group is not None:
                first[group] = min(first.get(group, span), span)
        groups[kind] = {span: (first[group] if group is not None else span) for span, group in members}

    def canonical(kind: str, span: SpanPair) -> SpanPair:
        table = groups[kind]
        if span in table or not rule_overlaps:
            return table.get(span, span)
        best, shared = span, 0
        for known, anchor in table.items():
            overlap = min(known[1], span[1]) - max(known[0], span[0])
            if overlap > shared:
                best, shared = anchor, overlap
        return best

    return canonical


def argument_items(document: Document, metric: str, *, canonical: Canonical | None = None) -> list[Item]:
    """Items of ``AI``, ``AC``, ``AI+`` or ``AC+``.

    ``canonical`` (coreference-aware variants, built from the gold document by
    :func:`coreference_canonical`) replaces each argument span by the span standing for its gold
    cluster or hopper before items are collapsed, on the gold and the predicted side alike: all
    mentions of one entity filling one role of one event are one item.
    """
    classify = metric in ("AC", "AC+")
    attached = metric in ("AI+", "AC+")
    spans_by_id = {m.id: ("entity", (m.start, m.end)) for m in document.entities}
    spans_by_id.update({e.id: ("event", (e.trigger.start, e.trigger.end)) for e in document.events})
    items = []
    for event in document.events:
        trigger = (event.trigger.start, event.trigger.end)
        for argument in event.arguments:
            target = spans_by_id.get(argument.target)
            if target is None:
                continue
            kind, span = target
            if canonical is not None:
                span = canonical(kind, span)
            key = (event.type, kind, argument.role) if classify else (event.type, kind)
            spans = (trigger, span) if attached else (span,)
            items.append(Item(key, spans, event.type, argument.role, frozenset((event.id,))))
    return _collapse(items)


def entity_items(document: Document, metric: str) -> list[Item]:
    """Items of ``EI`` (spans) or ``EC`` (spans and types) over entity and value mentions."""
    classify = metric == "EC"
    return _collapse(Item((m.type,) if classify else (), ((m.start, m.end),), m.type) for m in document.entities)


def items_for(document: Document, metric: str, *, canonical: Canonical | None = None) -> list[Item]:
    """The items of ``document`` for any metric name of this module."""
    if metric in TRIGGER_METRICS:
        return trigger_items(document, metric)
    if metric in ARGUMENT_METRICS:
        return argument_items(document, metric, canonical=canonical)
    if metric in ENTITY_METRICS:
        return entity_items(document, metric)
    raise KeyError(f"unknown metric {metric!r}; valid: {', '.join(TRIGGER_METRICS + ARGUMENT_METRICS + ENTITY_METRICS)}")
