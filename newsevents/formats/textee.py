"""``textee``: the JSONL of TextEE (Huang et al. 2024) and OneIE, one window a line, token offsets.

Layout
------
One JSON object a line; a line is one window (a sentence, or a whole document) of one document::

    {"doc_id": "d1", "wnd_id": "d1_0", "text": "Police arrested Ali .",
     "tokens": ["Police", "arrested", "Ali", "."],
     "entity_mentions": [{"id": "T1", "entity_type": "ORG", "start": 0, "end": 1, "text": "Police"},
                         {"id": "T2", "entity_type": "PER", "start": 2, "end": 3, "text": "Ali"}],
     "event_mentions": [{"id": "E1", "event_type": "Justice.Arrest",
                         "trigger": {"start": 1, "end": 2, "text": "arrested"},
                         "arguments": [{"entity_id": "T1", "role": "Agent", "start": 0, "end": 1, "text": "Police"},
                                       {"entity_id": "T2", "role": "Detainee", "start": 2, "end": 3, "text": "Ali"}]}]}

``start``/``end`` are token offsets into the window's ``tokens``, end-exclusive; an argument names an
entity mention of the same window by ``entity_id``. This is what TextEE's preprocessing writes
(``data/preprocessing/wikievents/process_wikievents.py``: ``wnd_id`` ``f"{doc_id}_{i}"``, window-relative
offsets, arguments with ``entity_id``/``role``/``text``/``start``/``end``;
``data/preprocessing/ace05/process_ace05_en.py`` adds ``entity_subtype``, ``mention_type``,
``relation_mentions`` and ``lang``, which are ignored here) and what its models read
(``TextEE/models/OneIE/data.py``, ``E2Etrainer.py``: keys ``doc_id``, ``wnd_id``, ``tokens``,
``entity_mentions``, ``event_mentions``).

Reading also accepts TextEE's *prediction* windows (``TextEE/models/*/E2Etrainer.py`` ``predict``):
``{"doc_id", "wnd_id", "tokens", "events": [{"trigger": [start, end, type], "arguments": [[start, end,
role], ...]}]}``; each distinct argument span becomes an entity mention of type ``argument_type``.

Writing
-------
``window`` chooses what a line is: ``"document"`` (default) one line per document, as TextEE's
WikiEvents preprocessing writes when a document fits its window; ``"sentence"`` one line per sentence;
``"tokens:N"`` consecutive whole sentences packed into windows of at most ``N`` tokens (TextEE's
multi-sentence segments; a sentence longer than ``N`` is a window of its own, never cut). ``wnd_id``
is ``f"{doc_id}_{i}"``, ``i`` counting the windows of the document from 0, as in TextEE. The
harness keys tuples by document; TextEE keys them by window, so the two agree exactly when no
argument crosses a window: with ``"document"`` none does. ``drop_log`` (a path) gets one JSON line
per dropped item (document, mention, reason, message): the ids of every argument that had to go. Spans map onto tokens with ``alignment`` (``"strict"``: a span off token boundaries raises
:class:`~newsevents.formats.ConversionError` naming document and mention; ``"expand"`` widens it).
The report's ``dropped`` lists what TextEE cannot hold: event-valued arguments (``event_argument``),
mentions over two windows (``crosses_window``), arguments whose filler is in another window
(``argument_outside_window``, as TextEE's own preprocessing drops them) or was dropped.

Reading
-------
Windows with the same ``doc_id`` are merged, in file order, into one document; each window becomes a
sentence. Character offsets come from aligning the tokens on the window ``text`` (on the tokens joined
by single spaces when ``text`` is absent or ``use_text=False``); windows are joined by ``separator``.
With ``reference`` (the documents the file was written from, or their gold), the tokens are aligned
on the reference document's own text instead, and the result is the reference document with its
entities and events replaced: offsets are then exactly the reference's, whatever the whitespace.
Ids are kept; an id used twice in one window raises, one already taken by another window of the
document is prefixed with the window id (``"d1_2:T1"``).

Loses: the text between windows and its whitespace (unless ``reference``), meta, paragraphs,
clusters, realis, hoppers, event-valued arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsevents.errors import suggest
from newsevents.document import Argument, Document, EntityMention, EventMention, Span, _optional, _require
from newsevents.formats._base import (
    ConversionError,
    ConversionReport,
    Dropped,
    Format,
    IdAllocator,
    Located,
    TextAssembler,
    TokenIndex,
    TokenWindow,
    align_tokens,
    check_argument_targets,
    choice,
    event_argument_dropped,
    reading,
    register,
    string_list,
    token_bounds,
    token_mentions,
    token_windows,
    wrong_format,
)
from newsevents.errors import FormatError
from newsevents.jsonl import read_records, write_records

WINDOWS = ("sentence", "document", "tokens:N")


def parse_window(window: str) -> tuple[str, int | None]:
    """``"document"`` / ``"sentence"`` -> ``(unit, None)``; ``"tokens:N"`` -> ``("tokens", N)``.

    Raises :class:`~newsevents.formats.ConversionError` naming the choices for anything else.
    """
    if isinstance(window, str) and window.startswith("tokens:"):
        size = window.partition(":")[2]
        if size.isdigit() and int(size) > 0:
            return "tokens", int(size)
        raise ConversionError(f"option window={window!r}: N in tokens:N must be a positive whole number of tokens, "
                              "for example tokens:400")
    return choice("window", window, WINDOWS), None


def packed_windows(document: Document, size: int) -> list[TokenWindow]:
    """Consecutive whole sentences of ``document`` packed into windows of at most ``size`` tokens.

    A sentence longer than ``size`` is a window by itself (never cut: a cut could split a span).
    """
    windows: list[TokenWindow] = []
    for sentence in token_windows(document, "sentence"):
        last = windows[-1] if windows else None
        if last is not None and sentence.last - last.first <= size:
            windows[-1] = TokenWindow(last.index, last.start, sentence.end, last.first, sentence.last)
        else:
            windows.append(TokenWindow(len(windows), sentence.start, sentence.end, sentence.first, sentence.last))
    return windows


def _span(index: TokenIndex, at: Located) -> dict[str, Any]:
    """Window-relative token offsets and text of a located span."""
    return {"start": at.first - at.window.first, "end": at.last - at.window.first, "text": index.text(at)}


def _triple(value: Any, where: str, count: int) -> tuple[int, int, str]:
    """A prediction tuple ``[start, end, label]`` with token offsets checked against ``count``."""
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[2], str)):
        raise FormatError(f"expected [start, end, label], got {value!r}", field=where)
    start, end = token_bounds({"start": value[0], "end": value[1]}, where, count)
    return start, end, value[2]


class _MergedDocument:
    """The windows of one document, read one at a time and merged."""

    def __init__(self, doc_id: str, reference: Document | None, separator: str) -> None:
        self.id = doc_id
        self.reference = reference
        self.assembler = TextAssembler(separator)
        self.cursor = 0
        self.windows = 0
        self.ids = IdAllocator()
        self.entities: list[tuple[str, str, int, int]] = []
        self.events: list[tuple[str, str, int, int, tuple[Argument, ...]]] = []
        self.argument_entities: dict[tuple[int, int], str] = {}

    def add(self, obj: dict[str, Any], *, use_text: bool, argument_type: str) -> None:
        tokens = string_list(obj, "tokens")
        wnd_id = _optional(obj, "wnd_id", str, "") or f"{self.id}_{self.windows}"
        self.windows += 1
        if self.reference is not None:
            offsets = align_tokens(tokens, self.reference.text, self.cursor, seek_first=True)
            self.cursor = offsets[-1][1] if offsets else self.cursor
        else:
            offsets = self.assembler.add(tokens, _optional(obj, "text", str, "") if use_text else None)
        if "event_mentions" not in obj and "entity_mentions" not in obj and "events" in obj:
            self._add_predictions(obj, offsets, argument_type)
        else:
            self._add_mentions(obj, offsets, wnd_id)

    def _add_mentions(self, obj: dict[str, Any], offsets: list[tuple[int, int]], wnd_id: str) -> None:
        entities, events = token_mentions(obj, len(offsets), f"window {wnd_id!r}")
        local = {}
        for m in entities:
            local[m.id] = self.ids.take(m.id, wnd_id)
            self.entities.append((local[m.id], m.type, offsets[m.start][0], offsets[m.end - 1][1]))
        for m in events:
            arguments = tuple(Argument(role, entity=local[target]) for role, target in m.arguments)
            self.events.append((self.ids.take(m.id, wnd_id), m.type, offsets[m.start][0], offsets[m.end - 1][1], arguments))

    def _add_predictions(self, obj: dict[str, Any], offsets: list[tuple[int, int]], argument_type: str) -> None:
        count = len(offsets)
        for i, event in enumerate(_require(obj, "events", list, "")):
            where = f"events[{i}]"
            start, end, type_ = _triple(_require(event, "trigger", list, where), f"{where}.trigger", count)
            arguments = []
            for j, value in enumerate(_optional(event, "arguments", list, where) or []):
                first, last, role = _triple(value, f"{where}.arguments[{j}]", count)
                span = (offsets[first][0], offsets[last - 1][1])
                if span not in self.argument_entities:
                    self.argument_entities[span] = self.ids.fresh("T")
                    self.entities.append((self.argument_entities[span], argument_type, *span))
                arguments.append(Argument(role, entity=self.argument_entities[span]))
            self.events.append((self.ids.fresh("E"), type_, offsets[start][0], offsets[end - 1][1], tuple(arguments)))

    def build(self) -> Document:
        text = self.reference.text if self.reference is not None else self.assembler.text
        entities = tuple(EntityMention(i, t, s, e, text[s:e]) for i, t, s, e in self.entities)
        events = tuple(EventMention(i, t, Span(s, e, text[s:e]), arguments) for i, t, s, e, arguments in self.events)
        if self.reference is not None:
            return replace(self.reference, entities=entities, events=events)
        return Document(self.id, text, sentences=tuple(self.assembler.sentences), tokens=tuple(self.assembler.tokens),
                        entities=entities, events=events)


@register
class TextEE(Format):
    name = "textee"
    description = "TextEE / OneIE JSONL: one window (sentence or document) per line, token offsets"
    #: "sentences" with window="sentence"; "arguments" within one window (every one with the default window="document").
    lossless = ("sentences", "tokens", "entities", "triggers", "arguments")

    def read(
        self,
        path: str | Path,
        *,
        use_text: bool = True,
        reference: Iterable[Document] | Mapping[str, Document] | None = None,
        separator: str = "\n",
        argument_type: str = "UNK",
    ) -> list[Document]:
        """Read windows and merge them into documents (see the module docstring).

        Parameters
        ----------
        use_text : bool, default True
            Align tokens on each window's ``text``; ``False`` joins the tokens by single spaces.
        reference : documents or {id: document}, optional
            Align tokens on these documents' texts and return them with the annotations read.
        separator : str, default "\\n"
            What stands between two windows of a document in the rebuilt text.
        argument_type : str, default "UNK"
            Entity type of the argument spans of prediction windows.
        """
        references = dict(reference) if isinstance(reference, Mapping) else (
            {d.id: d for d in reference} if reference is not None else None)
        merged: dict[str, _MergedDocument] = {}
        for line, obj in read_records(path):
            doc_id = obj.get("doc_id") if isinstance(obj.get("doc_id"), str) else None
            with reading(path, line, doc_id):
                mismatch = wrong_format(obj, self.name)
                if mismatch is not None:
                    raise mismatch
                doc_id = _require(obj, "doc_id", str, "")
                if doc_id not in merged:
                    if references is not None and doc_id not in references:
                        raise FormatError(f"document {doc_id!r} is not among the {len(references)} reference "
                                          f"documents; {suggest(doc_id, sorted(references))}", field="doc_id")
                    merged[doc_id] = _MergedDocument(doc_id, references[doc_id] if references else None, separator)
                merged[doc_id].add(obj, use_text=use_text, argument_type=argument_type)
        return [m.build() for m in merged.values()]

    def write(
        self, path: str | Path, documents: Iterable[Document], *, window: str = "document", alignment: str = "strict",
        drop_log: str | Path | None = None,
    ) -> ConversionReport:
        """Write one line per window; returns the report with what TextEE could not hold.

        Parameters
        ----------
        window : {"document", "sentence", "tokens:N"}, default "document"
            What one line is (see the module docstring).
        alignment : {"strict", "contract", "expand"}, default "strict"
        drop_log : path, optional
            Write one JSON line per dropped item there (``document``, ``mention``, ``reason``,
            ``message``); nothing is written when nothing was dropped.
        """
        unit, size = parse_window(window)
        documents = list(documents)
        dropped: list[Dropped] = []
        records = [r for document in documents for r in self._records(document, unit, alignment, dropped, size)]
        count = write_records(path, records)
        if drop_log is not None and dropped:
            write_records(drop_log, [{"document": d.document, "mention": d.mention, "reason": d.reason, "message": d.message}
                                     for d in dropped])
        return self.report([path], len(documents), count, dropped)

    def _records(self, document: Document, unit: str, alignment: str, dropped: list[Dropped],
                 size: int | None = None) -> Iterator[dict[str, Any]]:
        check_argument_targets(document)
        windows = packed_windows(document, size) if unit == "tokens" and size is not None else token_windows(document, unit)
        index = TokenIndex(document, windows, alignment)
        entities: list[list[dict[str, Any]]] = [[] for _ in windows]
        events: list[list[dict[str, Any]]] = [[] for _ in windows]

        def crossing(mention_id: str, what: str, at: Located) -> bool:
            if at.crosses:
                dropped.append(Dropped(document.id, mention_id, "crosses_window",
                                       f"{what} [{at.start}:{at.end}] runs over two {unit} windows"))
            return at.crosses

        placed: dict[str, Located] = {}
        for entity in document.entities:
            at = index.locate("entity", entity.id, entity.start, entity.end)
            if not crossing(entity.id, "entity", at):
                placed[entity.id] = at
                entities[at.window.index].append({"id": entity.id, "entity_type": entity.type, **_span(index, at)})
        for event in document.events:
            at = index.locate("trigger of event", event.id, event.trigger.start, event.trigger.end)
            if crossing(event.id, "trigger", at):
                continue
            arguments = []
            for argument in event.arguments:
                filler = placed.get(argument.entity) if argument.entity is not None else None
                if argument.event is not None:
                    dropped.append(event_argument_dropped(document, event.id, argument.role, argument.event, "TextEE"))
                elif filler is None:
                    dropped.append(Dropped(document.id, event.id, "argument_of_dropped",
                                           f"{argument.role!r} argument filled by dropped entity {argument.entity!r}"))
                elif filler.window != at.window:
                    dropped.append(Dropped(document.id, event.id, "argument_outside_window",
                                           f"{argument.role!r} argument filled by entity {argument.entity!r} "
                                           f"of another {unit} window"))
                else:
                    arguments.append({"entity_id": argument.entity, "role": argument.role, **_span(index, filler)})
            events[at.window.index].append(
                {"id": event.id, "event_type": event.type, "trigger": _span(index, at), "arguments": arguments})
        for w in windows:
            yield {
                "doc_id": document.id,
                "wnd_id": f"{document.id}_{w.index}",
                "text": document.text[w.start:w.end],
                "tokens": [document.text[t.start:t.end] for t in document.tokens[w.first:w.last]],
                "entity_mentions": entities[w.index],
                "event_mentions": events[w.index],
            }
