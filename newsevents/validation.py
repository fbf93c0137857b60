"""Check documents against the data contract and the ontology, reporting every problem found.

:func:`validate` runs small independent checks over one :class:`~newsevents.document.Document` and
returns a list of :class:`Problem` (empty when the document is valid); it never stops at the first.
Without a schema only the structural checks run; with a :class:`~newsevents.ontology.Schema`
the ontology checks run too. :func:`validate_all` adds the corpus-level check that document ids are
unique, :func:`assert_valid` raises :class:`~newsevents.errors.ValidationError` instead, and
:func:`validate_json` checks one raw JSON object against the JSON Schema that ships with the package.

Problem codes
-------------
Structural (always checked):

==========================  =========================================================================
``offset_out_of_range``     an offset is outside ``0 <= offset <= len(text)``
``bad_span``                a span or segment is empty or reversed (``start >= end``)
``span_text_mismatch``      ``text[start:end]`` differs from the span's stored ``text``
``segment``                 a layer of paragraphs, sentences or tokens is unsorted or overlapping, a
                            paragraph kind is not one of ``PARAGRAPH_KINDS``, a sentence or token has
                            a kind, or a sentence crosses a paragraph boundary
``duplicate_id``            a mention id is used twice among entities and events (or, in
                            :func:`validate_all`, a document id twice in the collection)
``unknown_reference``       an argument names no mention of the document
``argument_kind``           an argument names an event under ``entity`` or an entity under ``event``,
                            or (with a schema) fills a role with the wrong kind of mention
``self_reference``          an event is its own argument
``cluster``                 mentions of one coreference cluster have different types
``hopper``                  mentions of one event hopper have different types
``missing_realis``          ``require_gold=True`` and an event has no realis
==========================  =========================================================================

Ontology (with a schema):

============================  ===============================================================
``unknown_entity_type``       an entity type that is neither an entity nor a value type
``unknown_event_type``        an event type the schema does not define
``role_not_allowed``          a role that the event's type does not have
``entity_type_not_allowed``   an entity of a type the role does not admit
``event_type_not_allowed``    an event of a type the role does not admit
``invalid_realis``            a realis value the schema does not define
============================  ===============================================================

:func:`validate_json` reports every JSON Schema violation with code ``json_schema``.

Example
-------
>>> from newsevents.document import Document, EntityMention
>>> doc = Document(id="d1", text="Police arrested Azzam.",
...                entities=(EntityMention("T1", "PER", 16, 21, "Azza"),))
>>> [p.code for p in validate(doc)]
['span_text_mismatch']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from newsevents.errors import suggest
from newsevents.ontology import EventType, Schema
from newsevents.document import PARAGRAPH_KINDS, Argument, Document, EventMention, Segment
from newsevents.errors import ValidationError

#: How many characters of a text a message quotes before cutting it short.
QUOTE_LIMIT = 60
#: How many mention ids a message lists at most.
MAX_LISTED_IDS = 10


@dataclass(frozen=True)
class Problem:
    """One way a document breaks the contract.

    Attributes
    ----------
    document : str
        Id of the document.
    field : str
        Path of the offending field inside the document, such as ``events[2].arguments[0].role``.
    code : str
        Short stable code (see the module docstring), for filtering and counting.
    message : str
        The bad value and the valid choices or the fix.
    """

    document: str
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"document {self.document!r}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


def _quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``repr`` of ``text``, cut to ``limit`` characters with an ellipsis when longer."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _listing(names: Iterable[str]) -> str:
    return ", ".join(names) or "(none)"


def _first_index(ids: Iterable[str]) -> dict[str, int]:
    """Map each id to the position of its first occurrence."""
    index: dict[str, int] = {}
    for i, mention_id in enumerate(ids):
        index.setdefault(mention_id, i)
    return index


def _id_hint(target: str, ids: tuple[str, ...], kind: str) -> str:
    """The closest id, else the ids of the document (the first :data:`MAX_LISTED_IDS` of them)."""
    if not ids:
        return f"the document has no {kind} mentions"
    hint = suggest(target, ids)
    if hint.startswith("valid") and len(ids) > MAX_LISTED_IDS:
        hint = f"valid: {_listing(ids[:MAX_LISTED_IDS])} and {len(ids) - MAX_LISTED_IDS} more"
    return hint


def _argument_path(i: int, j: int) -> str:
    return f"events[{i}].arguments[{j}]"


def _arguments(document: Document) -> Iterator[tuple[str, EventMention, Argument]]:
    """Yield ``(field path, event, argument)`` for every argument of every event."""
    for i, event in enumerate(document.events):
        for j, argument in enumerate(event.arguments):
            yield _argument_path(i, j), event, argument


# --------------------------------------------------------------------------------------------------
# Structural checks: each takes the document and yields problems.
# --------------------------------------------------------------------------------------------------


def _offset_problems(document: Document, path: str, start: int, end: int) -> list[Problem]:
    """Range and order problems of one ``[start, end)``; empty when the span can be sliced."""
    length = len(document.text)
    problems = [
        Problem(document.id, f"{path}.{name}", "offset_out_of_range",
                f"{name} {value} is outside the text, whose offsets run from 0 to {length} "
                "(0-based, end-exclusive, in code points)")
        for name, value in (("start", start), ("end", end))
        if not 0 <= value <= length
    ]
    if start >= end:
        what = "empty" if start == end else "reversed"
        problems.append(Problem(document.id, path, "bad_span",
                                f"{what} span: start {start} must be less than end {end}"))
    return problems


def _nearest_occurrence(text: str, needle: str, near: int) -> tuple[int, int] | None:
    """Offsets of the occurrence of ``needle`` in ``text`` that starts closest to ``near``."""
    best: int | None = None
    position = text.find(needle) if needle else -1
    while position != -1:
        if best is None or abs(position - near) < abs(best - near):
            best = position
        position = text.find(needle, position + 1)
    return None if best is None else (best, best + len(needle))


def _fits(text: str, start: int, end: int, span_text: str) -> bool:
    """Whether ``[start, end)`` is a non-empty span of ``text`` covering ``span_text``: the common case,
    decided with one slice before any problem is described (scoring checks every predicted span)."""
    return 0 <= start < end <= len(text) and text[start:end] == span_text


def _span_problems(document: Document, path: str, start: int, end: int, text: str) -> list[Problem]:
    problems = _offset_problems(document, path, start, end)
    if problems:
        return problems
    covered = document.text[start:end]
    if covered == text:
        return []
    fix = "fix the offsets or the text"
    found = _nearest_occurrence(document.text, text, start)
    if found is not None:
        fix = f"{_quote(text)} occurs at {found[0]}:{found[1]}; {fix}"
    return [Problem(document.id, f"{path}.text", "span_text_mismatch",
                    f"text[{start}:{end}] is {_quote(covered)} but the span's text is {_quote(text)}; {fix}")]


def check_spans(document: Document) -> Iterator[Problem]:
    """Entity mentions and triggers lie inside the text, are non-empty and match their ``text``."""
    text = document.text
    for i, entity in enumerate(document.entities):
        if not _fits(text, entity.start, entity.end, entity.text):
            yield from _span_problems(document, f"entities[{i}]", entity.start, entity.end, entity.text)
    for i, event in enumerate(document.events):
        trigger = event.trigger
        if not _fits(text, trigger.start, trigger.end, trigger.text):
            yield from _span_problems(document, f"events[{i}].trigger", trigger.start, trigger.end, trigger.text)


def _layer_problems(document: Document, layer: str, segments: Sequence[Segment]) -> Iterator[Problem]:
    previous: tuple[int, Segment] | None = None
    for i, segment in enumerate(segments):
        path = f"{layer}[{i}]"
        offset_problems = _offset_problems(document, path, segment.start, segment.end)
        yield from offset_problems
        if layer == "paragraphs" and segment.kind not in PARAGRAPH_KINDS:
            yield Problem(document.id, f"{path}.kind", "segment",
                          f"paragraph kind {segment.kind!r} is not a paragraph kind; "
                          f"{suggest(str(segment.kind), PARAGRAPH_KINDS)}")
        if layer != "paragraphs" and segment.kind is not None:
            yield Problem(document.id, f"{path}.kind", "segment",
                          f"only paragraphs have a kind, but this {layer[:-1]} has kind {segment.kind!r}; remove it")
        if offset_problems:
            continue
        if previous is not None and segment.start < previous[1].end:
            j, before = previous
            yield Problem(document.id, path, "segment",
                          f"{layer}[{i}] ({segment.start}, {segment.end}) starts before {layer}[{j}] "
                          f"({before.start}, {before.end}) ends; {layer} must be sorted and must not overlap")
        previous = (i, segment)


def check_segments(document: Document) -> Iterator[Problem]:
    """Each layer of paragraphs, sentences and tokens is in range, sorted and non-overlapping."""
    for layer in ("paragraphs", "sentences", "tokens"):
        yield from _layer_problems(document, layer, getattr(document, layer))


def check_sentences_in_paragraphs(document: Document) -> Iterator[Problem]:
    """A sentence that overlaps a paragraph lies inside it (checked only when paragraphs exist)."""
    for i, sentence in enumerate(document.sentences):
        for j, paragraph in enumerate(document.paragraphs):
            overlaps = paragraph.start < sentence.end and sentence.start < paragraph.end
            inside = paragraph.start <= sentence.start and sentence.end <= paragraph.end
            if overlaps and not inside:
                yield Problem(document.id, f"sentences[{i}]", "segment",
                              f"sentence ({sentence.start}, {sentence.end}) crosses the boundary of "
                              f"paragraphs[{j}] ({paragraph.start}, {paragraph.end}); split the sentence "
                              "at the paragraph break")
                break


def check_ids(document: Document) -> Iterator[Problem]:
    """Mention ids are unique across entities and events together."""
    ids = [e.id for e in document.entities] + [e.id for e in document.events]
    if len(set(ids)) == len(ids):
        return  # the common case, before any path is built
    seen: dict[str, tuple[str, int]] = {}
    fields = [("entities", i, e.id) for i, e in enumerate(document.entities)]
    fields += [("events", i, e.id) for i, e in enumerate(document.events)]
    for layer, i, mention_id in fields:
        if mention_id in seen:
            first_layer, j = seen[mention_id]
            yield Problem(document.id, f"{layer}[{i}].id", "duplicate_id",
                          f"id {mention_id!r} is already used by {first_layer}[{j}]; ids must be unique "
                          "across the entities and events of a document")
        else:
            seen[mention_id] = (layer, i)


def check_references(document: Document) -> Iterator[Problem]:
    """Arguments name an existing mention of the right kind, and no event is its own argument."""
    entities = _first_index(e.id for e in document.entities)
    events = _first_index(e.id for e in document.events)
    for i, event in enumerate(document.events):
        for j, argument in enumerate(event.arguments):
            key, own, other, other_key = (
                ("entity", entities, events, "event") if argument.entity is not None
                else ("event", events, entities, "entity")
            )
            target = argument.target
            if target in own and not (key == "event" and target == event.id):
                continue  # the common case, before any path or message is built
            where = f"{_argument_path(i, j)}.{key}"
            if target in own:
                yield Problem(document.id, where, "self_reference",
                              f"event {target!r} names itself as its {argument.role!r} argument; "
                              "an event argument must be another event mention")
            elif target in other:
                yield Problem(document.id, where, "argument_kind",
                              f"{target!r} is an {other_key} mention, not an {key} mention; write "
                              f'{{"role": {json.dumps(argument.role)}, "{other_key}": {json.dumps(target)}}}')
            else:
                yield Problem(document.id, where, "unknown_reference",
                              f"no {key} mention has id {target!r}; {_id_hint(target, tuple(own), key)}")


def _same_type_problems(document: Document, layer: str, attribute: str, noun: str) -> Iterator[Problem]:
    """Mentions of ``layer`` that share ``attribute`` (a group id) must share a type."""
    first: dict[str, tuple[int, str]] = {}
    for i, mention in enumerate(getattr(document, layer)):
        group = getattr(mention, attribute)
        if group is None:
            continue
        j, expected = first.setdefault(group, (i, mention.type))
        if mention.type != expected:
            yield Problem(document.id, f"{layer}[{i}].{attribute}", attribute,
                          f"{attribute} {group!r} mixes types: {layer}[{i}] is {mention.type} but "
                          f"{layer}[{j}] is {expected}; {noun} share one type, so give {layer}[{i}] "
                          f"type {expected} or another {attribute}")


def check_clusters(document: Document) -> Iterator[Problem]:
    """Coreferent entity mentions (one ``cluster``) have one type.

    Notes
    -----
    Coreferent mentions denote one entity, so they cannot differ in type: a PER mention and an ORG
    mention in one cluster are as wrong as an entity type and a value type in one cluster.
    """
    yield from _same_type_problems(document, "entities", "cluster", "coreferent mentions")


def check_hoppers(document: Document) -> Iterator[Problem]:
    """Event mentions of one ``hopper`` (one real-world event) have one type."""
    yield from _same_type_problems(document, "events", "hopper", "mentions of one event")


def check_realis_present(document: Document) -> Iterator[Problem]:
    """Every event has a realis value (gold annotations only)."""
    for i, event in enumerate(document.events):
        if event.realis is None:
            yield Problem(document.id, f"events[{i}].realis", "missing_realis",
                          f"event {event.id!r} has no realis; gold events need one")


# --------------------------------------------------------------------------------------------------
# Ontology checks: each takes the document and the schema and yields problems.
# --------------------------------------------------------------------------------------------------


#: The labels the ontology checks (key of :func:`unknown_labels` -> the mention layer and attribute
#: holding them, the schema's choices, the problem code and what a valid value is, in words).
LABEL_KINDS: dict[str, tuple[str, str, Callable[[Schema], tuple[str, ...]], str, str]] = {
    "event_types": ("events", "type", lambda schema: schema.event_type_names, "unknown_event_type", "an event type"),
    "entity_types": ("entities", "type", lambda schema: schema.mention_type_names, "unknown_entity_type",
                     "an entity or value type"),
    "realis": ("events", "realis", lambda schema: tuple(schema.realis), "invalid_realis", "a realis value"),
}


def _unknown_names(document: Document, schema: Schema, kind: str) -> Iterator[tuple[int, str]]:
    """``(index, value)`` of the mentions whose label of ``kind`` (a key of :data:`LABEL_KINDS`) is set but unknown."""
    layer, attribute, choices, _, _ = LABEL_KINDS[kind]
    known = choices(schema)
    for i, mention in enumerate(getattr(document, layer)):
        value = getattr(mention, attribute)
        if value is not None and value not in known:
            yield i, value


def _unknown_name_problems(document: Document, schema: Schema, kind: str) -> Iterator[Problem]:
    layer, attribute, choices, code, known = LABEL_KINDS[kind]
    for i, value in _unknown_names(document, schema, kind):
        yield Problem(document.id, f"{layer}[{i}].{attribute}", code,
                      f"{value!r} is not {known} of the schema; {suggest(str(value), choices(schema))}")


def _disallowed_roles(document: Document, event_types: dict[str, EventType]) -> Iterator[tuple[str, EventMention, Argument]]:
    """Arguments of events of a known type whose role that type does not have."""
    for path, event, argument in _arguments(document):
        event_type = event_types.get(event.type)
        if event_type is not None and argument.role not in event_type.role_names:
            yield path, event, argument


def check_entity_types(document: Document, schema: Schema) -> Iterator[Problem]:
    """Entity types are entity or value types of the schema."""
    yield from _unknown_name_problems(document, schema, "entity_types")


def check_event_types(document: Document, schema: Schema) -> Iterator[Problem]:
    """Event types are event types of the schema."""
    yield from _unknown_name_problems(document, schema, "event_types")


def check_realis(document: Document, schema: Schema) -> Iterator[Problem]:
    """A realis value, when present, is one the schema defines."""
    yield from _unknown_name_problems(document, schema, "realis")


def unknown_labels(documents: Iterable[Document], schema: Schema) -> dict[str, list[str]]:
    """The labels of ``documents`` that ``schema`` lacks, sorted, by kind: what the ontology checks report.

    Keys: ``event_types``, ``roles`` (``"<event type>:<role>"``, for event types the schema has),
    ``entity_types`` and ``realis``; each list is empty when every label of that kind is known.
    """
    event_types = {e.name: e for e in schema.event_types}
    found: dict[str, set[str]] = {"event_types": set(), "roles": set(), "entity_types": set(), "realis": set()}
    for document in documents:
        for kind in LABEL_KINDS:
            found[kind].update(value for _, value in _unknown_names(document, schema, kind))
        found["roles"].update(f"{event.type}:{argument.role}" for _, event, argument in _disallowed_roles(document, event_types))
    return {kind: sorted(values) for kind, values in found.items()}


def check_arguments(document: Document, schema: Schema) -> Iterator[Problem]:
    """Roles belong to the event type and are filled by mentions of the kinds and types they admit.

    Notes
    -----
    Arguments of events with an unknown type, and arguments naming a missing mention or a mention of
    an unknown type, are skipped: those are reported by other checks.
    """
    event_types: dict[str, EventType] = {e.name: e for e in schema.event_types}
    known_types = {"entity": set(schema.mention_type_names), "event": set(event_types)}
    # The first mention with an id wins, as everywhere else (later duplicates are reported by check_ids).
    mentions: dict[str, dict[str, Any]] = {
        "entity": {e.id: e for e in reversed(document.entities)},
        "event": {e.id: e for e in reversed(document.events)},
    }
    for path, event, argument in _arguments(document):
        event_type = event_types.get(event.type)
        if event_type is None:
            continue
        if argument.role not in event_type.role_names:
            yield Problem(document.id, f"{path}.role", "role_not_allowed",
                          f"role {argument.role!r} is not a role of {event_type.name}; "
                          f"valid: {_listing(event_type.role_names)}")
            continue
        role = event_type.role(argument.role)
        key, other_key = ("entity", "event") if argument.entity is not None else ("event", "entity")
        admitted = {"entity": role.entity_types, "event": role.event_types}
        mention = mentions[key].get(argument.target)
        described = f"role {role.name} of {event_type.name}"
        if not admitted[key]:
            yield Problem(document.id, f"{path}.{key}", "argument_kind",
                          f"{described} is filled by an {other_key} mention of type {_listing(admitted[other_key])}, "
                          f"not by an {key} mention; write "
                          f'{{"role": {json.dumps(role.name)}, "{other_key}": <{other_key} id>}}')
        elif mention is not None and mention.type in known_types[key] and mention.type not in admitted[key]:
            yield Problem(document.id, f"{path}.{key}", f"{key}_type_not_allowed",
                          f"{key} {mention.id!r} is {mention.type} but {described} takes {_listing(admitted[key])}")


#: The structural checks that concern annotations only (not segments): what a prediction is checked
#: against over its gold text (:func:`newsevents.eval.score.prediction_problems`).
ANNOTATION_CHECKS: tuple[Callable[[Document], Iterable[Problem]], ...] = (check_spans, check_ids, check_references)

#: The checks :func:`validate` runs on every document, in order.
STRUCTURAL_CHECKS: tuple[Callable[[Document], Iterable[Problem]], ...] = (
    check_spans,
    check_segments,
    check_sentences_in_paragraphs,
    check_ids,
    check_references,
    check_clusters,
    check_hoppers,
)

#: The checks :func:`validate` runs when it is given a schema, in order.
ONTOLOGY_CHECKS: tuple[Callable[[Document, Schema], Iterable[Problem]], ...] = (
    check_entity_types,
    check_event_types,
    check_arguments,
    check_realis,
)


def validate(document: Document, schema: Schema | None = None, *, require_gold: bool = False) -> list[Problem]:
    """Every way ``document`` breaks the data contract, in check order.

    Parameters
    ----------
    document : Document
        The document to check.
    schema : Schema or None, default None
        The ontology. ``None`` runs only the structural checks (offsets, span texts, segments, ids,
        references, clusters, hoppers); with a schema the ontology checks run too.
    require_gold : bool, default False
        Also require what gold annotations must have and predictions may omit: a realis on every event.

    Returns
    -------
    list of Problem
        Empty when the document is valid.

    Example
    -------
    >>> from newsevents.document import Document
    >>> validate(Document(id="d1", text="Nothing happened."))
    []
    """
    problems = [p for check in STRUCTURAL_CHECKS for p in check(document)]
    if require_gold:
        problems += check_realis_present(document)
    if schema is not None:
        problems += [p for check in ONTOLOGY_CHECKS for p in check(document, schema)]
    return problems


def validate_all(documents: Iterable[Document], schema: Schema | None = None, *, require_gold: bool = False) -> list[Problem]:
    """:func:`validate` each document, and check that document ids are unique in the collection.

    A repeated document id is reported once per repetition, with code ``duplicate_id`` and field
    ``id``; positions in the message count documents from 1 (the JSONL line for files without blank lines).
    """
    problems: list[Problem] = []
    first_position: dict[str, int] = {}
    for position, document in enumerate(documents, start=1):
        earlier = first_position.setdefault(document.id, position)
        if earlier != position:
            problems.append(Problem(document.id, "id", "duplicate_id",
                                    f"document id {document.id!r} of document {position} is already used by "
                                    f"document {earlier}; document ids must be unique in a collection"))
        problems += validate(document, schema, require_gold=require_gold)
    return problems


def assert_valid(
    documents: Document | Iterable[Document],
    schema: Schema | None = None,
    *,
    file: str | None = None,
    require_gold: bool = False,
) -> None:
    """Raise :class:`~newsevents.errors.ValidationError` listing every problem, if there is any.

    ``documents`` is one document or an iterable of them; ``file`` names where they came from.
    """
    if isinstance(documents, Document):
        documents = [documents]
    problems = validate_all(documents, schema, require_gold=require_gold)
    if problems:
        raise ValidationError(problems, file=file)


# --------------------------------------------------------------------------------------------------
# JSON Schema
# --------------------------------------------------------------------------------------------------


def _schema_text() -> str:
    return (resources.files("newsevents") / "resources" / "document.schema.json").read_text(encoding="utf-8")


def document_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one document line, as a fresh dict."""
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _json_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = document_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _json_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".")


def _json_problem(document: str, error: Any) -> Problem:
    parts = list(error.absolute_path)
    message = error.message
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance and message.startswith(repr(k))]
        parts += missing[:1]
    elif error.validator in ("oneOf", "anyOf") and "description" in error.schema:
        message = f"{message}; {error.schema['description']}"
    if len(message) > 4 * QUOTE_LIMIT:
        message = message[: 4 * QUOTE_LIMIT - 1] + "…"
    return Problem(document, _json_path(parts), "json_schema", f"{message} (JSON Schema keyword {error.validator!r})")


def validate_json(obj: Any) -> list[Problem]:
    """Check one raw JSON document (a parsed JSONL line) against :func:`document_json_schema`.

    Every violation becomes a :class:`Problem` with code ``json_schema`` and the JSON path of the bad
    value as its field (``entities[0].start``; a missing key is named in the path too). This checks the
    shape only; :func:`validate` checks offsets, references and the ontology on the parsed document.
    """
    document = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else "<no id>"
    errors = sorted(_json_validator().iter_errors(obj), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [_json_problem(document, error) for error in errors]
