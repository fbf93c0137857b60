"""Annotations in: :func:`document_from_results` reads the ``result`` list of one annotation (or prediction)
of one task back into a document and collects every problem as a :class:`ResultProblem` naming the task and
the region; :func:`merge_chunks` reassembles the chunks of one document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newsevents.annotation.label_config import (
    CLUSTER,
    HOPPER,
    MENTION,
    REALIS,
    TEXT,
    TRIGGER,
)
from newsevents.annotation.label_studio.offsets import (
    CODE_POINTS,
    UNITS,
    UTF16,
    UnitMatch,
    from_label_studio_offset,
    match_unit,
    slice_in_unit,
)
from newsevents.document import (
    Argument,
    Document,
    EntityMention,
    EventMention,
    Span,
    text_sha256,
)
from newsevents.errors import FormatError, suggest
from newsevents.ontology import Schema
from newsevents.validation import Problem, validate


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
                             if (sliced := slice_in_unit(reading.text, start, end, unit)) is not None)
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
        shown = slice_in_unit(reading.text, start, end, CODE_POINTS)
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
