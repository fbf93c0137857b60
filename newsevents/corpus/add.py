"""Add annotated documents to the corpus: manifest entries and a standoff gold file, checked first.

The way pulled (or adjudicated) annotations become corpus gold::

    newsevents corpus ingest articles/ --out docs.jsonl
    ...annotate in Label Studio, pull, adjudicate...
    newsevents corpus add docs.jsonl --gold gold.jsonl --text-root articles --license "CC BY 4.0"
    newsevents corpus split --texts articles

:func:`add_documents` takes

* the documents as ``newsevents corpus ingest`` wrote them: ``meta["path"]`` names the input file
  (``meta["line"]`` the record of a ``.jsonl``/``.csv`` input), and ``meta`` may hold ``source``,
  ``url``, ``date``, ``license`` and ``title`` from the input's metadata columns or HTML metadata;
* the gold: standoff records (``id``, ``sha256``, ``entities``, ``events``: what ``annotate
  adjudicate`` writes) or documents with their text (what ``annotate pull`` writes), in one file;
* each document's metadata, by precedence: the ``overrides`` (command-line options, for every
  document), then the ``sidecar`` (per id), then the document's own ``meta``.

Only documents that have a gold record are added (a negative example needs an empty one); the others
are named in :attr:`AddResult.notes`. Every document is checked before anything is written: a
source and a licence, an ISO date, an id neither the manifest nor the corpus gold has, the text file
inside the text root, the text found there normalising to the same sha256 as the document and the
gold, and the joined gold valid against the ontology (:func:`newsevents.validation.validate` with
``require_gold``). Then the gold file (new, ``gold/<name>.jsonl``) and the manifest are written
atomically; when the manifest cannot be written, the new gold file is removed again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from newsevents.corpus.build import CorpusLayout
from newsevents.corpus.manifest import GoldRecord, ManifestEntry, join, load_gold_records, load_manifest, redistributable, save_manifest
from newsevents.corpus.readers import read_articles
from newsevents.corpus.segment import Segmenter
from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError, ValidationError
from newsevents.jsonl import read_documents, read_records, write_records
from newsevents.ontology import Schema
from newsevents.validation import validate

#: The metadata a manifest entry takes from options, a sidecar or the document's ``meta``.
METADATA_KEYS: tuple[str, ...] = ("source", "url", "date", "license", "title")
#: Input formats whose files hold many records: the manifest entry names the record.
RECORD_FORMATS = ("jsonl", "csv")

_GOLD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class AddResult:
    """What :func:`add_documents` wrote."""

    entries: list[ManifestEntry]
    gold_file: Path
    manifest: Path
    #: Things a human should know: documents left out for want of gold, missing URLs or dates,
    #: licences that do not allow redistribution.
    notes: list[str] = field(default_factory=list)


def read_sidecar(path: str | Path) -> dict[str, dict[str, str]]:
    """Per-document metadata from a JSONL file: ``{"id": ..., "source": ..., "url": ..., "date": ..., "license": ...}``.

    Only ``id`` and :data:`METADATA_KEYS` are read; other keys are ignored, so a source folder's own
    ``manifest.jsonl`` (with ``file``, ``words``...) serves as a sidecar when its ids are the document ids.

    Raises
    ------
    FormatError
        A line without a string ``id``, an id twice, a metadata value that is not a string (file, line, field).
    """
    path = Path(path)
    out: dict[str, dict[str, str]] = {}
    for line, obj in read_records(path):
        doc_id = obj.get("id")
        if not isinstance(doc_id, str) or not doc_id:
            raise FormatError(f"'id' must be a non-empty string, got {doc_id!r}", file=str(path), line=line, field="id")
        if doc_id in out:
            raise FormatError("this id has a line already", file=str(path), line=line, document=doc_id, field="id")
        values = {}
        for key in METADATA_KEYS:
            value = obj.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                raise FormatError(f"{key!r} must be a non-empty string, got {value!r}", file=str(path), line=line, document=doc_id, field=key)
            values[key] = value
        out[doc_id] = values
    return out


def read_gold_input(path: str | Path) -> dict[str, GoldRecord]:
    """Gold records by id from standoff gold or from documents with text (``sha256`` of the text then).

    The first record decides: with a ``text`` field the file is read as documents, else as standoff gold
    (:func:`~newsevents.corpus.manifest.load_gold_records`).

    Raises
    ------
    FormatError
        Malformed records, an id twice (file, line, document).
    """
    path = Path(path)
    first = next(read_records(path), (0, {}))[1]
    if "text" not in first:
        return load_gold_records([path])
    records: dict[str, GoldRecord] = {}
    for number, doc in enumerate(read_documents(path), start=1):
        if doc.id in records:
            raise FormatError(f"second gold record for {doc.id!r} (first at {records[doc.id].location})", file=str(path), document=doc.id)
        records[doc.id] = GoldRecord(doc.id, doc.sha256, doc.entities, doc.events, location=f"{path} (document {number})")
    return records


def _metadata(doc: Document, sidecar: Mapping[str, Mapping[str, str]], overrides: Mapping[str, str | None]) -> dict[str, str]:
    """The document's source, url, date, licence and title: overrides, then sidecar, then its meta."""
    found: dict[str, str] = {}
    for key in METADATA_KEYS:
        for layer in (overrides, sidecar.get(doc.id, {}), doc.meta):
            value = layer.get(key)
            if value is not None and str(value).strip():
                found[key] = str(value).strip()
                break
    return found


def _check_date(value: str, doc_id: str) -> str:
    """``value`` as ``YYYY-MM-DD`` (a longer ISO timestamp is cut to its day); anything else raises."""
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}(?!\d)", value):
            return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    raise NewsEventsError(f"date must be an ISO date YYYY-MM-DD, got {value!r}; fix it in the sidecar (--meta), or give --date",
                          document=doc_id, field="date")


def _text_location(doc: Document, text_root: Path, cwd: Path) -> tuple[Path, str]:
    """The input file of an ingested document and its path relative to ``text_root`` (POSIX)."""
    given = doc.meta.get("path")
    if not isinstance(given, str) or not given:
        raise NewsEventsError("the document has no meta.path: give documents as `newsevents corpus ingest` writes them",
                              document=doc.id, field="meta.path")
    path = Path(given)
    candidates = [path] if path.is_absolute() else [cwd / path, text_root / path]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise NewsEventsError(f"the input file {given!r} is not there (looked in {', '.join(str(c.parent) for c in candidates)}); "
                              "run this from the folder the ingest ran in, or give --text-root", document=doc.id, field="meta.path")
    try:
        relative = found.resolve().relative_to(text_root.resolve())
    except ValueError:
        raise NewsEventsError(f"the text file {found} is not inside the text root {text_root}; give the folder that holds it "
                              "as --text-root (the build reads it with --texts)", document=doc.id, field="meta.path") from None
    return found, relative.as_posix()


def _record_id(doc: Document, path: Path) -> str:
    """The id of the record of a ``.jsonl``/``.csv`` input that the document was ingested from."""
    line = doc.meta.get("line")
    article = next((a for a in read_articles(path) if a.meta.get("line") == line), None)
    if article is None or article.source_id is None:
        raise NewsEventsError(f"no record with an 'id' on line {line!r} of {path}: the manifest reads .jsonl/.csv texts "
                              "by their 'id' and 'text' columns; ingest with those", document=doc.id, field="meta.line")
    return article.source_id


def plan_entries(
    documents: Iterable[Document],
    gold: Mapping[str, GoldRecord],
    *,
    text_root: str | Path,
    sidecar: Mapping[str, Mapping[str, str]] | None = None,
    overrides: Mapping[str, str | None] | None = None,
    cwd: str | Path | None = None,
) -> tuple[list[ManifestEntry], list[str]]:
    """The manifest entries for the documents that have gold (no file read but the inputs), and notes.

    Raises
    ------
    NewsEventsError
        A document without source or licence, with a date that is not ISO, without ``meta.path``, or
        whose file is outside ``text_root``; a repeated document id; gold for a document not among
        ``documents`` (each naming the document and field).
    """
    root, here = Path(text_root), Path(cwd) if cwd is not None else Path.cwd()
    sidecar, overrides = sidecar or {}, {k: v for k, v in (overrides or {}).items() if v is not None}
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    skipped, undated, no_url, restricted = [], [], [], []
    for doc in documents:
        if doc.id in seen:
            raise NewsEventsError("the documents file has this id twice", document=doc.id, field="id")
        seen.add(doc.id)
        if doc.id not in gold:
            skipped.append(doc.id)
            continue
        meta = _metadata(doc, sidecar, overrides)
        if "license" not in meta:
            raise NewsEventsError("no licence: give --license (every document), a sidecar line with 'license' (--meta), "
                                  "or a 'license' column in the ingest input", document=doc.id, field="license")
        if "source" not in meta:
            raise NewsEventsError("no source: give --source (every document), a sidecar line with 'source' (--meta), "
                                  "or a 'source' column in the ingest input", document=doc.id, field="source")
        if "date" in meta:
            meta["date"] = _check_date(meta["date"], doc.id)
        path, text_file = _text_location(doc, root, here)
        fmt = doc.meta.get("format") or path.suffix.lower().lstrip(".")
        record = _record_id(doc, path) if fmt in RECORD_FORMATS else None
        entries.append(ManifestEntry(id=doc.id, source=meta["source"], text_file=text_file, sha256=doc.sha256, record=record,
                                     url=meta.get("url"), title=meta.get("title"), date=meta.get("date"), license=meta["license"]))
        undated += [] if "date" in meta else [doc.id]
        no_url += [] if "url" in meta else [doc.id]
        restricted += [] if redistributable(meta["license"]) else [f"{doc.id} ({meta['license']})"]
    unknown = sorted(set(gold) - seen)
    if unknown:
        raise NewsEventsError(f"gold for {len(unknown)} documents the documents file does not have: {_listing(unknown)}; "
                              "give the documents file they were ingested into", file=gold[unknown[0]].location, document=unknown[0])
    notes = []
    for ids, what in ((skipped, "have no gold record and are not added"), (undated, "have no date (the temporal split places them by hash)"),
                      (no_url, "have no URL (the attribution cannot link them)"),
                      (restricted, "have a licence that does not allow redistribution (only a --local-only build takes them)")):
        if ids:
            notes.append(f"{len(ids)} documents {what}: {_listing(ids)}")
    return entries, notes


def _listing(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def add_documents(
    documents: str | Path,
    gold: str | Path,
    corpus_dir: str | Path,
    *,
    schema: Schema,
    text_root: str | Path | None = None,
    gold_name: str | None = None,
    sidecar: str | Path | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> AddResult:
    """Add the annotated documents of ``documents`` + ``gold`` to the corpus in ``corpus_dir``.

    Parameters
    ----------
    documents : path
        Documents JSONL as ``newsevents corpus ingest`` writes it.
    gold : path
        Standoff gold (``annotate adjudicate``) or documents with text and annotations (``annotate pull``).
    corpus_dir : path
        The corpus folder (``manifest.jsonl``, ``gold/``).
    schema : Schema
        The ontology the gold is validated against.
    text_root : path, optional
        The text directory the manifest's ``text_file`` paths are relative to (what the build gets as
        ``--texts``). Default: the current folder.
    gold_name : str, optional
        The gold file is ``gold/<gold_name>.jsonl``; it must not exist yet. Default: the stem of ``gold``.
    sidecar : path, optional
        Per-document metadata (:func:`read_sidecar`).
    overrides : mapping, optional
        ``source``, ``url``, ``date``, ``license``, ``title`` for every document (``None`` values ignored).

    Returns
    -------
    AddResult
        The entries added, the files written and the notes.

    Raises
    ------
    NewsEventsError
        Everything :func:`plan_entries` refuses; a document id the manifest or the corpus gold already
        has; a text that is missing or whose normalised sha256 differs from the document's or the
        gold's (:class:`~newsevents.errors.MismatchError`); gold that breaks the data contract or the
        ontology (:class:`~newsevents.errors.ValidationError`, every problem); a bad or taken gold
        name; no document with gold. Nothing is written then.
    """
    layout = CorpusLayout(Path(corpus_dir))
    root = Path(text_root) if text_root is not None else Path.cwd()
    if not root.is_dir():
        raise NewsEventsError("the text root is not a folder; --text-root takes the folder the text files are under", file=str(root))
    name = gold_name if gold_name is not None else Path(gold).stem
    if not _GOLD_NAME.match(name):
        raise NewsEventsError(f"gold name {name!r} must be letters, digits, '.', '-' or '_' (a file name without .jsonl)", field="gold_name")
    gold_file = layout.gold / f"{name}.jsonl"
    if gold_file.exists():
        raise NewsEventsError("this gold file exists already: choose another --gold-name", file=str(gold_file))
    docs = list(read_documents(documents))
    records = read_gold_input(gold)
    entries, notes = plan_entries(docs, records, text_root=root, sidecar=read_sidecar(sidecar) if sidecar else None, overrides=overrides)
    if not entries:
        raise NewsEventsError("no document of the documents file has a gold record: nothing to add", file=str(gold))
    manifest = load_manifest(layout.manifest) if layout.manifest.exists() else []
    known = {e.id for e in manifest}
    corpus_gold = load_gold_records([layout.gold]) if layout.gold.is_dir() else {}
    for entry in entries:
        if entry.id in known:
            raise NewsEventsError("the corpus manifest has this document already (an id is added once; a changed text needs a new id)",
                                  file=str(layout.manifest), document=entry.id, field="id")
        if entry.id in corpus_gold:
            raise NewsEventsError(f"the corpus gold has this document already ({corpus_gold[entry.id].location})", document=entry.id, field="id")
    segmenter = Segmenter()
    problems = []
    for entry in entries:
        joined = join(entry, records[entry.id], [root], segmenter)  # the text on disk, normalised: sha256 checked
        problems += validate(joined, schema, require_gold=True)
    if problems:
        raise ValidationError(problems, file=str(gold))
    write_records(gold_file, (records[e.id] for e in entries), GoldRecord.to_dict)
    try:
        save_manifest(layout.manifest, [*manifest, *entries])
    except BaseException:
        os.unlink(gold_file)
        raise
    return AddResult(entries=entries, gold_file=gold_file, manifest=layout.manifest, notes=notes)

