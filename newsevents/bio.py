"""The IOB2 (BIO) view of character spans over tokens, and back.

A span becomes ``B-TYPE`` on its first token and ``I-TYPE`` on the rest; every other token is ``O``.
Spans are mapped to tokens with an explicit alignment mode, as spaCy's ``Doc.char_span`` does:

* ``strict``: the span must start at a token start and end at a token end, else it is not tagged;
* ``contract``: the tokens entirely inside the span;
* ``expand`` (default): every token the span touches.

BIO cannot hold overlapping spans; when two spans claim a token, the one that starts first (then the
longer one) wins and the other is reported in :attr:`Tagging.dropped`.

Decoding (:func:`tags_to_spans`) follows seqeval's strict IOB2 mode: a span is a ``B-X`` followed by
any ``I-X``; an ``I-X`` with no ``B-X`` before it starts no span, a ``B-Y`` or ``O`` ends the current
one. The allowed prefixes are a table, and an unknown prefix raises naming it.

The sentence view of a document (:class:`SentenceView`, :func:`sentence_views`) puts both together:
tokens with BIO tags for event triggers and entity mentions, per sentence. It is the view the
``sentences`` dataset config holds and the BIO scorer reads. The entity tags are
``argument_entity_tags``: the gold entity layer is argument entities (entity mentions that fill an
event argument, and their coreferent mentions), and the view tags the mentions the document has. A mention belongs to the sentence that
contains its first character; mentions BIO cannot hold (overlaps, nesting) are listed in
``dropped_triggers`` / ``dropped_entities``, never silently lost.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from newsevents.document import Document

OUTSIDE = "O"
#: The IOB2 prefixes: the tag that opens a span, the tag that continues one.
PREFIXES = {"B": "begin", "I": "inside"}
ALIGNMENT_MODES = ("strict", "contract", "expand")


@dataclass(frozen=True)
class LabeledSpan:
    """A labelled character span (end-exclusive)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Tagging:
    tags: tuple[str, ...]
    #: Spans that could not be tagged: misaligned (strict/contract) or overlapping a tagged span.
    dropped: tuple[LabeledSpan, ...] = ()


def label_set(types: Sequence[str]) -> list[str]:
    """The BIO label names for ``types``: ``["O", "B-T1", "I-T1", "B-T2", ...]`` (ClassLabel order)."""
    return [OUTSIDE] + [f"{prefix}-{t}" for t in types for prefix in PREFIXES]


def token_range(token_starts: Sequence[int], token_ends: Sequence[int], start: int, end: int, mode: str = "expand") -> tuple[int, int] | None:
    """Token indices ``[first, last)`` covered by the character span ``[start, end)``, or ``None``.

    ``token_starts`` and ``token_ends`` are sorted character offsets of the tokens.
    """
    if mode not in ALIGNMENT_MODES:
        raise ValueError(f"unknown alignment mode {mode!r}; valid: {', '.join(ALIGNMENT_MODES)}")
    if mode == "expand":
        first = bisect_right(token_ends, start)      # first token ending after the span starts
        last = bisect_left(token_starts, end)        # tokens starting before the span ends
    else:
        first = bisect_left(token_starts, start)     # first token starting at or after start
        last = bisect_right(token_ends, end)         # tokens ending at or before end
        if mode == "strict" and (first >= len(token_starts) or token_starts[first] != start or last == 0 or token_ends[last - 1] != end):
            return None
    return (first, last) if first < last else None


def spans_to_tags(
    token_starts: Sequence[int], token_ends: Sequence[int], spans: Sequence[LabeledSpan], *, mode: str = "expand",
) -> Tagging:
    """Tag tokens with the spans, IOB2. Returns the tags and the spans that could not be tagged."""
    tags = [OUTSIDE] * len(token_starts)
    dropped = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label)):
        covered = token_range(token_starts, token_ends, span.start, span.end, mode)
        if covered is None or any(tags[i] != OUTSIDE for i in range(*covered)):
            dropped.append(span)
            continue
        first, last = covered
        tags[first] = f"B-{span.label}"
        for i in range(first + 1, last):
            tags[i] = f"I-{span.label}"
    return Tagging(tuple(tags), tuple(dropped))


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-Life.Die"`` -> ``("B", "Life.Die")``; ``"O"`` -> ``("O", "")``. Unknown prefixes raise."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in PREFIXES or not label:
        raise ValueError(f"invalid IOB2 tag {tag!r}: expected 'O' or a prefix in {sorted(PREFIXES)} then '-' and a label")
    return prefix, label


def tags_to_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Decode IOB2 tags into ``(label, first_token, last_token_exclusive)`` (seqeval strict mode)."""
    spans = []
    current: tuple[str, int] | None = None
    for i, tag in enumerate(tags):
        prefix, label = split_tag(tag)
        if current is not None and not (prefix == "I" and label == current[0]):
            spans.append((current[0], current[1], i))
            current = None
        if prefix == "B":
            current = (label, i)
    if current is not None:
        spans.append((current[0], current[1], len(tags)))
    return spans

@dataclass(frozen=True)
class SentenceView:
    document_id: str
    index: int
    start: int
    end: int
    tokens: tuple[str, ...]
    token_starts: tuple[int, ...]
    token_ends: tuple[int, ...]
    trigger_tags: tuple[str, ...]
    argument_entity_tags: tuple[str, ...]
    dropped_triggers: tuple[LabeledSpan, ...] = ()
    dropped_entities: tuple[LabeledSpan, ...] = ()


def sentence_views(document: Document, *, mode: str = "expand") -> Iterator[SentenceView]:
    """Yield one :class:`SentenceView` per sentence of ``document`` (which must be segmented)."""
    sentence_starts = [s.start for s in document.sentences]
    triggers: list[list[LabeledSpan]] = [[] for _ in document.sentences]
    entities: list[list[LabeledSpan]] = [[] for _ in document.sentences]
    for mentions, spans in (
        (((e.trigger.start, e.trigger.end, e.type) for e in document.events), triggers),
        (((m.start, m.end, m.type) for m in document.entities), entities),
    ):
        for start, end, label in mentions:
            index = bisect_right(sentence_starts, start) - 1
            if index >= 0:
                spans[index].append(LabeledSpan(start, end, label))

    token_index = 0
    tokens = document.tokens
    for index, sentence in enumerate(document.sentences):
        first = token_index
        while token_index < len(tokens) and tokens[token_index].end <= sentence.end:
            token_index += 1
        inside = tokens[first:token_index]
        starts = tuple(t.start for t in inside)
        ends = tuple(t.end for t in inside)
        trigger_tagging = spans_to_tags(starts, ends, triggers[index], mode=mode)
        entity_tagging = spans_to_tags(starts, ends, entities[index], mode=mode)
        yield SentenceView(
            document_id=document.id,
            index=index,
            start=sentence.start,
            end=sentence.end,
            tokens=tuple(document.text[t.start:t.end] for t in inside),
            token_starts=starts,
            token_ends=ends,
            trigger_tags=trigger_tagging.tags,
            argument_entity_tags=entity_tagging.tags,
            dropped_triggers=trigger_tagging.dropped,
            dropped_entities=entity_tagging.dropped,
        )
