"""Ingestion: input files in, normalised and segmented :class:`~newsevents.document.Document` s out.

One bad file never stops the others: every file that cannot be read (not UTF-8, empty, binary, too
large, malformed) becomes an :class:`IngestFailure` with a one-line reason, and ingestion goes on.

Each document records its provenance in ``meta``: ``path`` (or whatever the reader found: ``url``,
``title``, ``date``, ``license``...), ``sha256`` of the normalised text, the ``normalization``
rules version and the ``ingested_with`` tool version.

Ids are stable: the id a JSONL/CSV record carries, else the file name without its suffix, each
behind an optional prefix. Two inputs that would get the same id are an error for the second one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from newsevents import __version__
from newsevents.corpus.normalize import NORMALIZATION_VERSION, NormalizedText, normalize
from newsevents.corpus.readers import RawArticle, iter_input_files, read_articles
from newsevents.corpus.segment import SegmentOffsets, Segmenter
from newsevents.document import Document, text_sha256
from newsevents.errors import NewsEventsError

#: Largest article accepted by default, in bytes.
DEFAULT_MAX_BYTES = 10_000_000
#: Articles handed to a worker process at a time when ``jobs > 1``.
CHUNK_SIZE = 64


@dataclass(frozen=True)
class IngestFailure:
    """An input that produced no document: where it was and why."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"

    @property
    def path(self) -> str:
        """The file, without a ``:line`` suffix."""
        return self.location.rsplit(":", 1)[0] if self.location.rsplit(":", 1)[-1].isdigit() else self.location

    @classmethod
    def from_error(cls, err: NewsEventsError, default_location: str) -> IngestFailure:
        location = err.file or default_location
        if err.file and err.line:
            location = f"{err.file}:{err.line}"
        reason = f"field {err.field}: {err.message}" if err.field else err.message
        return cls(location, reason)


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    failures: list[IngestFailure] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: how many documents were ingested and how many inputs failed."""
        return f"ingested {len(self.documents)} documents, {len(self.failures)} failed"


def check_output_file(out: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse an output path that ingestion may not write: a folder, or one of the inputs.

    Raises
    ------
    NewsEventsError
        One line naming the path and the fix.
    """
    out = Path(out)
    if out.is_dir():
        raise NewsEventsError("the output is a folder; --out takes the documents JSONL file to write", file=str(out))
    existing = next((p for p in out.absolute().parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise NewsEventsError(f"{existing} is a file, so the output cannot be written there: choose another --out", file=str(out))
    if out.exists():
        for path in map(Path, inputs):
            if path.exists() and path.is_file() and os.path.samefile(path, out):
                raise NewsEventsError("the output is one of the inputs: choose another --out", file=str(out))


def article_id(article: RawArticle, prefix: str = "") -> str:
    """The stable id of an article: its record id, else its file name without the suffix."""
    base = article.source_id if article.source_id else Path(article.meta["path"]).stem
    return f"{prefix}{base}"


def make_document(article: RawArticle, doc_id: str, segmenter: Segmenter) -> Document:
    """Normalise and segment one article; raises ``NewsEventsError`` if nothing is left of its text."""
    return _prepare(article, doc_id, segmenter).to_document()


@dataclass(frozen=True)
class _Prepared:
    """A document before its segments become objects: what a worker process sends back."""

    article: RawArticle
    doc_id: str
    normalized: NormalizedText
    offsets: SegmentOffsets

    def to_document(self) -> Document:
        segmentation = self.offsets.to_segmentation()
        meta = {
            **self.article.meta,
            "sha256": text_sha256(self.normalized.text),
            "normalization": NORMALIZATION_VERSION,
            "ingested_with": f"newsevents {__version__}",
        }
        return Document(
            id=self.doc_id,
            text=self.normalized.text,
            meta=meta,
            paragraphs=self.normalized.paragraphs,
            sentences=segmentation.sentences,
            tokens=segmentation.tokens,
        )


def _prepare(article: RawArticle, doc_id: str, segmenter: Segmenter) -> _Prepared:
    normalized = normalize(article.text)
    if not normalized.text:
        raise NewsEventsError("empty document: no visible characters after normalisation", file=article.location)
    return _Prepared(article, doc_id, normalized, segmenter.offsets(normalized.text, normalized.paragraphs))


_WORKER_SEGMENTER: Segmenter | None = None


def _worker_segmenter() -> Segmenter:
    """The segmenter of this process (made on first use; worker processes inherit the parent's)."""
    global _WORKER_SEGMENTER
    if _WORKER_SEGMENTER is None:
        _WORKER_SEGMENTER = Segmenter()
    return _WORKER_SEGMENTER


def _prepare_batch(batch: Sequence[tuple[RawArticle, str]]) -> list[_Prepared | IngestFailure]:
    """Worker entry point: normalised, segmented documents (or failures) for ``(article, id)`` pairs."""
    segmenter = _worker_segmenter()
    out: list[_Prepared | IngestFailure] = []
    for article, doc_id in batch:
        try:
            out.append(_prepare(article, doc_id, segmenter))
        except NewsEventsError as err:
            out.append(IngestFailure.from_error(err, article.location))
    return out


def ingest(
    inputs: Iterable[str | Path],
    *,
    id_prefix: str = "",
    text_column: str = "text",
    id_column: str = "id",
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Ingest files and directories (searched recursively for supported files).

    Parameters
    ----------
    inputs : iterable of path
        Files (``.txt``, ``.md``, ``.html``, ``.jsonl``, ``.csv``) and directories.
    id_prefix : str, default ""
        Put before every document id.
    text_column, id_column : str
        Columns of JSONL and CSV inputs holding the text and the id.
    max_bytes : int, default 10,000,000
        Largest article accepted, in bytes (a file for .txt/.md/.html, a record's text for .jsonl/.csv).
    jobs : int, default 0
        Worker processes for normalisation and segmentation; ``0`` means one per CPU. Inputs of
        one batch (64 articles) or fewer are processed in this process.
    progress : callable, optional
        Called with the number of articles finished since the last call.

    Returns
    -------
    IngestResult
        Documents in input order (files sorted, records in file order) and the failures.
    """
    result = IngestResult()
    pending: list[tuple[RawArticle, str]] = []
    seen: dict[str, str] = {}
    for path in iter_input_files(Path(p) for p in inputs):
        try:
            articles = read_articles(path, text_column=text_column, id_column=id_column, max_bytes=max_bytes)
        except NewsEventsError as err:
            result.failures.append(IngestFailure.from_error(err, str(path)))
            continue
        for article in articles:
            doc_id = article_id(article, id_prefix)
            if doc_id in seen:
                result.failures.append(IngestFailure(article.location, f"duplicate document id {doc_id!r}, already used by {seen[doc_id]}"))
                continue
            seen[doc_id] = article.location
            pending.append((article, doc_id))

    batches = [pending[i:i + CHUNK_SIZE] for i in range(0, len(pending), CHUNK_SIZE)]
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    if workers > 1 and len(batches) > 1:
        # Load spaCy here, once: forked workers inherit it instead of each loading their own.
        _worker_segmenter().nlp
        with ProcessPoolExecutor(max_workers=min(workers, len(batches))) as pool:
            outputs = pool.map(_prepare_batch, batches)
            _collect(outputs, batches, result, progress)
    else:
        _collect(map(_prepare_batch, batches), batches, result, progress)
    return result


def _collect(outputs, batches, result: IngestResult, progress) -> None:  # type: ignore[no-untyped-def]
    for batch, out in zip(batches, outputs):
        for item in out:
            if isinstance(item, _Prepared):
                result.documents.append(item.to_document())
            else:
                result.failures.append(item)
        if progress is not None:
            progress(len(batch))
