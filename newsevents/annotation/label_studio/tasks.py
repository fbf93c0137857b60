"""Documents out: :func:`document_to_tasks` turns one document into one task, or one task per chunk of whole
paragraphs when the text is longer than ``max_chars``, with the document's annotations as one prediction;
:func:`task_dedupe_key` names a task so that re-pushing is idempotent.

The result shapes follow Label Studio's (``labels`` regions with ``value.start/end/text/labels``; per-region
``choices`` and ``textarea`` results sharing the region's ``id``; ``relation`` results with ``from_id``, ``to_id``,
``direction`` and ``labels``); the control names come from :mod:`newsevents.annotation.label_config`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from newsevents.annotation.label_config import (
    CLUSTER,
    HOPPER,
    MENTION,
    REALIS,
    TEXT,
    TRIGGER,
)
from newsevents.annotation.label_studio.chunking import chunk_bounds
from newsevents.annotation.label_studio.offsets import to_label_studio_offset
from newsevents.document import Argument, Document, EntityMention, EventMention
from newsevents.errors import FormatError

_REGION_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")  # Label Studio cuts region ids at "#" and puts them in CSS classes




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
