"""Test helpers that build valid documents: a Hypothesis strategy and a hand builder.

* :func:`documents` draws random documents that pass :func:`newsevents.validation.validate`: a random
  text (any Unicode outside surrogates, with emoji and combining marks, odd separators such as
  ``\\r\\n`` and ``\\u2028``) split into paragraphs, sentences and tokens, with entity mentions and event
  mentions over token spans, arguments that reference them, clusters and hoppers. With a schema,
  types, roles and realis come from the ontology and every argument fits its role.
* :class:`DocumentBuilder` writes a document left to right, so hand-made fixtures never type an offset.

Import them from a test file as ``from strategies import DocumentBuilder, documents``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from newsevents.ontology import Schema
from newsevents.document import PARAGRAPH_KINDS, Argument, Document, EntityMention, EventMention, Segment, Span

#: Grapheme clusters that span several code points: flags, ZWJ sequences, combining marks, RTL text.
TRICKY_WORDS = ("🇺🇦", "👩\u200d👩\u200d👧", "e\u0301", "Ångström", "n\u0303o", "قتل", "北京", "\ufeffx", "a\u200bb")
#: What may stand between paragraphs, sentences and tokens; JSONL must keep them all intact.
PARAGRAPH_BREAKS = ("\n\n", "\n", "\r\n", "\u2029", "\u2028\n")
TOKEN_BREAKS = (" ", "  ", "\t", "\u00a0", "\u3000")

#: Names used when no schema is given: structural validation accepts any type and role names.
FREE_ENTITY_TYPES = ("PER", "ORG", "TIME", "Custom-Type")
FREE_EVENT_TYPES = ("Conflict.Attack", "Life.Die", "Custom.Event")
FREE_ROLES = ("Agent", "Victim", "Place", "Claimed")

words = st.one_of(st.text(st.characters(codec="utf-8"), min_size=1, max_size=6), st.sampled_from(TRICKY_WORDS))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


class DocumentBuilder:
    """Write a document left to right; offsets are counted, never typed by hand.

    Example
    -------
    >>> b = DocumentBuilder("d1")
    >>> police = b.entity("T1", "ORG", "Police")
    >>> _ = b.write(" ")
    >>> arrest = b.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity="T1")], realis="actual")
    >>> b.build().text
    'Police arrested'
    """

    def __init__(self, doc_id: str = "doc") -> None:
        self.id = doc_id
        self._parts: list[str] = []
        self.position = 0
        self.entities: list[EntityMention] = []
        self.events: list[EventMention] = []

    def write(self, text: str) -> tuple[int, int]:
        """Append ``text``; return its ``(start, end)`` offsets."""
        start = self.position
        self._parts.append(text)
        self.position += len(text)
        return start, self.position

    def entity(self, mention_id: str, type_: str, text: str, *, cluster: str | None = None) -> EntityMention:
        """Append ``text`` as an entity mention and return it."""
        start, end = self.write(text)
        mention = EntityMention(mention_id, type_, start, end, text, cluster)
        self.entities.append(mention)
        return mention

    def event(
        self,
        mention_id: str,
        type_: str,
        trigger: str,
        arguments: list[Argument] | tuple[Argument, ...] = (),
        *,
        realis: str | None = None,
        hopper: str | None = None,
    ) -> EventMention:
        """Append ``trigger`` as the trigger of a new event mention and return the mention."""
        start, end = self.write(trigger)
        mention = EventMention(mention_id, type_, Span(start, end, trigger), tuple(arguments), realis, hopper)
        self.events.append(mention)
        return mention

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def build(self, **fields: Any) -> Document:
        """The document so far; ``fields`` sets ``meta``, ``paragraphs``, ``sentences``, ``tokens``."""
        return Document(id=self.id, text=self.text, entities=tuple(self.entities), events=tuple(self.events), **fields)


@st.composite
def _layout(draw: st.DrawFn) -> tuple[str, list[Segment], list[Segment], list[Segment]]:
    """A text with its paragraphs (with kinds), sentences and tokens, all consistent."""
    paragraphs_of_sentences = draw(st.lists(
        st.lists(st.lists(words, min_size=1, max_size=5), min_size=1, max_size=3), min_size=1, max_size=3,
    ))
    parts: list[str] = []
    position = 0
    paragraphs: list[Segment] = []
    sentences: list[Segment] = []
    tokens: list[Segment] = []

    def write(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    for p, paragraph in enumerate(paragraphs_of_sentences):
        if p:
            write(draw(st.sampled_from(PARAGRAPH_BREAKS)))
        paragraph_start = position
        for s, sentence in enumerate(paragraph):
            if s:
                write(" ")
            sentence_start = position
            for t, token in enumerate(sentence):
                if t:
                    write(draw(st.sampled_from(TOKEN_BREAKS)))
                tokens.append(Segment(position, position + len(token)))
                write(token)
            sentences.append(Segment(sentence_start, position))
        paragraphs.append(Segment(paragraph_start, position, draw(st.sampled_from(PARAGRAPH_KINDS))))
    return "".join(parts), paragraphs, sentences, tokens


def _token_span(draw: st.DrawFn, text: str, tokens: list[Segment], max_tokens: int) -> tuple[int, int, str]:
    first = draw(st.integers(0, len(tokens) - 1))
    last = draw(st.integers(first, min(first + max_tokens, len(tokens)) - 1))
    start, end = tokens[first].start, tokens[last].end
    return start, end, text[start:end]


@st.composite
def documents(draw: st.DrawFn, schema: Schema | None = None, *, gold: bool = False) -> Document:
    """Random valid documents: ``validate(doc, schema, require_gold=gold)`` finds no problem.

    Parameters
    ----------
    schema : Schema or None, default None
        Draw types, roles and realis from this ontology and fill every role with an admissible
        mention; ``None`` uses free names (only structural validity holds then).
    gold : bool, default False
        Give every event a realis, as gold annotations must.
    """
    text, paragraphs, sentences, tokens = draw(_layout())
    entity_types = schema.mention_type_names if schema else FREE_ENTITY_TYPES
    event_types = schema.event_type_names if schema else FREE_EVENT_TYPES
    realis_values = tuple(schema.realis) if schema else ("actual", "other")
    entities: list[EntityMention] = []

    def new_entity(types: tuple[str, ...]) -> EntityMention:
        start, end, covered = _token_span(draw, text, tokens, max_tokens=3)
        mention = EntityMention(f"T{len(entities) + 1}", draw(st.sampled_from(types)), start, end, covered)
        entities.append(mention)
        return mention

    for _ in range(draw(st.integers(0, 3))):
        new_entity(entity_types)
    events = []
    for i in range(draw(st.integers(0, 4))):
        start, end, covered = _token_span(draw, text, tokens, max_tokens=1)
        realis = draw(st.sampled_from(realis_values) if gold else st.none() | st.sampled_from(realis_values))
        events.append(EventMention(f"E{i + 1}", draw(st.sampled_from(event_types)), Span(start, end, covered), realis=realis))

    def argument(event: EventMention) -> Argument | None:
        """An argument for ``event`` that fits its role, or ``None`` when no mention can fill the drawn role."""
        others = [e for e in events if e.id != event.id]
        if schema is None:
            role = draw(st.sampled_from(FREE_ROLES))
            fillers_types: tuple[str, ...] = entity_types
        else:
            role_def = draw(st.sampled_from(schema.event_type(event.type).roles))
            role, fillers_types = role_def.name, role_def.entity_types
            others = [e for e in others if e.type in role_def.event_types]
        choices = ["event"] * bool(others) + ["entity"] * bool(fillers_types)
        if not choices:
            return None
        if draw(st.sampled_from(choices)) == "event":
            return Argument(role, event=draw(st.sampled_from(others)).id)
        reusable = [e for e in entities if e.type in fillers_types]
        if reusable and draw(st.booleans()):
            return Argument(role, entity=draw(st.sampled_from(reusable)).id)
        return Argument(role, entity=new_entity(fillers_types).id)

    events = [
        replace(event, arguments=tuple(a for a in (argument(event) for _ in range(draw(st.integers(0, 3)))) if a))
        for event in events
    ]
    # Group ids carry the type, so mentions sharing a cluster or hopper always share a type.
    group = st.none() | st.integers(0, 1)
    entities = [replace(e, cluster=None if (k := draw(group)) is None else f"C-{e.type}-{k}") for e in entities]
    events = [replace(e, hopper=None if (k := draw(group)) is None else f"H-{e.type}-{k}") for e in events]
    layers = draw(st.sampled_from(("all", "sentences", "none")))
    return Document(
        id=draw(st.text(min_size=1, max_size=8)),
        text=text,
        meta=draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4)),
        paragraphs=tuple(paragraphs) if layers == "all" else (),
        sentences=tuple(sentences) if layers != "none" else (),
        tokens=tuple(tokens) if layers == "all" else (),
        entities=tuple(entities),
        events=tuple(events),
    )
