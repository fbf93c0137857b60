"""Writing gold by reading: quote-anchored records resolved to standoff offsets.

An annotator writes what they read, not offsets. One YAML file holds a list of documents::

    - document: ce-2025-01-01-000
      source: {source: Wikipedia Current events portal, text_file: current-events/items.jsonl,
               record: ce-2025-01-01-000, date: "2025-01-01", license: CC BY-SA 4.0, url: "https://..."}
      entities:
        - {id: T1, type: GPE, span: Israeli, cluster: c-israel}
        - {id: T2, type: PER, span: 26 Palestinians, cluster: c-victims}
        - {id: T3, type: PER, span: they, context: "said they fled", cluster: c-victims}
        - {id: T4, type: GPE, span: Gaza, occurrence: 2}
      events:
        - {id: E1, type: Conflict.Attack, trigger: airstrikes, realis: actual, hopper: h1,
           arguments: {Attacker: T1, Place: T4}}
        - {id: E2, type: Life.Die, trigger: kill, realis: actual, hopper: h2,
           arguments: {Victim: T2, Killer: [T1]}}

A span is located in the document's normalised text by, in order of precedence:

* ``context``: a short quote (a few words) that occurs exactly once and contains ``span`` exactly
  once;
* ``occurrence``: the n-th (1-based) exact occurrence of ``span``;
* otherwise ``span`` must occur exactly once.

Anything else is refused with the candidates' offsets: a span that is missing, ambiguous, or that
does not start and end on token boundaries. Triggers take the same ``context`` / ``occurrence``
keys as ``trigger_context`` / ``trigger_occurrence``. An argument value is an entity id, an event
id (for event-valued roles), or a list of them. The result is validated against the ontology
(:mod:`newsevents.validation`) before anything is written.

Authoring files hold span strings and short contexts only, never article text.

Every key must be one of :data:`RECORD_KEYS`, :data:`SOURCE_KEYS`, :data:`ENTITY_KEYS` or
:data:`EVENT_KEYS`: a misspelled key (``cluser:``) is an error naming the file, the YAML line of
the key, the document, the field and the closest valid key, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from newsevents.ontology import Schema
from newsevents.corpus.ingest import make_document
from newsevents.corpus.manifest import GoldRecord, ManifestEntry, find_text
from newsevents.corpus.segment import Segmenter
from newsevents.document import Argument, Document, EntityMention, EventMention, Span
from newsevents.errors import FormatError, NewsEventsError, ValidationError, suggest
from newsevents.validation import validate


#: The keys of a document record, of its ``source``, of an entity item and of an event item.
RECORD_KEYS = ("document", "source", "entities", "events")
SOURCE_KEYS = ("source", "text_file", "record", "date", "url", "license", "title")
ENTITY_KEYS = ("id", "type", "span", "context", "occurrence", "cluster")
EVENT_KEYS = ("id", "type", "trigger", "trigger_context", "trigger_occurrence", "realis", "hopper", "arguments")


class _Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict[Any, int]


class _LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose mappings are :class:`_Mapping` s, with the lines of the YAML nodes."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = _Mapping()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            data.key_lines.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:  # an unhashable key: construct_mapping has refused it already
            pass


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _line(mapping: Any, key: Any = None) -> int | None:
    """The YAML line of ``key`` in ``mapping`` (of the mapping itself without a key), if known."""
    if not isinstance(mapping, _Mapping):
        return None
    return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line


def _check_keys(mapping: Any, valid: tuple[str, ...], what: str, field: str | None, file: str | None, document: str | None) -> None:
    """Refuse a key of ``mapping`` that is not in ``valid``, at the key's line, with the closest valid key."""
    if not isinstance(mapping, dict):
        return
    for key in mapping:
        if key not in valid:
            inner = f"{field}.{key}" if field else str(key)
            raise FormatError(f"unknown key {key!r} in {what}; {suggest(str(key), list(valid))}",
                              file=file, line=_line(mapping, key), document=document, field=inner)


@dataclass(frozen=True)
class AuthoredDocument:
    """One resolved authoring record: its manifest entry and its gold document (text included)."""

    entry: ManifestEntry
    document: Document

    @property
    def gold(self) -> GoldRecord:
        return GoldRecord.from_document(self.document)


def _occurrences(text: str, needle: str) -> list[int]:
    starts, i = [], text.find(needle)
    while i >= 0:
        starts.append(i)
        i = text.find(needle, i + 1)
    return starts


def locate(text: str, span: str, *, context: str | None = None, occurrence: int | None = None) -> tuple[int, int]:
    """The offsets of ``span`` in ``text`` by context, occurrence or uniqueness (module docstring).

    Raises
    ------
    NewsEventsError
        Saying what was searched and where the candidates are.
    """
    if not span:
        raise NewsEventsError("empty span")
    if context is not None:
        where = _occurrences(text, context)
        if len(where) != 1:
            found = f"at {where[:5]}" if where else "nowhere"
            raise NewsEventsError(f"context {context!r} must occur exactly once; it occurs {len(where)} times ({found})")
        inside = _occurrences(context, span)
        if len(inside) != 1:
            raise NewsEventsError(f"span {span!r} must occur exactly once in its context {context!r}; it occurs {len(inside)} times")
        start = where[0] + inside[0]
        return start, start + len(span)
    where = _occurrences(text, span)
    if occurrence is not None:
        if not 1 <= occurrence <= len(where):
            raise NewsEventsError(f"span {span!r} has no occurrence {occurrence}: it occurs {len(where)} times")
        return where[occurrence - 1], where[occurrence - 1] + len(span)
    if len(where) != 1:
        if not where:
            raise NewsEventsError(f"span {span!r} does not occur in the text (check spelling, quotes and dashes)")
        raise NewsEventsError(f"span {span!r} is ambiguous: it occurs {len(where)} times, at {where[:8]}; "
                              f"add `occurrence: N` (1-based) or a short `context`")
    return where[0], where[0] + len(span)


def _on_token_boundaries(document: Document, start: int, end: int) -> bool:
    starts = {t.start for t in document.tokens}
    ends = {t.end for t in document.tokens}
    return start in starts and end in ends


def _quoted_span(document: Document, item: dict[str, Any], keys: tuple[str, str, str], field: str) -> tuple[int, int]:
    """Locate an item's quote (keys: the quote, its context, its occurrence) on token boundaries."""
    quote, context, occurrence = keys
    where = f"{field} ({item.get('id')})"
    if not isinstance(item, dict):
        raise NewsEventsError(f"expected a mapping with id, type and {quote}, got {item!r}", field=field)
    missing = [key for key in ("id", "type", quote) if key not in item]
    if missing:
        raise NewsEventsError(f"missing key(s) {', '.join(map(repr, missing))}; an item needs id, type and {quote}", field=where)
    try:
        start, end = locate(document.text, str(item[quote]), context=item.get(context), occurrence=item.get(occurrence))
    except NewsEventsError as err:
        raise NewsEventsError(err.message, field=where) from None
    if not _on_token_boundaries(document, start, end):
        raise NewsEventsError(f"{quote} {item[quote]!r} at {start}:{end} does not start and end on token boundaries", field=where)
    return start, end


def _targets(value: Any, field: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        raise NewsEventsError(f"an argument names a mention id or a list of them, got {value!r}", field=field)
    return values


def _item_line(record: dict[str, Any], field: str | None) -> int | None:
    """The YAML line of the item a field path such as ``entities[3] (T4)`` names, else of the record."""
    for key in ("entities", "events", "source"):
        if field and field.startswith(key):
            value = record.get(key)
            if key == "source":
                return _line(record, "source")
            index = field[len(key) + 1:].split("]", 1)[0]
            if isinstance(value, list) and index.isdigit() and int(index) < len(value):
                return _line(value[int(index)]) or _line(record, key)
    return _line(record)


def resolve(record: dict[str, Any], text_dirs: Sequence[str | Path], schema: Schema, segmenter: Segmenter,
            *, where: str = "") -> AuthoredDocument:
    """Resolve one authoring record into a validated gold document. Errors name the record's field."""
    doc_id = record.get("document")
    if not isinstance(doc_id, str) or not doc_id:
        raise FormatError("each record needs `document: <id>`", file=where, line=_line(record))
    _check_keys(record, RECORD_KEYS, "a document record", None, where, doc_id)
    _check_keys(record.get("source"), SOURCE_KEYS, "the source", "source", where, doc_id)
    for key, valid, what in (("entities", ENTITY_KEYS, "an entity"), ("events", EVENT_KEYS, "an event")):
        items = record.get(key) or []
        for i, item in enumerate(items if isinstance(items, list) else []):
            _check_keys(item, valid, what, f"{key}[{i}] ({item.get('id')})" if isinstance(item, dict) else f"{key}[{i}]", where, doc_id)
    try:
        source = record.get("source") or {}
        if not isinstance(source, dict) or "text_file" not in source:
            raise NewsEventsError("`source` needs at least `text_file` (and `record` for JSONL texts)", field="source")
        entry = ManifestEntry(
            id=doc_id, source=str(source.get("source", "unknown")), text_file=str(source["text_file"]), sha256="",
            record=source.get("record"), url=source.get("url"), title=source.get("title"),
            date=str(source["date"]) if source.get("date") is not None else None, license=source.get("license"),
        )
        document = make_document(find_text(entry, text_dirs), doc_id, segmenter)
        entry = ManifestEntry(**{**entry.to_dict(), "sha256": document.sha256})
        text = document.text

        entities = []
        for i, item in enumerate(record.get("entities") or []):
            field = f"entities[{i}]"
            start, end = _quoted_span(document, item, ("span", "context", "occurrence"), field)
            entities.append(EntityMention(str(item["id"]), str(item["type"]), start, end, text[start:end],
                                          str(item["cluster"]) if item.get("cluster") is not None else None))
        events = []
        for i, item in enumerate(record.get("events") or []):
            field = f"events[{i}]"
            start, end = _quoted_span(document, item, ("trigger", "trigger_context", "trigger_occurrence"), field)
            arguments = []
            entity_ids = {e.id for e in entities}
            for role, value in (item.get("arguments") or {}).items():
                for target in _targets(value, f"{field}.arguments.{role}"):
                    arguments.append(Argument(str(role), entity=target) if target in entity_ids else Argument(str(role), event=target))
            events.append(EventMention(str(item["id"]), str(item["type"]), Span(start, end, text[start:end]), tuple(arguments),
                                       item.get("realis"), str(item["hopper"]) if item.get("hopper") is not None else None))
    except NewsEventsError as err:
        raise err.located(file=where, line=_item_line(record, err.field), document=doc_id) from None

    document = Document(doc_id, text, meta={**entry.meta, "sha256": document.sha256}, paragraphs=document.paragraphs,
                        sentences=document.sentences, tokens=document.tokens, entities=tuple(entities), events=tuple(events))
    problems = validate(document, schema, require_gold=True)
    if problems:
        raise ValidationError(problems, file=where, document=doc_id)
    return AuthoredDocument(entry, document)


def read_authoring(path: str | Path) -> list[dict[str, Any]]:
    """The records of one authoring file (a YAML list), with a clear error for anything else."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (a SafeLoader)
    except UnicodeDecodeError as err:
        raise FormatError(f"not UTF-8 ({err.reason})", file=str(path)) from None
    except OSError as err:
        raise FormatError(f"cannot read the authoring file: {err.strerror}", file=str(path)) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise FormatError(f"not valid YAML: {getattr(err, 'problem', err)}", file=str(path),
                          line=mark.line + 1 if mark else None) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FormatError("an authoring file is a YAML list of document records", file=str(path))
    return data


def author(paths: Iterable[str | Path], text_dirs: Sequence[str | Path], schema: Schema) -> list[AuthoredDocument]:
    """Resolve every record of every file; document ids must be unique across them."""
    segmenter = Segmenter()
    resolved: list[AuthoredDocument] = []
    seen: dict[str, str] = {}
    for path in paths:
        for record in read_authoring(path):
            authored = resolve(record, text_dirs, schema, segmenter, where=str(path))
            if authored.entry.id in seen:
                raise FormatError(f"document {authored.entry.id!r} is authored twice (also at {seen[authored.entry.id]})",
                                  file=str(path), line=_line(record), document=authored.entry.id)
            seen[authored.entry.id] = f"{path}:{_line(record)}"
            resolved.append(authored)
    return resolved


def manifest_with(authored: Sequence[AuthoredDocument], manifest_path: str | Path) -> list[ManifestEntry]:
    """The manifest's entries with those of ``authored`` added (existing entries kept, in file order).

    A document the manifest already lists with another text (sha256) raises :class:`FormatError`
    naming it: its gold would no longer fit.
    """
    from newsevents.corpus.manifest import load_manifest

    manifest_path = Path(manifest_path)
    entries = {e.id: e for e in load_manifest(manifest_path)} if manifest_path.exists() else {}
    for item in authored:
        known = entries.get(item.entry.id)
        if known is not None and known.sha256 != item.entry.sha256:
            raise FormatError(f"the manifest has this document with text {known.sha256}, the authoring resolved {item.entry.sha256}",
                              file=str(manifest_path), document=item.entry.id)
        entries.setdefault(item.entry.id, item.entry)
    return list(entries.values())

