"""The document format every part of newsevents speaks.

A :class:`Document` is a normalised article ``text`` with standoff layers over it:

* structure: ``paragraphs`` (with a ``kind``), ``sentences`` and ``tokens``, as :class:`Segment`;
* gold or predicted annotations: ``entities`` (:class:`EntityMention`) and ``events``
  (:class:`EventMention`, whose :class:`Argument` points at an entity or another event by id).

Offsets are 0-based, end-exclusive, in Unicode code points over ``text`` (Python string indexing),
as in spaCy's ``Span``. Every annotated span also stores its ``text`` so that a reader can check
``document.text[start:end] == span.text`` (see :mod:`newsevents.validation`).

Each class converts to and from the JSON object of the format with ``to_dict`` / ``from_dict``;
``from_dict(to_dict(x)) == x`` for every value these classes can hold. The JSON Schema of the format
ships in ``newsevents/resources/document.schema.json``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from newsevents.errors import FormatError

PARAGRAPH_KINDS = ("dateline", "title", "lead", "bullet", "subhead", "body")
#: What the gold entity layer (``entities``) holds, in the words the metric definitions, the dataset card
#: and the guidelines use (GUIDELINES.md 2.1, decision 15): it is not full NER.
ARGUMENT_ENTITIES = ("argument entities: entity mentions that fill an event argument, and their coreferent mentions "
                     "(same cluster)")


def text_sha256(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8: the identity of a normalised document text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """Return ``obj[key]``, raising :class:`FormatError` naming ``where.key`` if absent or mistyped."""
    if not isinstance(obj, dict):
        raise FormatError(f"expected a JSON object, got {type(obj).__name__}", field=where)
    if key not in obj:
        raise FormatError(f"missing required key {key!r}", field=f"{where}.{key}".lstrip("."))
    value = obj[key]
    # bool is an int subclass: never accept it where an offset is expected.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise FormatError(
            f"{key!r} must be {expected}, got {type(value).__name__} {value!r}",
            field=f"{where}.{key}".lstrip("."),
        )
    return value


def _optional(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise FormatError(f"expected a JSON object, got {type(obj).__name__}", field=where)
    if obj.get(key) is None:
        return None
    return _require(obj, key, kind, where)


class Segment(NamedTuple):
    """A structural unit of the text: a paragraph, sentence or token.

    A typed, immutable named tuple rather than a dataclass: a document holds one per token, and a
    named tuple is about twice as fast to create and five times as fast to unpickle (ingestion
    hands documents between processes).

    Attributes
    ----------
    start, end : int
        Character offsets, end-exclusive.
    kind : str or None
        For paragraphs, one of :data:`PARAGRAPH_KINDS`; ``None`` for sentences and tokens.
    """

    start: int
    end: int
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end}
        if self.kind is not None:
            out["kind"] = self.kind
        return out

    @classmethod
    def from_dict(cls, obj: dict[str, Any], where: str = "") -> Segment:
        return cls(
            start=_require(obj, "start", int, where),
            end=_require(obj, "end", int, where),
            kind=_optional(obj, "kind", str, where),
        )


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets (0-based, end-exclusive, code points) plus the text they cover.

    Every annotation has one as ``.span``: an entity mention's extent, an event mention's trigger.
    """

    start: int
    end: int
    text: str

    @property
    def offsets(self) -> tuple[int, int]:
        """``(start, end)``: the key that matching and indexing use."""
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, obj: dict[str, Any], where: str = "") -> Span:
        return cls(
            start=_require(obj, "start", int, where),
            end=_require(obj, "end", int, where),
            text=_require(obj, "text", str, where),
        )


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A mention of an entity or value (``type`` is an entity or value type of the schema).

    ``cluster`` groups coreferent mentions: mentions with the same cluster id refer to the same
    real-world entity. ``None`` means the mention is a singleton.
    """

    id: str
    type: str
    start: int
    end: int
    text: str
    cluster: str | None = None

    @property
    def span(self) -> Span:
        """The mention's extent as a :class:`Span` (as :attr:`EventMention.span` is its trigger)."""
        return Span(self.start, self.end, self.text)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "type": self.type, "start": self.start, "end": self.end, "text": self.text,
        }
        if self.cluster is not None:
            out["cluster"] = self.cluster
        return out

    @classmethod
    def from_dict(cls, obj: dict[str, Any], where: str = "") -> EntityMention:
        return cls(
            id=_require(obj, "id", str, where),
            type=_require(obj, "type", str, where),
            start=_require(obj, "start", int, where),
            end=_require(obj, "end", int, where),
            text=_require(obj, "text", str, where),
            cluster=_optional(obj, "cluster", str, where),
        )


@dataclass(frozen=True, slots=True)
class Argument:
    """A role filled by an entity mention (``entity``) or by another event mention (``event``).

    Exactly one of ``entity`` and ``event`` is set; each holds the id of a mention in the same document.
    """

    role: str
    entity: str | None = None
    event: str | None = None

    def __post_init__(self) -> None:
        if (self.entity is None) == (self.event is None):
            raise FormatError(
                f"argument with role {self.role!r} must name exactly one of 'entity' and 'event', "
                f"got entity={self.entity!r}, event={self.event!r}"
            )

    @property
    def target(self) -> str:
        """The id of the mention filling the role."""
        return self.entity if self.entity is not None else self.event  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        if self.entity is not None:
            return {"role": self.role, "entity": self.entity}
        return {"role": self.role, "event": self.event}

    @classmethod
    def from_dict(cls, obj: dict[str, Any], where: str = "") -> Argument:
        role = _require(obj, "role", str, where)
        entity = _optional(obj, "entity", str, where)
        event = _optional(obj, "event", str, where)
        try:
            return cls(role=role, entity=entity, event=event)
        except FormatError as err:
            raise FormatError(err.message, field=where) from None


@dataclass(frozen=True, slots=True)
class EventMention:
    """One report of an event: a trigger span, a type, its arguments, realis and hopper.

    ``hopper`` groups mentions of the same real-world event (one arrest reported five times is five
    mentions sharing one hopper id). ``realis`` is optional for predictions.
    """

    id: str
    type: str
    trigger: Span
    arguments: tuple[Argument, ...] = ()
    realis: str | None = None
    hopper: str | None = None

    @property
    def span(self) -> Span:
        """The trigger: the span of the event mention, as :attr:`EntityMention.span` is an entity's."""
        return self.trigger

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "trigger": self.trigger.to_dict(),
            "arguments": [a.to_dict() for a in self.arguments],
        }
        if self.realis is not None:
            out["realis"] = self.realis
        if self.hopper is not None:
            out["hopper"] = self.hopper
        return out

    @classmethod
    def from_dict(cls, obj: dict[str, Any], where: str = "") -> EventMention:
        arguments = _optional(obj, "arguments", list, where) or []
        return cls(
            id=_require(obj, "id", str, where),
            type=_require(obj, "type", str, where),
            trigger=Span.from_dict(_require(obj, "trigger", dict, where), f"{where}.trigger"),
            arguments=tuple(
                Argument.from_dict(a, f"{where}.arguments[{i}]") for i, a in enumerate(arguments)
            ),
            realis=_optional(obj, "realis", str, where),
            hopper=_optional(obj, "hopper", str, where),
        )


@dataclass(frozen=True, slots=True)
class Document:
    """A normalised article with its structure and annotations.

    Attributes
    ----------
    id : str
        Stable document id (unique in a corpus).
    text : str
        The normalised text all offsets refer to.
    meta : dict
        Provenance and metadata: ``source``, ``url``, ``title``, ``date`` (ISO 8601), ``license``,
        ``path``, ``sha256`` (of ``text``) and anything a reader adds. JSON values only.
    paragraphs, sentences, tokens : tuple of Segment
        Structure, in text order. Empty when the document was not segmented.
    entities : tuple of EntityMention
    events : tuple of EventMention
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    paragraphs: tuple[Segment, ...] = ()
    sentences: tuple[Segment, ...] = ()
    tokens: tuple[Segment, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    events: tuple[EventMention, ...] = ()

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "meta": self.meta,
            "paragraphs": [s.to_dict() for s in self.paragraphs],
            "sentences": [s.to_dict() for s in self.sentences],
            "tokens": [s.to_dict() for s in self.tokens],
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
        }

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Document:
        def items(key: str) -> list[Any]:
            return _optional(obj, key, list, "") or []

        return cls(
            id=_require(obj, "id", str, ""),
            text=_require(obj, "text", str, ""),
            meta=_optional(obj, "meta", dict, "") or {},
            paragraphs=tuple(Segment.from_dict(s, f"paragraphs[{i}]") for i, s in enumerate(items("paragraphs"))),
            sentences=tuple(Segment.from_dict(s, f"sentences[{i}]") for i, s in enumerate(items("sentences"))),
            tokens=tuple(Segment.from_dict(s, f"tokens[{i}]") for i, s in enumerate(items("tokens"))),
            entities=tuple(EntityMention.from_dict(e, f"entities[{i}]") for i, e in enumerate(items("entities"))),
            events=tuple(EventMention.from_dict(e, f"events[{i}]") for i, e in enumerate(items("events"))),
        )

    def entity(self, mention_id: str) -> EntityMention | None:
        """The entity mention with this id, or ``None``."""
        return next((e for e in self.entities if e.id == mention_id), None)

    def event(self, mention_id: str) -> EventMention | None:
        """The event mention with this id, or ``None``."""
        return next((e for e in self.events if e.id == mention_id), None)
