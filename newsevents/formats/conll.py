"""``conll``: CoNLL-style BIO (IOB2) of one layer, event triggers or entity mentions.

Layout
------
One token a line, ``token<TAB>tag``; a blank line ends a sentence; a line ``-DOCSTART- <doc id>``
(no tab) starts a document and is followed by a blank line::

    -DOCSTART- d1

    Police<TAB>O
    arrested<TAB>B-Justice.Arrest
    Ali<TAB>O
    .<TAB>O

    He<TAB>O
    ...

Tags are ``O``, ``B-<type>`` and ``I-<type>`` (:mod:`newsevents.bio`), decoded as seqeval's strict
IOB2 mode: an ``I-X`` that follows no ``B-X``/``I-X`` starts no span.

Writing
-------
Uses the sentence view (:func:`newsevents.bio.sentence_views`) of each document; option
``layer`` (``"triggers"``, default, or ``"entities"``) picks the tags written. A span off token boundaries
raises with ``alignment="strict"`` (default) as in ``textee``; spans BIO cannot hold (overlapping or
nested spans, a span over two sentences) are dropped and reported (``overlap``, ``crosses_window``).
Tokens and document ids may not contain tabs or line breaks.

Reading
-------
**Lossy.** The text is rebuilt: tokens joined by single spaces, sentences by ``"\\n"``. Each span of
the tags becomes an entity mention (``layer="entities"``, ids ``T1``, ``T2``...) or an event mention
with that trigger and no arguments (``layer="triggers"``, ids ``E1``, ``E2``...). Lines before the first
``-DOCSTART-`` form a document named after the file; a ``-DOCSTART-`` without an id gets
``<file stem>-<n>``.

With ``reference`` (the documents the file was written from, or their gold; ``newsevents eval
score --pred-format conll`` passes the gold), each document's tokens are found in order in the
reference document of the same id, and the result is that document with its entities and events
replaced by the spans read: offsets are then exactly the reference's, whatever the whitespace.

Loses: everything but tokens, sentence boundaries and the spans and types of one layer; the text's
whitespace, unless ``reference`` (offsets survive otherwise only when tokens were separated by single
spaces and sentences by one character).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsevents.bio import LabeledSpan, sentence_views, split_tag, tags_to_spans, token_range
from newsevents.document import Document, EntityMention, EventMention, Segment, Span
from newsevents.formats._base import (
    ConversionError,
    ConversionReport,
    Dropped,
    Format,
    TextAssembler,
    TokenIndex,
    align_tokens,
    choice,
    reading,
    register,
    token_windows,
)
from newsevents.errors import FormatError, suggest
from newsevents.jsonl import atomic_write

DOCSTART = "-DOCSTART-"
LAYER_CHOICES = ("triggers", "entities")
_FORBIDDEN = ("\t", "\n", "\r")


@dataclass
class _Parsed:
    """One document while it is read: sentences of ``(token, tag)``."""

    id: str
    line: int | None = None  # of its -DOCSTART- line
    sentences: list[list[tuple[str, str]]] = field(default_factory=lambda: [[]])

    def build(self, layer: str, reference: Document | None = None) -> Document:
        """The document read; with ``reference``, its tokens are found in the reference's text instead."""
        assembler = TextAssembler("\n")
        spans: list[tuple[str, int, int]] = []
        cursor = 0
        for sentence in self.sentences:
            if sentence:
                tokens = [token for token, _ in sentence]
                if reference is None:
                    offsets = assembler.add(tokens)
                else:
                    offsets = align_tokens(tokens, reference.text, cursor, seek_first=True)
                    cursor = offsets[-1][1]
                spans += [(label, offsets[first][0], offsets[last - 1][1])
                          for label, first, last in tags_to_spans([tag for _, tag in sentence])]
        text = assembler.text if reference is None else reference.text
        entities: tuple[EntityMention, ...] = ()
        events: tuple[EventMention, ...] = ()
        if layer == "entities":
            entities = tuple(EntityMention(f"T{n}", label, s, e, text[s:e]) for n, (label, s, e) in enumerate(spans, 1))
        else:
            events = tuple(EventMention(f"E{n}", label, Span(s, e, text[s:e])) for n, (label, s, e) in enumerate(spans, 1))
        if reference is not None:
            return replace(reference, entities=entities, events=events)
        return Document(self.id, text, sentences=tuple(assembler.sentences), tokens=tuple(assembler.tokens),
                        entities=entities, events=events)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` without its line break; a line that is not UTF-8 raises naming it."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FormatError(f"cannot open: {err.strerror}", file=str(path)) from None
    for number, raw in enumerate(data.removeprefix(codecs.BOM_UTF8).split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise FormatError(f"not UTF-8: {err.reason} at byte {err.start + 1}", file=str(path), line=number) from None
        yield number, line.rstrip("\r")


def _parse(path: Path) -> list[_Parsed]:
    documents: list[_Parsed] = []
    for number, line in _lines(path):
        current = documents[-1] if documents else None
        if not line.strip():
            if current is not None and current.sentences[-1]:
                current.sentences.append([])
        elif line.startswith(DOCSTART) and "\t" not in line:
            # The id is everything after "-DOCSTART- ", kept as it is.
            documents.append(_Parsed(line[len(DOCSTART) + 1:] or f"{path.stem}-{len(documents) + 1}", number))
        else:
            if current is None:
                current = _Parsed(path.stem)
                documents.append(current)
            with reading(path, number, current.id):
                fields = line.split("\t")
                if len(fields) != 2 or not fields[0]:
                    raise FormatError(f"expected token<TAB>tag, got {line!r}")
                try:
                    split_tag(fields[1])
                except ValueError as err:
                    raise FormatError(str(err)) from None
            current.sentences[-1].append((fields[0], fields[1]))
    return documents


@register
class CoNLL(Format):
    name = "conll"
    description = "CoNLL BIO: token<TAB>tag, blank line between sentences, -DOCSTART- <id> between documents"
    #: Of "entities" and "triggers", only the layer written survives, and without arguments.
    lossless = ("sentences", "tokens", "entities", "triggers")

    def read(
        self, path: str | Path, *, layer: str = "triggers",
        reference: Iterable[Document] | Mapping[str, Document] | None = None,
    ) -> list[Document]:
        """Read BIO tags of ``layer`` (``"triggers"`` or ``"entities"``) into documents (lossy).

        Parameters
        ----------
        layer : {"triggers", "entities"}, default "triggers"
        reference : documents or {id: document}, optional
            The documents the file was written from (or their gold): each ``-DOCSTART-`` id must be one
            of them, its tokens are found in order in that document's text, and the result is that
            document with its entities and events replaced by the spans read. Offsets are then exactly
            the reference's, whatever the whitespace.
        """
        choice("layer", layer, LAYER_CHOICES)
        path = Path(path)
        parsed = _parse(path)
        if reference is None:
            return [p.build(layer) for p in parsed]
        references = dict(reference) if isinstance(reference, Mapping) else {d.id: d for d in reference}
        documents = []
        for p in parsed:
            with reading(path, p.line, p.id):
                if p.id not in references:
                    named = "no -DOCSTART- line names it" if p.line is None else f"its -DOCSTART- line names {p.id!r}"
                    raise FormatError(f"document {p.id!r} is not among the {len(references)} reference documents "
                                      f"({named}); {suggest(p.id, sorted(references)) if references else 'there are none'}")
                documents.append(p.build(layer, references[p.id]))
        return documents

    def write(
        self, path: str | Path, documents: Iterable[Document], *, layer: str = "triggers", alignment: str = "strict",
    ) -> ConversionReport:
        """Write the BIO tags of ``layer``; returns the report with the spans BIO could not hold.

        Parameters
        ----------
        layer : {"triggers", "entities"}, default "triggers"
        alignment : {"strict", "contract", "expand"}, default "strict"
        """
        choice("layer", layer, LAYER_CHOICES)
        documents = list(documents)
        dropped: list[Dropped] = []
        sentences = 0
        with atomic_write(path) as handle:
            for document in documents:
                if any(c in document.id for c in _FORBIDDEN):
                    raise ConversionError("a document id with a tab or line break cannot be written to CoNLL",
                                          document=document.id)
                handle.write(f"{DOCSTART} {document.id}\n\n")
                for tokens, tags in self._sentences(document, layer, alignment, dropped):
                    handle.write("".join(f"{token}\t{tag}\n" for token, tag in zip(tokens, tags)) + "\n")
                    sentences += 1
        return self.report([path], len(documents), sentences, dropped)

    def _sentences(
        self, document: Document, layer: str, alignment: str, dropped: list[Dropped],
    ) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
        index = TokenIndex(document, token_windows(document), alignment)
        if layer == "entities":
            mentions = [(e.id, LabeledSpan(e.start, e.end, e.type)) for e in document.entities]
        else:
            mentions = [(e.id, LabeledSpan(e.trigger.start, e.trigger.end, e.type)) for e in document.events]
        ids: dict[LabeledSpan, list[str]] = {}
        for mention_id, span in mentions:
            index.locate("entity" if layer == "entities" else "trigger of event", mention_id, span.start, span.end)
            ids.setdefault(span, []).append(mention_id)
        if not document.sentences:
            document = replace(document, sentences=(Segment(0, len(document.text)),))
        for view in sentence_views(document, mode=alignment):
            if not view.tokens:
                continue
            for token in view.tokens:
                if any(c in token for c in _FORBIDDEN):
                    raise ConversionError(f"token {token!r} of sentence {view.index} has a tab or line break, "
                                          "which CoNLL cannot hold", document=document.id)
            for span in view.dropped_entities if layer == "entities" else view.dropped_triggers:
                inside = token_range(view.token_starts, view.token_ends, span.start, span.end, alignment)
                reason, what = ("overlap", "overlaps another span") if inside else ("crosses_window", "runs over two sentences")
                dropped.append(Dropped(document.id, ids[span].pop(0), reason,
                                       f"{span.label} span [{span.start}:{span.end}] {what}; BIO cannot hold it"))
            yield view.tokens, view.argument_entity_tags if layer == "entities" else view.trigger_tags
