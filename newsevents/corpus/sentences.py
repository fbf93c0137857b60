"""The sentence view of a document: tokens with BIO tags for event triggers and entity mentions.

This is the view the ``sentences`` dataset config holds and the BIO scorer reads. A mention belongs to
the sentence that contains its first character; tokens are mapped with :mod:`newsevents.bio`'s
alignment modes (``expand`` by default). Mentions that BIO cannot hold (overlaps, nesting) are
listed in ``dropped_triggers`` / ``dropped_entities``, never silently lost.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from newsevents.bio import LabeledSpan, spans_to_tags
from newsevents.document import Document


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
    entity_tags: tuple[str, ...]
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
            entity_tags=entity_tagging.tags,
            dropped_triggers=trigger_tagging.dropped,
            dropped_entities=entity_tagging.dropped,
        )
