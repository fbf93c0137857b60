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

(``EI`` and ``EC`` are reported as ``entities-identification`` and ``entities``.)

The argument span is the filling entity mention's span, or, for an event-valued argument (kind
``"event"``), the trigger span of the event it points to: such an argument is right when it points
at an event whose trigger is where the gold one's is. Items are sets (set semantics): equal items of
one document collapse into one, remembering every event mention they came from (``sources``).
The scorer works on :data:`ItemIndex` dictionaries (identity -> sources) and builds :class:`Item`
objects only when asked (error analysis), since a corpus yields millions of items.

Entity items are taken from the mentions the entity scope admits (:func:`scoped_entities`): by
default (``"arguments"``) only the mentions that fill an argument of an event mention of their own
side, since the gold entity layer is argument entities, not full NER (GUIDELINES.md 2.1, decision
15); ``"all"`` takes every mention.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal, NamedTuple, get_args

from newsevents.document import Document, EntityMention
from newsevents.errors import NewsEventsError

SpanPair = tuple[int, int]

TRIGGER_METRICS = ("TI", "TC")
ARGUMENT_METRICS = ("AI", "AC", "AI+", "AC+")
ENTITY_METRICS = ("entities-identification", "entities")

#: Which entity mentions the entity metrics count: ``"arguments"``, those that fill an argument of an
#: event mention of the same side (gold or prediction); ``"all"``, every mention.
EntityScope = Literal["arguments", "all"]
ENTITY_SCOPES: tuple[str, ...] = get_args(EntityScope)
DEFAULT_ENTITY_SCOPE: EntityScope = "arguments"


#: An item's identity: ``(key, spans)``. Two items are the same tuple when their identities are equal.
Identity = tuple[tuple[str, ...], tuple[SpanPair, ...]]
#: A document's items for one metric: identity -> ids of the event mentions it came from (a list
#: that may repeat an id; only membership is ever asked).
ItemIndex = dict[Identity, list[str]]


class Item(NamedTuple):
    """One scored tuple of a document.

    Attributes
    ----------
    key : tuple of str
        Label fields compared for equality: ``()``, ``(type,)``, ``(event type, kind)`` or
        ``(event type, kind, role)``.
    spans : tuple of (int, int)
        Character spans compared by the span rule (trigger first, then argument).
    sources : sequence of str
        Ids of the event mentions the item came from (empty for entity items).
    """

    key: tuple[str, ...]
    spans: tuple[SpanPair, ...]
    sources: Sequence[str] = ()

    @property
    def identity(self) -> Identity:
        return (self.key, self.spans)

    @property
    def event_type(self) -> str:
        """The event type (entity type for entity items); "" for identification items."""
        return self.key[0] if self.key else ""

    @property
    def role(self) -> str:
        return self.key[2] if len(self.key) == 3 else ""


def trigger_items(document: Document, metric: str) -> ItemIndex:
    """Items of ``TI`` or ``TC``."""
    classify = metric == "TC"
    index: ItemIndex = {}
    for e in document.events:
        index.setdefault(((e.type,) if classify else (), (e.span.offsets,)), []).append(e.id)
    return index


#: Maps an argument (kind, span) to the span that stands for it (coreference-aware scoring).
Canonical = Callable[[str, SpanPair], SpanPair]


def coreference_canonical(gold: Document, compatible: Callable[[SpanPair, SpanPair], bool] | None = None) -> Canonical:
    """Map an argument span to the first span of the gold cluster (entities) or hopper (events) it hits.

    ``compatible(gold_span, span)`` is the span rule's test (``None``: spans must be equal). A span that
    hits no gold mention stays as it is; one compatible with several takes the one it shares most
    characters with (the first such in text order on a tie).
    """
    groups: dict[str, dict[SpanPair, SpanPair]] = {}
    for kind, members in (
        ("entity", [(m.span.offsets, m.cluster) for m in gold.entities]),
        ("event", [(e.span.offsets, e.hopper) for e in gold.events]),
    ):
        first: dict[str, SpanPair] = {}
        for span, group in members:
            if group is not None:
                first[group] = min(first.get(group, span), span)
        groups[kind] = {span: (first[group] if group is not None else span) for span, group in members}

    if compatible is None:
        return lambda kind, span: groups[kind].get(span, span)

    def canonical(kind: str, span: SpanPair) -> SpanPair:
        table = groups[kind]
        if span in table:
            return table[span]
        best, shared = span, -1
        for known, anchor in table.items():
            if compatible(known, span):
                overlap = min(known[1], span[1]) - max(known[0], span[0])
                if overlap > shared:
                    best, shared = anchor, overlap
        return best

    return canonical


#: An argument as extracted once per document: (event type, kind, role, trigger span, argument span, event id).
RawArgument = tuple[str, str, str, SpanPair, SpanPair, str]


def raw_arguments(document: Document) -> list[RawArgument]:
    """Every argument of every event mention, with its filler's span (see the module docstring).

    For the coreference-aware variants, :func:`canonical_arguments` replaces each argument span by
    the span standing for its gold cluster or hopper (:func:`coreference_canonical`), on the gold
    and the predicted side alike: all mentions of one entity filling one role of one event then
    make one item.
    """
    spans_by_id = {m.id: ("entity", m.span.offsets) for m in document.entities}
    spans_by_id.update({e.id: ("event", e.span.offsets) for e in document.events})
    out = []
    for event in document.events:
        trigger = event.span.offsets
        for argument in event.arguments:
            target = spans_by_id.get(argument.target)
            if target is not None:
                kind, span = target
                out.append((event.type, kind, argument.role, trigger, span, event.id))
    return out


def argument_items(arguments: Iterable[RawArgument]) -> dict[str, ItemIndex]:
    """Items of ``AI``, ``AC``, ``AI+`` and ``AC+`` from :func:`raw_arguments`, in one pass."""
    ai: ItemIndex = {}
    ac: ItemIndex = {}
    ai_plus: ItemIndex = {}
    ac_plus: ItemIndex = {}
    for etype, kind, role, trigger, span, event_id in arguments:
        unlabelled, labelled, alone, attached = (etype, kind), (etype, kind, role), (span,), (trigger, span)
        ai.setdefault((unlabelled, alone), []).append(event_id)
        ac.setdefault((labelled, alone), []).append(event_id)
        ai_plus.setdefault((unlabelled, attached), []).append(event_id)
        ac_plus.setdefault((labelled, attached), []).append(event_id)
    return {"AI": ai, "AC": ac, "AI+": ai_plus, "AC+": ac_plus}


def canonical_arguments(arguments: Iterable[RawArgument], canonical: Canonical) -> list[RawArgument]:
    """The same arguments with each filler span replaced by ``canonical`` (coreference variants)."""
    return [(etype, kind, role, trigger, canonical(kind, span), event_id) for etype, kind, role, trigger, span, event_id in arguments]


def check_entity_scope(scope: str) -> EntityScope:
    """``scope`` itself when it is one of :data:`ENTITY_SCOPES`; otherwise raise listing them."""
    if scope not in ENTITY_SCOPES:
        raise NewsEventsError(f"unknown entity scope {scope!r}; valid: {', '.join(ENTITY_SCOPES)}")
    return scope  # type: ignore[return-value]


def argument_entity_ids(document: Document) -> set[str]:
    """Ids of the entity mentions that fill at least one argument of an event mention of ``document``."""
    return {a.entity for e in document.events for a in e.arguments if a.entity is not None}


def scoped_entities(document: Document, scope: str = DEFAULT_ENTITY_SCOPE) -> tuple[EntityMention, ...]:
    """The entity and value mentions of ``document`` that the entity metrics count under ``scope``.

    ``"arguments"``: the mentions that fill an argument of one of the document's own event mentions
    (a coreferent mention that fills none is left out); ``"all"``: every mention. In text order, as stored.
    """
    if check_entity_scope(scope) == "all":
        return document.entities
    fillers = argument_entity_ids(document)
    return tuple(m for m in document.entities if m.id in fillers)


def entity_items(document: Document, metric: str, scope: str = DEFAULT_ENTITY_SCOPE) -> ItemIndex:
    """Items of ``entities-identification`` (spans) or ``entities`` (spans and types) over the entity and
    value mentions ``scope`` admits (:func:`scoped_entities`)."""
    classify = metric == "entities"
    return {((m.type,) if classify else (), (m.span.offsets,)): [] for m in scoped_entities(document, scope)}
