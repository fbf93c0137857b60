"""Out of a dataset (or a corpus folder): one split in any format users ask for, and the texts back.

* :func:`load_split` reads one split of a dataset folder (built or published: ``train``,
  ``validation``/``dev``, ``test``) or of a corpus folder (manifest + gold + ``--texts``).
* :func:`export` writes it as ``newsevents`` JSONL, ``textee`` (TextEE/OneIE JSONL, the format most
  model code reads), ``wikievents``, ``conll`` or ``label-studio`` (a JSON list of tasks with the
  annotations as predictions, ready for Label Studio's import).
* :func:`write_texts` turns a dataset (a folder, or a Hub id fetched with
  ``huggingface_hub.snapshot_download``) back into a text directory laid out as
  ``corpus/manifest.jsonl`` expects (``text_file`` paths, JSONL ``record`` ids), each text checked
  against the manifest's sha256, so that ``newsevents corpus build --texts DIR`` rebuilds the
  same dataset without ``../shared/sources``.

``label-studio`` is written by the annotation layer's task builder
(``newsevents.annotation.label_studio.tasks.document_to_tasks``), looked up by name at run time
through the registry (:data:`EXPORT_WRITERS`), as extractors are: the corpus layer does not import
the annotation layer.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsevents.corpus.build import CorpusLayout, load_corpus, resolve_splits
from newsevents.corpus.manifest import load_manifest
from newsevents.corpus.normalize import normalize
from newsevents.document import Document, text_sha256
from newsevents.errors import FormatError, MismatchError, NewsEventsError
from newsevents.formats import ConversionReport, Dropped
from newsevents.formats.loading import PUBLISHED_SPLIT_NAMES, is_dataset_folder, load_dataset_split
from newsevents.jsonl import atomic_write, write_records
from newsevents.ontology import Schema
from newsevents.registry import Registry

#: Writers of formats that are not in :data:`newsevents.formats.FORMATS`, as ``"module:attr"``
#: targets imported on first use: ``label-studio`` -> the task builder of one document.
EXPORT_WRITERS: Registry[Any] = Registry("export format")
EXPORT_WRITERS.register("label-studio", "newsevents.annotation.label_studio.tasks:document_to_tasks")


def export_formats() -> list[str]:
    """Every name ``--to`` takes: the registered file formats and :data:`EXPORT_WRITERS`."""
    from newsevents import formats

    return sorted(set(formats.FORMATS.names()) | set(EXPORT_WRITERS.names()))


def _stored_split(split: str) -> str:
    """The ``splits.jsonl`` name of a published split name (``validation`` -> ``dev``)."""
    back = {published: stored for stored, published in PUBLISHED_SPLIT_NAMES.items()}
    return back.get(split, split)


def load_split(source: str | Path, split: str, *, texts: Sequence[str | Path] = (), schema: Schema | None = None) -> list[Document]:
    """The documents of ``split`` in a dataset folder or a corpus folder.

    Parameters
    ----------
    source : path
        A dataset folder (``README.md`` card: built by ``newsevents corpus build`` or ``publish``) or
        a corpus folder (``manifest.jsonl``, ``gold/``, ``splits.jsonl``).
    split : str
        ``train``, ``validation`` (or ``dev``: the same split) or ``test``.
    texts : sequence of path
        For a corpus folder: the text directories.
    schema : Schema, optional
        For a corpus folder (default: ``annotation/schema.yaml``).
    """
    source = Path(source)
    if is_dataset_folder(source):
        return load_dataset_split(source, split)
    layout = CorpusLayout(source)
    if not layout.manifest.is_file():
        raise FormatError("neither a dataset folder (no README.md card) nor a corpus folder (no manifest.jsonl)", file=str(source))
    from newsevents.ontology import load_schema

    documents = load_corpus(source, texts, schema or load_schema())
    assignment, _ = resolve_splits(documents, layout.splits)
    wanted = _stored_split(split)
    known = sorted({PUBLISHED_SPLIT_NAMES.get(s, s) for s in assignment.splits.values()})
    if wanted not in set(assignment.splits.values()):
        raise NewsEventsError(f"the corpus has no split {split!r}; splits: {', '.join(known)}", file=str(layout.splits))
    return [d for d in documents if assignment.split_of(d.id) == wanted]


def write_label_studio(path: str | Path, documents: Sequence[Document], *, max_chars: int = 10_000) -> ConversionReport:
    """Label Studio tasks (a JSON list) for ``documents``, their annotations as one prediction each.

    Long documents become one task per chunk of paragraphs; what a chunk boundary cuts is in the
    report's ``dropped`` (``chunk_boundary``).
    """
    document_to_tasks = EXPORT_WRITERS.get("label-studio")
    tasks: list[dict[str, Any]] = []
    dropped: list[Dropped] = []
    for document in documents:
        produced = document_to_tasks(document, max_chars=max_chars)
        tasks += produced.tasks
        for item in produced.report.dropped:
            mention = getattr(item, "mention", None) or getattr(item, "event", "")
            dropped.append(Dropped(document.id, mention, "chunk_boundary", str(item)))
    with atomic_write(path) as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return ConversionReport("label-studio", (str(path),), len(documents), len(tasks), tuple(dropped))


def export(
    source: str | Path,
    split: str,
    to: str,
    out: str | Path,
    *,
    texts: Sequence[str | Path] = (),
    schema: Schema | None = None,
    **options: Any,
) -> ConversionReport:
    """Write ``split`` of ``source`` (see :func:`load_split`) to ``out`` in format ``to``.

    ``options`` go to the format's writer (``window=`` and ``drop_log=`` for ``textee``, ``layer=`` for
    ``conll``, ``coref_path=`` for ``wikievents``, ``max_chars=`` for ``label-studio``); a misspelt
    one raises naming the valid ones. Returns the writer's report (what could not be held).
    """
    from newsevents import formats

    if to not in export_formats():
        raise formats.UnknownFormatError(f"unknown format {to!r} for --to; available: {', '.join(export_formats())}")
    documents = load_split(source, split, texts=texts, schema=schema)
    if to in EXPORT_WRITERS:
        from newsevents.registry import check_options

        check_options(f"format {to!r}", ("max_chars",), options)
        return write_label_studio(out, documents, **options)
    return formats.write(out, documents, to, **options)


# --- the texts back -----------------------------------------------------------------------------


@dataclass
class TextsReport:
    """What :func:`write_texts` wrote."""

    out_dir: Path
    #: Text files written (relative to ``out_dir``).
    files: list[str] = field(default_factory=list)
    #: Documents written.
    documents: int = 0
    #: Manifest entries the dataset does not hold (not redistributable, or newer than the dataset).
    missing: list[str] = field(default_factory=list)


def _dataset_documents(source: str | Path, cache_dir: str | Path | None = None) -> list[Document]:
    """Every document of every split of a dataset folder or Hub dataset id."""
    folder = Path(source)
    if not is_dataset_folder(folder):
        text = str(source)
        if folder.exists() or text.count("/") != 1:
            raise FormatError("not a dataset folder (no README.md card) nor a Hub dataset id ORG/NAME", file=text)
        from huggingface_hub import snapshot_download

        try:
            folder = Path(snapshot_download(text, repo_type="dataset", cache_dir=cache_dir))
        except Exception as err:  # any download problem: one line, never a traceback
            raise NewsEventsError(f"cannot download dataset {text!r} from the Hub: {type(err).__name__}: {err}".replace("\n", " ")) from None
    import datasets

    from newsevents.features import document_from_row

    datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory(prefix="newsevents-texts-cache-") as cache:
        loaded = datasets.load_dataset(str(folder), "documents", cache_dir=cache)
        return [document_from_row(row, table.features) for table in loaded.values() for row in table]


def write_texts(source: str | Path, out_dir: str | Path, *, corpus_dir: str | Path = "corpus",
                cache_dir: str | Path | None = None) -> TextsReport:
    """Write the text directory of ``corpus_dir``'s manifest from a published or dry-run dataset.

    Each manifest entry held by the dataset gets its text at ``out_dir / text_file``: a plain text
    file, or (with ``record``) a line ``{"id": record, "text": ..., "title": ..., "date": ..., "url": ...,
    "license": ...}`` of a JSONL file. Every text is checked before anything is written: normalised
    again, its sha256 must equal the manifest's.

    Raises
    ------
    MismatchError
        A dataset text whose sha256 differs from the manifest's (the dataset is of another corpus version).
    FormatError
        ``out_dir`` exists and is not empty, or a text file would hold both kinds of entry.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FormatError("the text directory exists and is not empty: choose a new --out", file=str(out_dir))
    manifest_path = CorpusLayout(Path(corpus_dir)).manifest
    entries = load_manifest(manifest_path)
    documents = {d.id: d for d in _dataset_documents(source, cache_dir)}
    plain: dict[str, str] = {}
    records: dict[str, list[dict[str, Any]]] = {}
    report = TextsReport(out_dir)
    for entry in entries:
        document = documents.get(entry.id)
        if document is None:
            report.missing.append(entry.id)
            continue
        if text_sha256(normalize(document.text).text) != entry.sha256:
            raise MismatchError(f"the dataset's text has sha256 {text_sha256(normalize(document.text).text)}, the manifest "
                                f"says {entry.sha256}: the dataset was built from another version of the corpus",
                                file=str(manifest_path), document=entry.id, field="sha256")
        if entry.record is None:
            if entry.text_file in records or entry.text_file in plain:
                raise FormatError(f"{entry.text_file!r} is named by two entries", file=str(manifest_path), document=entry.id, field="text_file")
            plain[entry.text_file] = document.text
        else:
            if entry.text_file in plain:
                raise FormatError(f"{entry.text_file!r} is both a text file and a JSONL file", file=str(manifest_path), document=entry.id)
            meta = {k: document.meta[k] for k in ("title", "date", "url", "license") if document.meta.get(k) is not None}
            records.setdefault(entry.text_file, []).append({"id": entry.record, "text": document.text, **meta})
        report.documents += 1
    for relative, text in plain.items():
        with atomic_write(out_dir / relative) as handle:
            handle.write(text + "\n")
        report.files.append(relative)
    for relative, lines in records.items():
        write_records(out_dir / relative, lines)
        report.files.append(relative)
    report.files.sort()
    return report
