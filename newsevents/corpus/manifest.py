"""The corpus as stored in the repo: a manifest of documents and standoff gold, no article text.

``corpus/manifest.jsonl`` has one line per document of the corpus::

    {"id": "...", "source": "Wikinews", "text_file": "wikinews/....txt", "sha256": "...",
     "url": "...", "date": "2019-01-24", "license": "CC BY 2.5"}

``text_file`` is relative to a text directory (``--texts``); when the file is JSONL, ``record``
names the record (its ``id``) whose ``text`` field holds the article. ``sha256`` is the hash of the
*normalised* text (:mod:`newsevents.corpus.normalize`).

``corpus/gold/*.jsonl`` holds the annotations, one line per document::

    {"id": "...", "sha256": "...", "entities": [...], "events": [...]}

with entity and event mentions exactly as in the document format (offsets into the normalised text,
plus each span's own text). A document with no events still has a gold line (a negative example).

:func:`join` reads a text, normalises and segments it as ingestion does, checks the sha256 of the
result against the manifest and the gold, and attaches the annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsevents.corpus.ingest import make_document
from newsevents.corpus.readers import RawArticle, read_articles
from newsevents.corpus.segment import Segmenter
from newsevents.document import Document, EntityMention, EventMention
from newsevents.errors import FormatError, MismatchError, NewsEventsError
from newsevents.jsonl import read_records, write_records
from newsevents.paths import EXAMPLES


_METADATA_KEYS = ("source", "url", "title", "date", "license")

#: Text licences whose texts may be redistributed in a built or published dataset, as the manifest
#: spells them (compared case-insensitively, spaces collapsed). Anything else, or no licence, may not.
REDISTRIBUTABLE_LICENSES = ("CC BY 2.5", "CC BY 4.0", "CC BY-SA 4.0", "public domain")


def _licence_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def redistributable(license: str | None) -> bool:
    """Whether a text under ``license`` may go into a built or published dataset.

    The one rule of the project: ``True`` for the licences of :data:`REDISTRIBUTABLE_LICENSES`
    (case and spacing ignored), ``False`` for anything else, including a missing licence.

    Example
    -------
    >>> redistributable("CC BY-SA 4.0"), redistributable("Public Domain"), redistributable(None)
    (True, True, False)
    >>> redistributable("third-party news text, user-supplied (bundled example only)")
    False
    """
    return license is not None and _licence_key(license) in {_licence_key(name) for name in REDISTRIBUTABLE_LICENSES}


@dataclass(frozen=True)
class ManifestEntry:
    id: str
    source: str
    text_file: str
    sha256: str
    record: str | None = None
    url: str | None = None
    title: str | None = None
    date: str | None = None
    license: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @property
    def meta(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _METADATA_KEYS if getattr(self, k) is not None}

    @property
    def redistributable(self) -> bool:
        """The verdict of :func:`redistributable` on this entry's licence."""
        return redistributable(self.license)


@dataclass(frozen=True)
class GoldRecord:
    """The standoff annotations of one document."""

    id: str
    sha256: str
    entities: tuple[EntityMention, ...] = ()
    events: tuple[EventMention, ...] = ()
    location: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
        }

    @classmethod
    def from_document(cls, document: Document) -> GoldRecord:
        return cls(document.id, document.sha256, document.entities, document.events)


def _checked(obj: dict[str, Any], key: str, file: str, line: int, optional: bool = False) -> Any:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise FormatError(f"{key!r} must be a non-empty string, got {value!r}", file=file, line=line, document=obj.get("id"), field=key)
    return value


def load_manifest(path: str | Path) -> list[ManifestEntry]:
    """Read ``manifest.jsonl``; ids must be unique. Errors name file, line and field."""
    entries: list[ManifestEntry] = []
    seen: dict[str, int] = {}
    for line, obj in read_records(path):
        unknown = set(obj) - set(ManifestEntry.__dataclass_fields__)
        if unknown:
            raise FormatError(f"unknown keys {sorted(unknown)}; valid: {sorted(ManifestEntry.__dataclass_fields__)}", file=str(path), line=line)
        required = ("id", "source", "text_file", "sha256")
        values = {k: _checked(obj, k, str(path), line, optional=k not in required) for k in ManifestEntry.__dataclass_fields__}
        entry = ManifestEntry(**values)
        if entry.id in seen:
            raise FormatError(f"duplicate document id {entry.id!r} (first on line {seen[entry.id]})", file=str(path), line=line, document=entry.id)
        seen[entry.id] = line
        entries.append(entry)
    return entries


def save_manifest(path: str | Path, entries: Iterable[ManifestEntry]) -> int:
    return write_records(path, sorted(entries, key=lambda e: e.id), ManifestEntry.to_dict)


def load_gold_records(paths: Iterable[str | Path]) -> dict[str, GoldRecord]:
    """Read standoff gold files (or every ``*.jsonl`` in a directory); one record per document id."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    records: dict[str, GoldRecord] = {}
    for file in files:
        for line, obj in read_records(file):
            try:
                doc = Document.from_dict({**obj, "text": ""})
                sha = _checked(obj, "sha256", str(file), line)
            except NewsEventsError as err:
                raise err.located(file=str(file), line=line, document=obj.get("id")) from None
            if doc.id in records:
                raise FormatError(f"second gold record for {doc.id!r} (first at {records[doc.id].location})", file=str(file), line=line, document=doc.id)
            records[doc.id] = GoldRecord(doc.id, sha, doc.entities, doc.events, location=f"{file}:{line}")
    return records


@lru_cache(maxsize=16)
def _jsonl_records(path: Path) -> dict[str, RawArticle]:
    return {a.source_id: a for a in read_articles(path) if a.source_id is not None}


def find_text(entry: ManifestEntry, text_dirs: Sequence[str | Path]) -> RawArticle:
    """The raw article of a manifest entry, from the first text directory that has its file."""
    searched = [Path(d) for d in text_dirs] + [EXAMPLES]
    for directory in searched:
        path = directory / entry.text_file
        if not path.is_file():
            continue
        if entry.record is None:
            return read_articles(path)[0]
        article = _jsonl_records(path.resolve()).get(entry.record)
        if article is None:
            raise FormatError(f"no record with id {entry.record!r} in {path}", document=entry.id, field="record")
        return article
    raise FormatError(
        f"text file {entry.text_file!r} not found in any text directory: {', '.join(map(str, searched))}",
        document=entry.id, field="text_file",
    )


def join(entry: ManifestEntry, gold: GoldRecord | None, text_dirs: Sequence[str | Path], segmenter: Segmenter) -> Document:
    """Normalise and segment the entry's text and attach its gold; refuse any hash mismatch.

    Raises
    ------
    MismatchError
        When the normalised text's sha256 differs from the manifest's or the gold's (both named).
    """
    article = find_text(entry, text_dirs)
    document = make_document(article, entry.id, segmenter)
    location = f"{article.location} (manifest entry {entry.id!r})"
    if document.sha256 != entry.sha256:
        raise MismatchError(
            f"sha256 of the normalised text is {document.sha256}, the manifest says {entry.sha256}: "
            "the text changed, or was normalised by other rules",
            file=location, document=entry.id, field="sha256",
        )
    if gold is not None and gold.sha256 != entry.sha256:
        raise MismatchError(
            f"gold was annotated on text {gold.sha256}, the manifest's text is {entry.sha256}",
            file=gold.location, document=entry.id, field="sha256",
        )
    meta = {**entry.meta, **{k: v for k, v in document.meta.items() if k not in ("path",)}}
    return Document(
        id=document.id,
        text=document.text,
        meta=meta,
        paragraphs=document.paragraphs,
        sentences=document.sentences,
        tokens=document.tokens,
        entities=gold.entities if gold else (),
        events=gold.events if gold else (),
    )
