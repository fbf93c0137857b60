"""Convert between our documents and Label Studio tasks, predictions and annotation results.

Push side
    :func:`document_to_tasks` turns one :class:`~newsevents.document.Document` into one task, or one
    task per chunk of whole paragraphs when the text is longer than ``max_chars``, with the document's
    annotations as one prediction. :func:`task_dedupe_key` names a task so re-pushing is idempotent.

Pull side
    :func:`document_from_results` reads the ``result`` list of one annotation (or prediction) of one
    task back into a document and collects every problem as a :class:`ResultProblem` naming the task
    and the region; :func:`merge_chunks` reassembles the chunks of one document.

Offsets
    Our offsets are code points (Python string indexing), and so are Label Studio 1.23.2's: its
    frontend counts code points when an annotator selects text and reads imported results as code
    points, and its server stores whatever it is given unchanged (measured in
    ``annotation/notes/label-studio-offsets.md``). Frontends before 2022 and JavaScript tools counted
    UTF-16 code units, which differ after every character outside the Basic Multilingual Plane (most
    emoji). So :func:`document_to_tasks` writes code points unchanged with ``text = text[start:end]``,
    and :func:`document_from_results` decides the unit of each region with :func:`match_unit`: the
    task text sliced both ways is compared with the region's stored ``text``, exactly first, then
    with white space normalised (the frontend stores the browser's selection string, in which a line
    break is the two characters ``\\n`` and runs of white space are one space).

The result shapes follow Label Studio's (``labels`` regions with ``value.start/end/text/labels``;
per-region ``choices`` and ``textarea`` results sharing the region's ``id``; ``relation`` results with
``from_id``, ``to_id``, ``direction`` and ``labels``); the control names come from
:mod:`newsevents.annotation.label_config`.

Example
-------
>>> from newsevents.document import Argument, Document, EntityMention, EventMention, Span
>>> doc = Document("d1", "🚨 Police arrested Azzam.",
...                entities=(EntityMention("T1", "PER", 18, 23, "Azzam"),),
...                events=(EventMention("E1", "Justice.Arrest", Span(9, 17, "arrested"),
...                                     (Argument("Detainee", entity="T1"),), realis="actual"),))
>>> tasks, report = document_to_tasks(doc)
>>> [r["type"] for r in tasks[0]["predictions"][0]["result"]]
['labels', 'choices', 'labels', 'relation']
>>> back, problems = document_from_results(tasks[0]["data"], tasks[0]["predictions"][0]["result"],
...                                        task_id=1, annotator="a@example.org")
>>> (back.events[0].trigger.text, back.events[0].arguments, problems)
('arrested', (Argument(role='Detainee', entity='T1', event=None),), [])
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

from newsevents.annotation.label_config import CLUSTER, HOPPER, MENTION, REALIS, TEXT, TRIGGER
from newsevents.errors import suggest
from newsevents.ontology import Schema
from newsevents.document import Argument, Document, EntityMention, EventMention, Span, text_sha256
from newsevents.errors import FormatError
from newsevents.validation import Problem, validate

#: Offset units: Unicode code points (Python ``str`` indexing) and UTF-16 code units (JavaScript ``String``).
CODE_POINTS, UTF16 = "code points", "UTF-16 code units"
UNITS = (CODE_POINTS, UTF16)

#: The unit Label Studio 1.23.2 stores in ``value.start`` / ``value.end`` of a Text region, and the
#: unit :func:`document_to_tasks` writes (see ``annotation/notes/label-studio-offsets.md``).
LABEL_STUDIO_UNIT = CODE_POINTS

_REGION_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")  # Label Studio cuts region ids at "#" and puts them in CSS classes


# --------------------------------------------------------------------------------------------------
# Offsets
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _astral(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Code point offsets and UTF-16 offsets of the characters of ``text`` outside the BMP.

    Each of them is a surrogate pair in UTF-16: the k-th (0-based) starts at UTF-16 offset ``i + k``.
    """
    if text.isascii():
        return (), ()
    positions = tuple(i for i, char in enumerate(text) if char > "\uffff")
    return positions, tuple(i + k for k, i in enumerate(positions))


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unknown offset unit {unit!r}; valid: {', '.join(map(repr, UNITS))}")
    return unit


def to_label_studio_offset(text: str, i: int, *, unit: str = LABEL_STUDIO_UNIT) -> int:
    """The Label Studio offset of code point offset ``i`` in ``text``.

    Parameters
    ----------
    text : str
        The task text the offset refers to.
    i : int
        A code point offset, ``0 <= i <= len(text)``.
    unit : str, default :data:`LABEL_STUDIO_UNIT`
        :data:`CODE_POINTS` (identity) or :data:`UTF16` (``i`` plus the number of characters outside
        the Basic Multilingual Plane before it).

    Raises
    ------
    ValueError
        ``i`` is outside the text, or ``unit`` is unknown.
    """
    if not 0 <= i <= len(text):
        raise ValueError(f"offset {i} is outside the text, whose offsets run from 0 to {len(text)} (code points)")
    if _check_unit(unit) == CODE_POINTS:
        return i
    return i + bisect_left(_astral(text)[0], i)


def from_label_studio_offset(text: str, j: int, *, unit: str = LABEL_STUDIO_UNIT) -> int | None:
    """The code point offset of Label Studio offset ``j`` in ``text``, or ``None`` when there is none.

    Strict, as spaCy's ``char_span``: ``None`` when ``j`` is outside the text or, in UTF-16, falls
    between the two halves of a surrogate pair; never a guess.
    """
    if _check_unit(unit) == CODE_POINTS:
        return j if 0 <= j <= len(text) else None
    starts = _astral(text)[1]
    if not 0 <= j <= len(text) + len(starts):
        return None
    before = bisect_left(starts, j)  # astral characters starting before j
    if before and starts[before - 1] + 1 == j:
        return None
    return j - before


def _slice(text: str, start: int, end: int, unit: str) -> str | None:
    """``text[start:end]`` with offsets in ``unit``; ``None`` when they do not fall on characters."""
    begin, finish = from_label_studio_offset(text, start, unit=unit), from_label_studio_offset(text, end, unit=unit)
    if begin is None or finish is None or begin > finish:
        return None
    return text[begin:finish]


_SELECTION_SPACE = re.compile(r"(?:\\n|\s)+")


def _loose(text: str) -> str:
    """``text`` as the frontend's selection string may give it: ``\\n`` and white space runs as one space."""
    return _SELECTION_SPACE.sub(" ", text).strip()


class UnitMatch(NamedTuple):
    """How a region's offsets fit the task text (see :func:`match_unit`).

    Attributes
    ----------
    unit : str or None
        :data:`CODE_POINTS` or :data:`UTF16`; ``None`` when the stored text fits neither.
    exact : bool
        The slice equals the stored text (else it equals it with white space normalised).
    ambiguous : bool
        Both units fit, at different characters; ``unit`` is then :data:`CODE_POINTS`, what the
        current frontend shows, and a person should look.
    """

    unit: str | None
    exact: bool = True
    ambiguous: bool = False


def _same_in_both_units(text: str, start: int, end: int) -> bool:
    return all(from_label_studio_offset(text, j, unit=UTF16) == j for j in (start, end))


def match_unit(text: str, start: int, end: int, span_text: str) -> UnitMatch:
    """Which unit makes ``[start, end)`` cover ``span_text`` in ``text``.

    Slices ``text`` in code points and in UTF-16 code units and compares each slice with
    ``span_text``: exactly, then, if neither is equal, with white space normalised (a literal ``\\n``
    and every run of white space as one space, ends stripped), as the frontend's selection string
    has it. When both units fit at different characters, code points win and the match is flagged
    ``ambiguous``; when the offsets are the same in both units (no astral character before
    ``end``), code points are returned, not ambiguous.
    """
    slices = {unit: _slice(text, start, end, unit) for unit in UNITS}
    for exact, same in ((True, lambda s: s), (False, _loose)):
        wanted = same(span_text)
        fits = [unit for unit, sliced in slices.items() if sliced is not None and same(sliced) == wanted]
        if fits:
            ambiguous = len(fits) == len(UNITS) and not _same_in_both_units(text, start, end)
            return UnitMatch(fits[0], exact, ambiguous)
    return UnitMatch(None, False)


def detect_unit(text: str, start: int, end: int, span_text: str) -> str | None:
    """The unit in which ``[start, end)`` covers ``span_text`` in ``text``, or ``None`` if neither does.

    :func:`match_unit` without the details: code points when both units fit.

    Example
    -------
    >>> detect_unit("😀 ok", 3, 5, "ok"), detect_unit("😀 ok", 2, 4, "ok"), detect_unit("😀 ok", 0, 1, "no")
    ('UTF-16 code units', 'code points', None)
    >>> detect_unit("eins\\nzwei  drei", 0, 15, "eins\\\\nzwei drei")  # a selection string
    'code points'
    """
    return match_unit(text, start, end, span_text).unit


# --------------------------------------------------------------------------------------------------
# Chunking
# --------------------------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])+")
_SENTENCE_ENDS = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*\s+")
_SPACES = re.compile(r"\s+")


def _grapheme_safe(text: str, p: int) -> bool:
    """A rough grapheme boundary: not inside ``\\r\\n``, not before a mark or joiner, not after a ZWJ."""
    if text[p - 1 : p + 1] == "\r\n" or text[p - 1] == "\u200d":
        return False
    return unicodedata.category(text[p])[0] != "M" and text[p] not in "\u200d\ufe0e\ufe0f"


class _Cuts:
    """Where a document's text may be cut into chunks, by preference.

    Level 0 cuts at paragraph starts (the document's paragraphs, else line breaks), level 1 at
    sentence starts (the document's sentences, else sentence-final punctuation), level 2 after
    white space, level 3 anywhere between graphemes. Only the text and its structure count, never
    the annotations, so that every source of pre-annotations gets the same tasks.
    """

    def __init__(self, document: Document) -> None:
        text = self.text = document.text
        n = len(text)
        paragraphs = [s.start for s in document.paragraphs] or [m.end() for m in _LINE_BREAKS.finditer(text)]
        sentences = [s.start for s in document.sentences] or [m.end() for m in _SENTENCE_ENDS.finditer(text)]
        words = [m.end() for m in _SPACES.finditer(text)]
        self.levels = [sorted({p for p in cuts if 0 < p < n}) for cuts in (paragraphs, sentences, words)]

    def next_cut(self, start: int, max_chars: int) -> tuple[int, bool]:
        """The end of the chunk starting at ``start``, and whether the chunk is longer than ``max_chars``."""
        high = start + max_chars
        for cuts in self.levels:
            found = bisect_right(cuts, high)
            if found and cuts[found - 1] > start:
                return cuts[found - 1], False
        for p in range(high, start, -1):
            if _grapheme_safe(self.text, p):
                return p, False
        # A grapheme longer than max_chars: end the chunk after it.
        return next((p for p in range(high + 1, len(self.text)) if _grapheme_safe(self.text, p)), len(self.text)), True


def chunk_bounds(document: Document, max_chars: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Cut ``document.text`` into chunks of at most ``max_chars`` code points.

    Returns
    -------
    chunks : list of (start, end)
        Contiguous code point ranges covering the whole text (one range when it fits; ``[(0, 0)]``
        for an empty text). Paragraphs stay whole unless one alone is longer than ``max_chars``; then
        it is cut at sentence starts, failing that after white space, failing that between graphemes.
        The chunks depend on the text, its paragraphs and sentences and ``max_chars`` only.
    oversized : list of int
        Indices of chunks longer than ``max_chars`` (a grapheme alone is longer).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be a positive number of code points, got {max_chars!r}")
    n = len(document.text)
    chunks: list[tuple[int, int]] = []
    oversized: list[int] = []
    cuts = _Cuts(document) if n > max_chars else None
    start = 0
    while cuts is not None and n - start > max_chars:
        end, too_long = cuts.next_cut(start, max_chars)
        if too_long:
            oversized.append(len(chunks))
        chunks.append((start, end))
        start = end
    if start < n or not chunks:
        chunks.append((start, n))
    return chunks, oversized


# --------------------------------------------------------------------------------------------------
# Document -> tasks
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DroppedMention:
    """An entity mention or trigger left out of the pre-annotation: a chunk boundary cuts its span."""

    document: str
    mention: str
    start: int
    end: int

    def __str__(self) -> str:
        return (f"mention {self.mention!r} ({self.start}:{self.end}) crosses a chunk boundary, so it is not "
                "pre-annotated, nor are the arguments it takes part in: raise max_chars or add it after merging")


@dataclass(frozen=True)
class DroppedArgument:
    """An argument left out of the pre-annotation: its trigger and filler are not in one chunk.

    ``event_chunk`` / ``target_chunk`` is ``None`` when that mention is itself dropped (or, for the
    filler, missing from the document).
    """

    document: str
    event: str
    role: str
    target: str
    event_chunk: int | None
    target_chunk: int | None

    def __str__(self) -> str:
        where = ("its filler is not pre-annotated (cut by a chunk boundary, or not a mention of the document)"
                 if self.target_chunk is None else f"its filler {self.target!r} is in chunk {self.target_chunk}")
        here = "its trigger is cut by a chunk boundary" if self.event_chunk is None else f"chunk {self.event_chunk}"
        return (f"argument {self.role} of event {self.event!r} ({here}): {where}; a relation cannot join two "
                "tasks, so it is not pre-annotated: raise max_chars or add it after merging")


@dataclass(frozen=True)
class ChunkingReport:
    """What :func:`document_to_tasks` did with one document.

    Attributes
    ----------
    document : str
        The document id.
    chunks : tuple of (start, end)
        Code point range of each task's text in the document.
    dropped : tuple of DroppedMention and DroppedArgument
        Mentions (first) and arguments (then) that are in no task's prediction.
    oversized : tuple of int
        Chunks longer than ``max_chars`` because one grapheme alone is.
    """

    document: str
    chunks: tuple[tuple[int, int], ...]
    dropped: tuple[DroppedMention | DroppedArgument, ...] = ()
    oversized: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        """Every mention and argument of the document is in a prediction."""
        return not self.dropped


class Tasks(NamedTuple):
    """The tasks of one document (import them as they are) and the :class:`ChunkingReport`."""

    tasks: list[dict[str, Any]]
    report: ChunkingReport


def _region_ids(mention_ids: Iterable[str]) -> dict[str, str]:
    """Region id for each mention id: the id itself where Label Studio keeps it intact, unique per task."""
    regions: dict[str, str] = {}
    used: set[str] = set()
    for mention_id in mention_ids:
        if mention_id in regions:
            continue  # a repeated id (an invalid document): the first mention wins, as in validation
        base = _REGION_ID_UNSAFE.sub("_", mention_id) or "region"
        region, k = base, 1
        while region in used:
            k += 1
            region = f"{base}-{k}"
        regions[mention_id] = region
        used.add(region)
    return regions


def _region_value(text: str, offset: int, start: int, end: int) -> dict[str, Any]:
    local_start, local_end = start - offset, end - offset
    return {
        "start": to_label_studio_offset(text, local_start),
        "end": to_label_studio_offset(text, local_end),
        "text": text[local_start:local_end],
    }


def _result(region: str, control: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": region, "from_name": control, "to_name": TEXT, "type": kind, "value": value, "origin": "prediction"}


def _per_region(region: str, span: dict[str, Any], control: str, value: str | None) -> list[dict[str, Any]]:
    """The per-region result of ``control`` (realis, hopper or cluster) for a region, if ``value`` is set."""
    if value is None:
        return []
    if control == REALIS:
        return [_result(region, control, "choices", {**span, "choices": [value]})]
    return [_result(region, control, "textarea", {"start": span["start"], "end": span["end"], "text": [value]})]


def _chunk_result(
    text: str, offset: int, entities: Sequence[EntityMention], events: Sequence[EventMention],
    arguments: Sequence[tuple[EventMention, Argument]],
) -> list[dict[str, Any]]:
    regions = _region_ids([e.id for e in events] + [e.id for e in entities])
    result: list[dict[str, Any]] = []
    for event in events:
        region, span = regions[event.id], _region_value(text, offset, event.trigger.start, event.trigger.end)
        result.append(_result(region, TRIGGER, "labels", {**span, "labels": [event.type]}))
        result += _per_region(region, span, REALIS, event.realis) + _per_region(region, span, HOPPER, event.hopper)
    for entity in entities:
        region, span = regions[entity.id], _region_value(text, offset, entity.start, entity.end)
        result.append(_result(region, MENTION, "labels", {**span, "labels": [entity.type]}))
        result += _per_region(region, span, CLUSTER, entity.cluster)
    # Label Studio keeps one relation per pair of regions: roles of one pair share a relation.
    roles: dict[tuple[str, str], list[str]] = {}
    for event, argument in arguments:
        pair = roles.setdefault((regions[event.id], regions[argument.target]), [])
        if argument.role not in pair:
            pair.append(argument.role)
    result += [{"from_id": head, "to_id": filler, "type": "relation", "direction": "right", "labels": labels}
               for (head, filler), labels in roles.items()]
    return result


def document_to_tasks(document: Document, *, max_chars: int = 10_000, model_version: str = "newsevents") -> Tasks:
    """Label Studio tasks for ``document``, with its annotations as a prediction.

    Parameters
    ----------
    document : Document
        A valid document (see :func:`newsevents.validation.validate`): offsets inside the text and
        mention ids unique; an offset outside the text raises ``ValueError``.
    max_chars : int, default 10_000
        Longer texts become one task per chunk (see :func:`chunk_bounds`).
    model_version : str, default "newsevents"
        The prediction's ``model_version``: the name of the source of the annotations.

    Returns
    -------
    Tasks
        ``(tasks, report)``. Each task is ``{"data": {...}}`` plus, when the document has entities or
        events, ``"predictions": [{"model_version", "result"}]``. ``data`` holds ``text`` (the chunk's
        text), ``document_id``, ``chunk`` (0-based), ``offset`` (code point offset of the chunk in
        the document) and ``sha256`` (of the whole document text). ``report`` is a
        :class:`ChunkingReport`: the chunk ranges and the arguments that could not be pre-annotated.

    Notes
    -----
    Region ids are the mention ids (characters Label Studio would mangle replaced by ``_``, made
    unique per task); per-region realis, hopper and cluster results reuse their region's id. Label
    Studio keeps one relation per pair of regions, so the roles one filler plays for one trigger are
    the ``labels`` of one relation, and a repeated argument is written once. An
    argument whose trigger and filler fall in different chunks cannot be a relation, and a mention
    that a chunk boundary cuts cannot be a region: both are left out and listed in
    ``report.dropped``. Chunk boundaries depend on the text and its structure only (not on the
    annotations), so every source of pre-annotations for one document gets the same tasks.
    """
    chunks, oversized = chunk_bounds(document, max_chars)
    starts = [start for start, _ in chunks]

    def chunk_of(start: int, end: int) -> int | None:
        """The chunk holding ``[start, end)``, ``None`` when a boundary cuts it."""
        index = bisect_right(starts, start) - 1
        return index if end <= chunks[index][1] else None

    spans = [(e.id, e.start, e.end) for e in document.entities]
    spans += [(e.id, e.trigger.start, e.trigger.end) for e in document.events]
    home: dict[str, int | None] = {}
    dropped: list[DroppedMention | DroppedArgument] = []
    for mention, start, end in spans:
        if mention not in home:  # a repeated id (an invalid document): the first mention wins, as in validation
            home[mention] = chunk_of(start, end)
            if home[mention] is None:
                dropped.append(DroppedMention(document.id, mention, start, end))
    kept: list[list[tuple[EventMention, Argument]]] = [[] for _ in chunks]
    for event in document.events:
        for argument in event.arguments:
            here, there = home[event.id], home.get(argument.target)
            if here is not None and here == there:
                kept[here].append((event, argument))
            else:
                dropped.append(DroppedArgument(document.id, event.id, argument.role, argument.target, here, there))
    annotated = bool(document.entities or document.events)
    sha = document.sha256
    tasks = []
    for index, (start, end) in enumerate(chunks):
        text = document.text[start:end]
        task: dict[str, Any] = {"data": {TEXT: text, "document_id": document.id, "chunk": index, "offset": start, "sha256": sha}}
        if annotated:
            entities = [e for e in document.entities if start <= e.start and e.end <= end]
            events = [e for e in document.events if start <= e.trigger.start and e.trigger.end <= end]
            result = _chunk_result(text, start, entities, events, kept[index])
            task["predictions"] = [{"model_version": model_version, "result": result}]
        tasks.append(task)
    return Tasks(tasks, ChunkingReport(document.id, tuple(chunks), tuple(dropped), tuple(oversized)))


def task_dedupe_key(task: dict[str, Any]) -> str:
    """``document_id#chunk@sha256`` of a task (or of its ``data``): the same text pushed twice has one key."""
    data = task.get("data", task) if isinstance(task, dict) else task
    missing = [k for k in ("document_id", "chunk", "sha256") if not isinstance(data, dict) or k not in data]
    if missing:
        raise FormatError(f"task data has no {', '.join(map(repr, missing))}; it was not made by document_to_tasks",
                          field="data")
    return f"{data['document_id']}#{data['chunk']}@{data['sha256']}"


# --------------------------------------------------------------------------------------------------
# Results -> document
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultProblem(Problem):
    """A :class:`~newsevents.validation.Problem` in a Label Studio result: which task, which region.

    ``region`` is a region id, or ``from_id->to_id`` for a relation (relations have no id).
    ``field`` repeats both as ``task <id> region <id>``. ``blocking`` is ``False`` for a note that
    asks for a look but leaves the document right as read (codes ``ambiguous_unit``, ``assumed_unit``).
    """

    task: int | str | None = None
    region: str | None = None
    annotator: str | None = None
    blocking: bool = True

    def __str__(self) -> str:
        who = f" by {self.annotator}" if self.annotator else ""
        note = "" if self.blocking else " (note)"
        return f"document {self.document!r}, task {self.task}{who}, region {self.region}{note}: {self.message}"


@dataclass
class _Region:
    id: str
    control: str
    label: str
    start: int
    end: int
    values: dict[str, str] = field(default_factory=dict)  # realis / hopper / cluster


@dataclass
class _Reading:
    """The state of reading one task's result."""

    text: str
    document: str
    task: int | str | None
    annotator: str | None
    schema: Schema | None
    problems: list[ResultProblem] = field(default_factory=list)
    regions: dict[str, _Region] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)

    def problem(self, region: str | None, code: str, message: str, *, blocking: bool = True) -> None:
        self.problems.append(ResultProblem(self.document, f"task {self.task} region {region}", code, message,
                                           self.task, region, self.annotator, blocking))

    def reject(self, region: str, code: str, message: str) -> None:
        self.rejected.add(region)
        self.problem(region, code, message)


def _labels_of(value: dict[str, Any]) -> list[str]:
    labels = value.get("labels")
    return [str(label) for label in labels] if isinstance(labels, list) else []


#: Where a result came from when the Label Studio UI showed it to an annotator.
_UI_ORIGINS = ("manual", "prediction", "prediction-changed")


def _read_span(reading: _Reading, region: str, item: dict[str, Any]) -> tuple[int, int] | None:
    """Code point offsets of a region; ``None`` (region rejected, problem reported) when unusable.

    The rule of ``annotation/notes/label-studio-offsets.md``, section 6.
    """
    value = item.get("value") or {}
    start, end, covered = value.get("start"), value.get("end"), value.get("text")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) or not 0 <= start < end:
        reading.reject(region, "bad_span", f"start {start!r} and end {end!r} must be integer offsets into the task "
                       "text with 0 <= start < end")
        return None
    match = match_unit(reading.text, start, end, covered) if isinstance(covered, str) else UnitMatch(CODE_POINTS)
    if match.unit is None:
        found = " and ".join(f"{sliced!r} in {unit}" for unit in UNITS
                             if (sliced := _slice(reading.text, start, end, unit)) is not None)
        reading.reject(region, "span_text_mismatch", f"the region's text is {covered!r} but the task text at "
                       f"{start}:{end} is {found or 'outside the text'}; the offsets do not fit the task text")
        return None
    begin = from_label_studio_offset(reading.text, start, unit=match.unit)
    finish = from_label_studio_offset(reading.text, end, unit=match.unit)
    if begin is None or finish is None:
        reading.reject(region, "bad_span", f"{start}:{end} is outside the task text, which has "
                       f"{len(reading.text)} code points")
        return None
    if not isinstance(covered, str):
        reading.problem(region, "assumed_unit", f"the region stores no text to check {start}:{end} against; read "
                        f"as code points, which cover {reading.text[begin:finish]!r}", blocking=False)
    elif match.ambiguous:
        reading.problem(region, "ambiguous_unit", f"{covered!r} is at {start}:{end} in code points and in UTF-16 "
                        f"units alike; read as code points ({begin}:{finish}), which Label Studio 1.23.2 shows",
                        blocking=False)
    elif match.unit == UTF16 and item.get("origin") in _UI_ORIGINS:
        shown = _slice(reading.text, start, end, CODE_POINTS)
        reading.problem(region, "utf16_from_ui", f"the offsets {start}:{end} are UTF-16 units (read as {begin}:{finish}, "
                        f"{covered!r}), but Label Studio showed the annotator {shown!r} there; check the region")
    return begin, finish


def _allowed_labels(schema: Schema | None, control: str) -> tuple[str, ...] | None:
    if schema is None:
        return None
    return schema.event_type_names if control == TRIGGER else schema.mention_type_names


def _read_region(reading: _Reading, item: dict[str, Any]) -> None:
    region, control, value = str(item.get("id")), item["from_name"], item.get("value") or {}
    labels = _labels_of(value)
    if region in reading.regions or region in reading.rejected:
        earlier = reading.regions.get(region)
        if earlier is not None and earlier.control != control:
            reading.regions.pop(region)
            reading.reject(region, "mixed_labels", f"the region has a {earlier.control} label {earlier.label!r} and a "
                           f"{control} label {labels}; a span is either an event trigger or an entity mention")
        elif earlier is not None:
            reading.problem(region, "several_labels", f"the region has a second {control} result {labels}; "
                            f"kept the first, {earlier.label!r}")
        return
    if len(labels) != 1:
        reading.reject(region, "label_count", f"the {control} region has labels {labels}; give it exactly one")
        return
    allowed = _allowed_labels(reading.schema, control)
    if allowed is not None and labels[0] not in allowed:
        kind = "an event type" if control == TRIGGER else "an entity or value type"
        reading.reject(region, "unknown_label", f"{control} label {labels[0]!r} is not {kind} of the schema; "
                       f"{suggest(labels[0], allowed)}")
        return
    span = _read_span(reading, region, item)
    if span is not None:
        reading.regions[region] = _Region(region, control, labels[0], *span)


#: Per-region controls: result type, where the value is in ``value``, the region control it belongs to.
_PER_REGION = {REALIS: ("choices", "choices", TRIGGER), HOPPER: ("textarea", "text", TRIGGER),
               CLUSTER: ("textarea", "text", MENTION)}


def _read_per_region(reading: _Reading, item: dict[str, Any]) -> None:
    region, control = str(item.get("id")), item["from_name"]
    _, key, belongs_to = _PER_REGION[control]
    if region in reading.rejected:
        return  # its region is already reported
    target = reading.regions.get(region)
    if target is None:
        reading.problem(region, "missing_region", f"the {control} result belongs to region {region!r}, which is not "
                        "in the result")
        return
    if target.control != belongs_to:
        reading.problem(region, "wrong_region", f"{control} is given to a {target.control} region; it belongs on "
                        f"{belongs_to} regions only")
        return
    raw = (item.get("value") or {}).get(key)
    values = [raw] if isinstance(raw, str) else [str(v) for v in raw] if isinstance(raw, list) else []
    values = [v.strip() for v in values if v.strip()]
    if len(values) > 1:
        reading.problem(region, "several_values", f"{control} has several values {values}; give one")
    elif values:
        target.values[control] = values[0]


def _read_relation(reading: _Reading, item: dict[str, Any]) -> tuple[str, str, str, list[str]] | None:
    """``(name, head region, filler region, roles)`` of a relation, or ``None`` after reporting why not."""
    head, filler = str(item.get("from_id")), str(item.get("to_id"))
    name = f"{head}->{filler}"
    missing = [r for r in (head, filler) if r not in reading.regions and r not in reading.rejected]
    if missing:
        reading.problem(name, "missing_region", f"the relation joins {', '.join(map(repr, missing))}, "
                        "which is not a region of the result")
        return None
    if head in reading.rejected or filler in reading.rejected:
        bad = head if head in reading.rejected else filler
        reading.problem(name, "rejected_region", f"the relation is lost with region {bad!r} (see its problem)")
        return None
    direction = item.get("direction", "right")
    is_trigger = {r: reading.regions[r].control == TRIGGER for r in (head, filler)}
    if direction == "left" or (direction == "bi" and is_trigger[filler] and not is_trigger[head]):
        head, filler = filler, head
    if not is_trigger[head]:
        reading.problem(name, "relation_not_from_trigger",
                        f"the relation starts at {reading.regions[head].control} region {head!r} "
                        f"({reading.regions[head].label}); draw argument relations from the trigger to the filler")
        return None
    roles = [str(label) for label in item.get("labels") or []]
    if not roles:
        reading.problem(name, "missing_role", "the relation has no role label; choose the argument role")
        return None
    return name, head, filler, roles


def _task_fields(task_data: dict[str, Any], task_id: int | str | None) -> tuple[str, str, int, int, str]:
    text = task_data.get(TEXT) if isinstance(task_data, dict) else None
    if not isinstance(text, str):
        raise FormatError(f"task {task_id} has no string data.{TEXT}; it is not a newsevents task", field=f"data.{TEXT}")
    document = task_data.get("document_id")
    return (str(document) if document is not None else f"task-{task_id}", text,
            int(task_data.get("chunk", 0)), int(task_data.get("offset", 0)), str(task_data.get("sha256") or text_sha256(text)))


def _retarget(argument: Argument, new_id: Callable[[str], str]) -> Argument:
    """``argument`` pointing at ``new_id(target)``, of the same kind (entity or event)."""
    if argument.entity is not None:
        return Argument(argument.role, entity=new_id(argument.entity))
    return Argument(argument.role, event=new_id(argument.target))


def _in_text_order(
    entities: Sequence[EntityMention], events: Sequence[EventMention],
) -> tuple[tuple[EntityMention, ...], tuple[EventMention, ...], dict[str, str]]:
    """Mentions sorted by position and renamed ``T1..`` / ``E1..``; also the map from old to new ids."""
    entities = sorted(entities, key=lambda e: (e.start, e.end, e.type, e.id))
    events = sorted(events, key=lambda e: (e.trigger.start, e.trigger.end, e.type, e.id))
    new = {e.id: f"T{i}" for i, e in enumerate(entities, 1)} | {e.id: f"E{i}" for i, e in enumerate(events, 1)}

    return (
        tuple(replace(e, id=new[e.id]) for e in entities),
        tuple(replace(e, id=new[e.id], arguments=tuple(_retarget(a, new.__getitem__) for a in e.arguments))
              for e in events),
        new,
    )


_PATH = re.compile(r"^(entities|events)\[(\d+)\](?:\.arguments\[(\d+)\])?")


def _translate(reading: _Reading, document: Document, region_of: dict[str, str],
               relation_of: dict[tuple[str, int], str], problems: Iterable[Problem]) -> None:
    """Report validation problems of the read document against the regions and relations they come from."""
    for problem in problems:
        match = _PATH.match(problem.field)
        region = None
        if match:
            layer, i, j = match.group(1), int(match.group(2)), match.group(3)
            mention = (document.entities if layer == "entities" else document.events)[i]
            region = region_of[mention.id]
            if j is not None:
                region = relation_of[(region, int(j))]
        reading.problem(region, problem.code, problem.message)


def document_from_results(
    task_data: dict[str, Any],
    result: list[dict[str, Any]],
    *,
    task_id: int | str | None,
    annotator: str | None,
    schema: Schema | None = None,
) -> tuple[Document, list[ResultProblem]]:
    """Read one task's annotation (or prediction) ``result`` back into a document.

    Parameters
    ----------
    task_data : dict
        The task's ``data`` as :func:`document_to_tasks` wrote it (``text`` is required; without
        ``document_id`` the id is ``task-<task_id>``).
    result : list of dict
        The ``result`` list of one annotation from Label Studio's full JSON export.
    task_id, annotator
        Named in every problem and kept in ``meta``.
    schema : Schema or None, default None
        The ontology: with it, labels, roles, filler types and realis values are checked.

    Returns
    -------
    document : Document
        The chunk as a document: ``text`` is the task text, offsets are code points into it,
        entities are ``T1..`` and events ``E1..`` in text order; ``meta`` holds ``sha256`` (of the
        whole document), ``annotator`` and ``label_studio`` (``task``, ``chunk``, ``offset``).
        Regions with a problem that makes them unreadable are left out.
    problems : list of ResultProblem
        Each names the task, the region (``from_id->to_id`` for relations) and what is wrong; empty
        when the annotation is valid. Nothing is raised for a bad annotation: the caller decides.

    Notes
    -----
    Offsets are read in the unit in which the region's stored ``text`` fits (:func:`match_unit`):
    code points when it fits both ways (a non-blocking ``ambiguous_unit`` note when that makes a
    difference) and when there is no stored text (a non-blocking ``assumed_unit`` note). A region the
    UI showed to an annotator (``origin`` manual or prediction) whose offsets are UTF-16 is read by
    its text, with a ``utf16_from_ui`` problem: the annotator saw other characters highlighted.
    A relation with ``direction`` ``"left"`` runs from ``to_id`` to ``from_id``; a ``"bi"`` relation
    is read from its trigger end. A relation with several role labels gives one argument per role.
    Codes: ``unknown_control``, ``label_count``, ``mixed_labels``, ``several_labels``,
    ``unknown_label``, ``bad_span``, ``span_text_mismatch``, ``utf16_from_ui``, ``ambiguous_unit``,
    ``assumed_unit``, ``missing_region``, ``wrong_region``,
    ``several_values``, ``rejected_region``, ``relation_not_from_trigger``, ``missing_role``, and
    those of :func:`newsevents.validation.validate` (``role_not_allowed``, ``invalid_realis``,
    ``entity_type_not_allowed``, ``cluster``, ``hopper``, ...).

    Raises
    ------
    FormatError
        ``task_data`` has no text: it is not a task of this project.
    """
    document_id, text, chunk, offset, sha = _task_fields(task_data, task_id)
    reading = _Reading(text, document_id, task_id, annotator, schema)
    items = [item for item in result if isinstance(item, dict)]
    relations = []
    for item in items:
        control = item.get("from_name")
        if item.get("type") == "relation":
            relations.append(item)
        elif control in (TRIGGER, MENTION):
            _read_region(reading, item)
        elif control not in _PER_REGION:
            reading.problem(str(item.get("id")), "unknown_control",
                            f"result of control {control!r} (type {item.get('type')!r}) is not one of this project's "
                            f"controls: {', '.join((TRIGGER, MENTION, *_PER_REGION))}")
    for item in items:
        if item.get("from_name") in _PER_REGION and item.get("type") != "relation":
            _read_per_region(reading, item)
    arguments: dict[str, list[tuple[str, Argument]]] = {r: [] for r in reading.regions}
    seen = set()
    for relation in relations:
        read = _read_relation(reading, relation)
        for name, head, filler, roles in [read] if read else []:
            kind = "event" if reading.regions[filler].control == TRIGGER else "entity"
            for role in roles:
                if (head, role, filler) not in seen:
                    seen.add((head, role, filler))
                    arguments[head].append((name, Argument(role, **{kind: filler})))

    def span_text(region: _Region) -> str:
        return text[region.start : region.end]

    entities = [EntityMention(r.id, r.label, r.start, r.end, span_text(r), r.values.get(CLUSTER))
                for r in reading.regions.values() if r.control == MENTION]
    events = [EventMention(r.id, r.label, Span(r.start, r.end, span_text(r)), tuple(a for _, a in arguments[r.id]),
                           r.values.get(REALIS), r.values.get(HOPPER))
              for r in reading.regions.values() if r.control == TRIGGER]
    entities_, events_, new = _in_text_order(entities, events)
    meta = {"sha256": sha, "annotator": annotator, "label_studio": {"task": task_id, "chunk": chunk, "offset": offset}}
    document = Document(document_id, text, meta, entities=entities_, events=events_)
    region_of = {new_id: old for old, new_id in new.items()}
    relation_of = {(r, j): name for r, args in arguments.items() for j, (name, _) in enumerate(args)}
    _translate(reading, document, region_of, relation_of, validate(document, schema))
    return document, reading.problems


# --------------------------------------------------------------------------------------------------
# Chunks -> document
# --------------------------------------------------------------------------------------------------


def _shifted(document: Document, offset: int, prefix: str) -> tuple[list[EntityMention], list[EventMention]]:
    """The mentions of a chunk in document offsets, ids prefixed so that chunks cannot collide."""

    entities = [replace(e, id=prefix + e.id, start=e.start + offset, end=e.end + offset) for e in document.entities]
    events = [replace(e, id=prefix + e.id, arguments=tuple(_retarget(a, lambda target: prefix + target) for a in e.arguments),
                      trigger=Span(e.trigger.start + offset, e.trigger.end + offset, e.trigger.text))
              for e in document.events]
    return entities, events


def merge_chunks(parts: list[tuple[dict[str, Any], Document]]) -> Document:
    """Reassemble the chunk documents of one document (as :func:`document_from_results` gives them).

    Parameters
    ----------
    parts : list of (task data, Document)
        Every chunk of one document, in any order; one part whose ``offset`` is 0 and whose text is
        the whole document is a whole document.

    Returns
    -------
    Document
        The whole text, mentions shifted by each chunk's ``offset`` and renamed ``T1..`` / ``E1..`` in
        text order; hopper and cluster ids are shared across chunks (the same id in two chunks is one
        hopper or cluster). ``meta``: ``sha256``, ``annotator`` and ``label_studio.tasks`` (task ids in
        chunk order).

    Raises
    ------
    FormatError
        The parts belong to different documents, a chunk appears twice, or the chunks do not cover
        the text whose ``sha256`` the tasks carry (a chunk is missing); the message names the chunks.
    """
    if not parts:
        raise FormatError("no chunks to merge")
    ordered = sorted(parts, key=lambda part: int(part[0].get("offset", 0)))
    document_id = ordered[0][1].id
    shas = {str(data.get("sha256")) for data, _ in ordered}
    ids = {doc.id for _, doc in ordered}
    if len(ids) > 1 or len(shas) > 1:
        raise FormatError(f"chunks of different documents cannot be merged: ids {sorted(ids)}, sha256 {sorted(shas)}",
                          document=document_id)
    chunks = [int(data.get("chunk", 0)) for data, _ in ordered]
    repeated = sorted({c for c in chunks if chunks.count(c) > 1})
    if repeated:
        raise FormatError(f"chunk(s) {repeated} appear more than once; pass one annotation per chunk", document=document_id)
    text, entities, events = "", [], []
    for data, doc in ordered:
        offset = int(data.get("offset", 0))
        if offset != len(text):
            raise FormatError(f"chunk {data.get('chunk')} starts at {offset} but the chunks before it end at {len(text)}: "
                              "a chunk is missing; annotate every chunk of the document before merging",
                              document=document_id)
        text += doc.text
        more_entities, more_events = _shifted(doc, offset, f"{data.get('chunk')}:")
        entities += more_entities
        events += more_events
    sha = shas.pop()
    if text_sha256(text) != sha:
        raise FormatError(f"the {len(ordered)} chunk(s) {chunks} join to a text of {len(text)} code points whose sha256 "
                          f"is not the document's {sha[:12]}...: a chunk at the end is missing or a text was changed",
                          document=document_id)
    entities_, events_, _ = _in_text_order(entities, events)
    meta = {"sha256": sha, "annotator": ordered[0][1].meta.get("annotator"),
            "label_studio": {"tasks": [doc.meta.get("label_studio", {}).get("task") for _, doc in ordered]}}
    return Document(document_id, text, meta, entities=entities_, events=events_)
