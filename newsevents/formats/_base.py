"""What every format converter shares: the :class:`Format` base class and its registry, the
:class:`ConversionReport` a write returns, token windows over a document, and texts rebuilt from tokens.

Layers
------
A format declares in :attr:`Format.lossless` which layers of a :class:`~newsevents.document.Document`
survive a write followed by a read. The names are the keys of :data:`LAYERS`.
"""

from __future__ import annotations

import inspect
import logging
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from newsevents.errors import suggest
from newsevents.bio import ALIGNMENT_MODES, token_range
from newsevents.document import Document, Segment, _optional, _require
from newsevents.errors import FormatError, NewsEventsError
from newsevents.registry import Registry, UnknownNameError

logger = logging.getLogger("newsevents.formats")
# A library logs for applications that configure logging; without this, Python's last-resort handler
# printed every warning to stderr, beside the command line's own report of the same thing.
logger.addHandler(logging.NullHandler())

#: The layers a format may keep through a round trip (the vocabulary of :attr:`Format.lossless`).
LAYERS = {
    "text": "the document text, character for character (so every offset too)",
    "meta": "the document's metadata",
    "paragraphs": "paragraph segments and their kinds",
    "sentences": "sentence boundaries",
    "tokens": "token boundaries",
    "entities": "entity mention spans and types",
    "clusters": "entity coreference, as a partition of the mentions (cluster ids may be renamed)",
    "triggers": "event mention trigger spans and types",
    "arguments": "entity-valued arguments: role and the span of the filling mention",
    "event_arguments": "event-valued arguments (claims of responsibility, accusations)",
    "realis": "event realis",
    "hoppers": "event coreference (hoppers)",
}


class ConversionError(NewsEventsError):
    """Documents a format cannot hold (a span off token boundaries, no tokens), or a bad option."""


class UnknownFormatError(UnknownNameError):
    """A format name that is not registered."""


@dataclass(frozen=True)
class Dropped:
    """One annotation a write could not represent in the target format.

    Attributes
    ----------
    document : str
        Id of the document.
    mention : str
        Id of the mention concerned (the event, for an argument).
    reason : str
        A stable code: ``event_argument`` (the format has no event-valued arguments),
        ``crosses_window`` (a span over two windows or sentences), ``argument_outside_window`` (an
        argument filled by a mention of another window), ``argument_of_dropped`` (its filler was
        dropped), ``overlap`` (BIO cannot hold overlapping spans).
    message : str
        What was dropped, in words.
    """

    document: str
    mention: str
    reason: str
    message: str

    def __str__(self) -> str:
        return f"document {self.document!r}, mention {self.mention!r}: {self.message} ({self.reason})"


@dataclass(frozen=True)
class ConversionReport:
    """What a write did: how much it wrote, where, and what the format could not hold."""

    format: str
    paths: tuple[str, ...]
    documents: int
    records: int
    dropped: tuple[Dropped, ...] = ()

    def counts(self) -> dict[str, int]:
        """Dropped items per reason."""
        return dict(Counter(d.reason for d in self.dropped))

    def summary(self) -> str:
        """One line for a log or a terminal."""
        line = f"wrote {self.documents} documents ({self.records} records) as {self.format} to {', '.join(self.paths)}"
        if self.dropped:
            detail = ", ".join(f"{n} {reason}" for reason, n in sorted(self.counts().items()))
            line += f"; dropped {len(self.dropped)} items the format cannot hold: {detail}"
        return line


class Format:
    """A converter between :class:`~newsevents.document.Document` lists and one file format.

    Subclasses set the class attributes and implement :meth:`read` and :meth:`write`, whose keyword
    options are the format's options (the registry checks option names against these signatures).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    #: Keys of :data:`LAYERS` that survive ``read(write(documents))``.
    lossless: ClassVar[tuple[str, ...]]

    def read(self, path: str | Path, **options: Any) -> list[Document]:
        raise NotImplementedError

    def write(self, path: str | Path, documents: Iterable[Document], **options: Any) -> ConversionReport:
        raise NotImplementedError

    def options(self, method: str) -> tuple[str, ...]:
        """The keyword options of ``read`` or ``write``."""
        parameters = inspect.signature(getattr(self, method)).parameters.values()
        return tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)

    def report(self, paths: Sequence[str | Path], documents: int, records: int, dropped: Sequence[Dropped]) -> ConversionReport:
        """Build the report of a write and log a warning when something was dropped."""
        report = ConversionReport(self.name, tuple(str(p) for p in paths), documents, records, tuple(dropped))
        if dropped:
            logger.warning("%s", report.summary())
        return report


#: The registered formats by name; add one with :func:`register`.
FORMATS: Registry[Format] = Registry("format", error=UnknownFormatError)


def register(cls: type[Format]) -> type[Format]:
    """Class decorator: register an instance of ``cls`` under ``cls.name``."""
    unknown = [layer for layer in cls.lossless if layer not in LAYERS]
    if unknown:
        raise ValueError(f"format {cls.name!r} declares unknown layers {unknown}; valid: {', '.join(LAYERS)}")
    FORMATS.register(cls.name, cls())
    return cls


def choice(option: str, value: Any, choices: Sequence[str]) -> str:
    """Check an option that takes one of ``choices``; the error names the option and the choices."""
    if value not in choices:
        raise ConversionError(f"option {option}={value!r} is not one of {', '.join(map(repr, choices))}; "
                              f"{suggest(str(value), list(choices))}")
    return value


# --- writing: tokens, windows and spans -------------------------------------------------------


@dataclass(frozen=True)
class TokenWindow:
    """A run of tokens written as one unit (a sentence, or the whole document).

    ``start``/``end`` are character offsets of the unit's text; ``first``/``last`` index
    ``document.tokens`` (end-exclusive).
    """

    index: int
    start: int
    end: int
    first: int
    last: int


def token_windows(document: Document, unit: str = "sentence") -> list[TokenWindow]:
    """The non-empty sentences of ``document`` as token windows (``unit="document"``: one window).

    A document without sentences is one window. Raises :class:`ConversionError` when the document
    has text but no tokens, or a token lies outside every sentence.
    """
    tokens = document.tokens
    if not tokens:
        if document.text.strip():
            raise ConversionError(
                "the document has no tokens; this format counts in tokens: segment it first "
                "(newsevents.corpus.segment.Segmenter)", document=document.id)
        return []
    if unit == "document" or not document.sentences:
        return [TokenWindow(0, 0, len(document.text), 0, len(tokens))]
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    windows: list[TokenWindow] = []
    covered = 0
    for sentence in document.sentences:
        first, last = bisect_left(starts, sentence.start), bisect_right(ends, sentence.end)
        if first < last:
            if first != covered:
                break
            windows.append(TokenWindow(len(windows), sentence.start, sentence.end, first, last))
            covered = last
    if covered != len(tokens):
        token = tokens[covered]
        raise ConversionError(
            f"token {covered} [{token.start}:{token.end}] {document.text[token.start:token.end]!r} lies outside "
            "every sentence; each token must lie inside a sentence", document=document.id, field=f"tokens[{covered}]")
    return windows


@dataclass(frozen=True)
class Located:
    """A character span mapped onto tokens: the window of its first token and its token range."""

    window: TokenWindow
    first: int
    last: int
    start: int
    end: int

    @property
    def crosses(self) -> bool:
        """Whether the span runs past the end of its window."""
        return self.last > self.window.last


class TokenIndex:
    """Map character spans of one document onto its tokens and windows.

    Parameters
    ----------
    document : Document
    windows : list of TokenWindow
        From :func:`token_windows`.
    alignment : {"strict", "contract", "expand"}
        As in :func:`newsevents.bio.token_range`: ``strict`` takes only spans that start and end on
        token boundaries, ``expand`` widens a span to the tokens it touches.
    """

    def __init__(self, document: Document, windows: Sequence[TokenWindow], alignment: str = "strict") -> None:
        self.document = document
        self.alignment = choice("alignment", alignment, ALIGNMENT_MODES)
        self.starts = [t.start for t in document.tokens]
        self.ends = [t.end for t in document.tokens]
        self.window_of = [0] * len(document.tokens)
        for window in windows:
            self.window_of[window.first:window.last] = [window.index] * (window.last - window.first)
        self.windows = list(windows)

    def locate(self, kind: str, mention_id: str, start: int, end: int) -> Located:
        """Locate the span ``[start, end)`` of mention ``mention_id`` (``kind`` names it in errors)."""
        covered = token_range(self.starts, self.ends, start, end, self.alignment) if self.windows else None
        if covered is None:
            hint = "; pass alignment='expand' to widen spans to the tokens they touch" if self.alignment != "expand" else ""
            raise ConversionError(
                f"{kind} {mention_id!r} [{start}:{end}] {self.document.text[start:end]!r} does not map onto "
                f"tokens with alignment={self.alignment!r}{hint}", document=self.document.id)
        first, last = covered
        return Located(self.windows[self.window_of[first]], first, last, self.starts[first], self.ends[last - 1])

    def text(self, located: Located) -> str:
        return self.document.text[located.start:located.end]


def check_argument_targets(document: Document) -> None:
    """Raise :class:`ConversionError` for an argument naming no mention of the document."""
    entities = {e.id for e in document.entities}
    events = {e.id for e in document.events}
    for event in document.events:
        for argument in event.arguments:
            known = entities if argument.entity is not None else events
            if argument.target not in known:
                kind = "entity" if argument.entity is not None else "event"
                raise ConversionError(
                    f"event {event.id!r} has a {argument.role!r} argument naming {kind} {argument.target!r}, "
                    f"which the document does not have; {suggest(argument.target, sorted(known))}",
                    document=document.id)


def event_argument_dropped(document: Document, event_id: str, role: str, target: str, fmt: str) -> Dropped:
    return Dropped(document.id, event_id, "event_argument",
                   f"{role!r} argument filled by event {target!r}: {fmt} has no event-valued arguments")


# --- reading: rebuilding texts from tokens -----------------------------------------------------


def align_tokens(tokens: Sequence[str], text: str, start: int = 0, *, seek_first: bool = False) -> list[tuple[int, int]]:
    """Character offsets of ``tokens`` found in order in ``text`` from ``start``.

    Only whitespace may stand between two tokens (and before the first, unless ``seek_first``).
    Raises :class:`FormatError` naming the token that does not fit.
    """
    offsets: list[tuple[int, int]] = []
    position = start
    for i, token in enumerate(tokens):
        if not token:
            raise FormatError(f"token {i} is empty", field=f"tokens[{i}]")
        found = text.find(token, position)
        if found < 0 or (text[position:found].strip() and not (seek_first and i == 0)):
            raise FormatError(
                f"token {i} {token!r} is not the next token of the text at character {position} "
                f"({text[position:position + 20]!r}...); tokens must appear in the text in order, "
                "with only whitespace between them", field=f"tokens[{i}]")
        offsets.append((found, found + len(token)))
        position = found + len(token)
    return offsets


class TextAssembler:
    """Build a document text from pieces (sentences or windows), each a token list with its text.

    A piece without text is its tokens joined by single spaces; pieces are joined by ``separator``.
    """

    def __init__(self, separator: str = "\n") -> None:
        self.separator = separator
        self.parts: list[str] = []
        self.length = 0
        self.sentences: list[Segment] = []
        self.tokens: list[Segment] = []

    def add(self, tokens: Sequence[str], text: str | None = None) -> list[tuple[int, int]]:
        """Append a piece; returns the document offsets of its tokens."""
        if self.parts:
            self.parts.append(self.separator)
            self.length += len(self.separator)
        piece = " ".join(tokens) if text is None else text
        offsets = [(self.length + s, self.length + e) for s, e in align_tokens(tokens, piece)]
        self.sentences.append(Segment(self.length, self.length + len(piece)))
        self.tokens.extend(Segment(s, e) for s, e in offsets)
        self.parts.append(piece)
        self.length += len(piece)
        return offsets

    @property
    def text(self) -> str:
        return "".join(self.parts)


class IdAllocator:
    """Mention ids unique across a document's entities and events (the data contract)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str, prefix: str) -> str:
        """``wanted`` if free, else ``prefix:wanted`` (then with a counter)."""
        candidate, n = wanted, 1
        while candidate in self.used:
            candidate = f"{prefix}:{wanted}" if n == 1 else f"{prefix}:{wanted}#{n}"
            n += 1
        self.used.add(candidate)
        return candidate

    def fresh(self, letter: str) -> str:
        """The next free id ``T1``, ``T2``... (``letter`` ``T`` or ``E``)."""
        n = len(self.used) + 1
        while f"{letter}{n}" in self.used:
            n += 1
        return self.take(f"{letter}{n}", letter)


def string_list(obj: dict[str, Any], key: str) -> list[str]:
    """``obj[key]``, which must be a list of strings."""
    values = _require(obj, key, list, "")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise FormatError(f"{key}[{i}] must be a string, got {type(value).__name__} {value!r}", field=f"{key}[{i}]")
    return values


def token_bounds(obj: dict[str, Any], where: str, count: int) -> tuple[int, int]:
    """The ``start``/``end`` token offsets of ``obj``, checked against ``count`` tokens."""
    start, end = _require(obj, "start", int, where), _require(obj, "end", int, where)
    if not 0 <= start < end <= count:
        raise FormatError(f"token offsets [{start}, {end}) are out of range for {count} tokens "
                          "(0 <= start < end <= number of tokens, end-exclusive)", field=where)
    return start, end


@dataclass(frozen=True)
class TokenMention:
    """A mention read from a file with token offsets (end-exclusive); events carry their arguments."""

    id: str
    type: str
    start: int
    end: int
    arguments: tuple[tuple[str, str], ...] = ()  # (role, entity_id)


def token_mentions(obj: dict[str, Any], count: int, scope: str) -> tuple[list[TokenMention], list[TokenMention]]:
    """The ``entity_mentions`` and ``event_mentions`` of a TextEE window or a WikiEvents document.

    Token offsets are checked against ``count`` tokens, ids for uniqueness, and each argument's
    ``entity_id`` against the entity mentions of ``obj`` (``scope`` names them in the error).
    """
    entities: list[TokenMention] = []
    used: set[str] = set()

    def new_id(mention: dict[str, Any], where: str) -> str:
        mention_id = _require(mention, "id", str, where)
        if mention_id in used:
            raise FormatError(f"mention id {mention_id!r} is used twice in {scope}; ids must be unique", field=f"{where}.id")
        used.add(mention_id)
        return mention_id

    for i, mention in enumerate(_optional(obj, "entity_mentions", list, "") or []):
        where = f"entity_mentions[{i}]"
        mention_id = new_id(mention, where)
        entities.append(TokenMention(mention_id, _require(mention, "entity_type", str, where), *token_bounds(mention, where, count)))
    known = sorted(used)
    events: list[TokenMention] = []
    for i, mention in enumerate(_optional(obj, "event_mentions", list, "") or []):
        where = f"event_mentions[{i}]"
        event_id = new_id(mention, where)
        type_ = _require(mention, "event_type", str, where)
        start, end = token_bounds(_require(mention, "trigger", dict, where), f"{where}.trigger", count)
        arguments = []
        for j, argument in enumerate(_optional(mention, "arguments", list, where) or []):
            here = f"{where}.arguments[{j}]"
            target, role = _require(argument, "entity_id", str, here), _require(argument, "role", str, here)
            if target not in known:
                hint = suggest(target, known) if known else f"{scope} has no entity mentions"
                raise FormatError(f"event mention {event_id!r} has a {role!r} argument naming entity_id {target!r}, "
                                  f"which no entity mention of {scope} has; {hint}", field=f"{here}.entity_id")
            arguments.append((role, target))
        events.append(TokenMention(event_id, type_, start, end, tuple(arguments)))
    return entities, events


def looks_like(obj: Any) -> str | None:
    """The registered format whose lines have the keys of ``obj`` (a parsed JSONL line), if one clearly does.

    ``textee``: a ``wnd_id`` (one window a line), or ``doc_id`` with prediction ``events``;
    ``wikievents``: ``doc_id`` with WikiEvents ``sentences`` (``[[token, start, end], ...], text]``) and
    no ``wnd_id``; ``newsevents``: ``id`` and ``text`` and no ``doc_id``. ``None`` otherwise.
    """
    if not isinstance(obj, dict):
        return None
    if "wnd_id" in obj or ("doc_id" in obj and "events" in obj and "event_mentions" not in obj):
        return "textee"
    sentences = obj.get("sentences")
    if "doc_id" in obj and isinstance(sentences, list) and sentences and isinstance(sentences[0], list) \
            and len(sentences[0]) == 2 and isinstance(sentences[0][1], str):
        return "wikievents"
    if "id" in obj and "text" in obj and "doc_id" not in obj:
        return "newsevents"
    return None


def wrong_format(obj: Any, fmt: str) -> FormatError | None:
    """An error saying that ``obj`` looks like another format than ``fmt`` (see :func:`looks_like`), or ``None``."""
    guess = looks_like(obj)
    if guess is None or guess == fmt or guess not in FORMATS:
        return None
    return FormatError(f"this is not {fmt} input: the line looks like the {guess} format ({FORMATS.get(guess).description}); "
                       f"read the file as {guess} (convert --from {guess}, eval --gold-format/--pred-format {guess})")


@contextmanager
def reading(path: str | Path, line: int | None, document: str | None) -> Iterator[None]:
    """Fill in file, line and document of any :class:`NewsEventsError` raised inside the block."""
    try:
        yield
    except NewsEventsError as err:
        raise err.located(file=str(path), line=line, document=document) from None
