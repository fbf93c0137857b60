"""Reading gold and predictions for scoring, with the location of every problem.

* :func:`load_gold` reads a documents JSONL file, a dataset folder built by ``newsevents corpus
  build`` (one split of its ``documents`` config), or a file in another format through the format
  registry (:mod:`newsevents.formats`).
* :func:`load_predictions` reads predictions and remembers the line of each document id, so that
  :func:`located_in_predictions` can add file and line to an error :func:`~newsevents.eval.score.score`
  raises about one predicted document.

Example
-------
>>> gold = load_gold("gold.jsonl")                                        # doctest: +SKIP
>>> predictions, lines = load_predictions("predictions.jsonl")            # doctest: +SKIP
>>> with located_in_predictions("predictions.jsonl", lines):              # doctest: +SKIP
...     report = score(gold, predictions)
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsevents.errors import suggest
from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError, ValidationError
from newsevents.formats._base import wrong_format
from newsevents.jsonl import read_records
from newsevents.ontology import Schema
from newsevents.validation import Problem, validate_all

#: The project's own format: documents JSONL (or, for gold, a dataset folder).
NATIVE_FORMAT = "newsevents"
#: The dataset config that holds whole documents.
DOCUMENTS_CONFIG = "documents"
#: Split names of ``corpus/splits.jsonl`` -> the names a built or published dataset uses (what Hub
#: users expect). Readers of a dataset folder accept either name.
PUBLISHED_SPLIT_NAMES = {"train": "train", "dev": "validation", "test": "test"}


def dataset_split_name(split: str, available: Sequence[str]) -> str:
    """The split of a dataset folder meant by ``split``: ``"dev"`` and ``"validation"`` name the same one.

    Example
    -------
    >>> dataset_split_name("dev", ["train", "validation", "test"]), dataset_split_name("validation", ["dev"])
    ('validation', 'dev')
    """
    if split in available:
        return split
    aliases = {"dev": "validation", "validation": "dev"}
    return aliases[split] if aliases.get(split) in available else split


def document_from_record(obj: Any, *, source: str, line: int | None = None) -> Document:
    """A :class:`Document` from a JSON object (or a Document, returned as it is).

    ``source`` and ``line`` name where the object came from (a file and its 1-based line, or an
    extractor's output and the item's 1-based position) in any error raised.
    """
    if isinstance(obj, Document):
        return obj
    if not isinstance(obj, dict):
        raise FormatError(f"expected a document (a JSON object), got {type(obj).__name__}", file=source, line=line)
    try:
        return Document.from_dict(obj)
    except NewsEventsError as err:
        doc_id = obj.get("id") if isinstance(obj.get("id"), str) else None
        mismatch = wrong_format(obj, NATIVE_FORMAT)
        if mismatch is not None:  # a TextEE or WikiEvents line: say so rather than which key is missing
            err = mismatch
        raise err.located(file=source, line=line, document=doc_id) from None


def is_dataset_folder(path: str | Path) -> bool:
    """A folder written by ``newsevents corpus build``: a directory with a README.md dataset card."""
    path = Path(path)
    return path.is_dir() and (path / "README.md").is_file()


def load_dataset_split(path: str | Path, split: str | None = None) -> list[Document]:
    """The documents of one split of a dataset folder's ``documents`` config.

    ``split`` may be left out only when the folder has a single split; otherwise the error lists
    the splits. ``"dev"`` and ``"validation"`` name the same split (:func:`dataset_split_name`).
    The folder is read offline into a temporary cache that is deleted afterwards.
    """
    import datasets

    from newsevents.features import document_from_row

    datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory(prefix="newsevents-eval-cache-") as cache:
        try:
            loaded = datasets.load_dataset(str(path), DOCUMENTS_CONFIG, cache_dir=cache)
        except (ValueError, FileNotFoundError) as err:
            raise FormatError(f"not a loadable dataset folder: {err}", file=str(path)) from None
        splits = list(loaded)
        if split is None:
            if len(splits) != 1:
                raise NewsEventsError(f"the dataset has several splits ({', '.join(splits)}); choose one with --split", file=str(path))
            split = splits[0]
        split = dataset_split_name(split, splits)
        if split not in loaded:
            raise NewsEventsError(f"the dataset has no split {split!r}; {suggest(split, splits)}", file=str(path))
        table = loaded[split]
        return [document_from_row(row, table.features) for row in table]


def load_gold(path: str | Path, *, split: str | None = None, fmt: str = NATIVE_FORMAT, **format_options: Any) -> list[Document]:
    """Gold documents from a JSONL file, a dataset folder, or a file in another registered format.

    Parameters
    ----------
    path : str or Path
        A documents JSONL file; a dataset folder (a directory with ``README.md``, as written by
        ``newsevents corpus build``); or, with ``fmt``, any input the format reads.
    split : str, optional
        For a dataset folder: the split to score against. Required when the folder has several.
        ``"dev"`` and ``"validation"`` are the same split.
    fmt : str, default "newsevents"
        A name of the format registry (:mod:`newsevents.formats`).
    **format_options
        Passed to the format's reader (for example ``coref=`` for WikiEvents).

    Raises
    ------
    NewsEventsError
        A missing file, a malformed line (naming file and line), an unknown split or format, or
        ``split`` given for an input that is not a dataset folder.

    Notes
    -----
    This reads; it does not check the annotations: :func:`check_documents` does.
    """
    return load_gold_with_lines(path, split=split, fmt=fmt, **format_options)[0]


def load_gold_with_lines(
    path: str | Path, *, split: str | None = None, fmt: str = NATIVE_FORMAT, **format_options: Any,
) -> tuple[list[Document], dict[str, int]]:
    """:func:`load_gold`, plus the 1-based line of each document id in a documents JSONL file
    (the first line of an id given twice); the mapping is empty for other inputs."""
    path = Path(path)
    if fmt == NATIVE_FORMAT and is_dataset_folder(path):
        return load_dataset_split(path, split), {}
    if split is not None:
        raise NewsEventsError(f"--split {split} applies to a dataset folder (a directory with README.md), not to this input", file=str(path))
    if fmt == NATIVE_FORMAT:
        if path.is_dir():
            raise FormatError("a directory without README.md is not a dataset folder; give a documents JSONL file or a built dataset", file=str(path))
        documents, lines = [], {}
        for line, obj in read_records(path):
            document = document_from_record(obj, source=str(path), line=line)
            documents.append(document)
            lines.setdefault(document.id, line)
        return documents, lines
    from newsevents import formats

    return formats.read(path, fmt, **format_options), {}


def check_documents(
    documents: Sequence[Document], *, file: str | Path, lines: Mapping[str, int] | None = None, schema: Schema | None = None,
) -> list[Problem]:
    """Check documents read from ``file`` before they are trusted (gold before scoring, the input of a
    conversion): every problem of :func:`newsevents.validation.validate_all`.

    Structure always (offsets in range, span texts equal to the text, references that resolve, unique
    ids...); with ``schema``, the ontology too (types, roles, realis values). Raises
    :class:`~newsevents.errors.ValidationError` located at the first problem (``file``, its document's
    line from ``lines``, document, field) and holding them all in ``problems``; returns ``[]``
    when the documents are valid.
    """
    problems = validate_all(documents, schema)
    if problems:
        raise locate(ValidationError(problems), file, lines or {})
    return problems


def problem_lines(problems: Sequence[Problem], file: str | Path, lines: Mapping[str, int]) -> list[str]:
    """Each problem as one line starting with ``file:line`` of its document (``file`` alone when unknown)."""
    return [f"{file}:{lines[p.document]}, {p}" if p.document in lines else f"{file}, {p}" for p in problems]


def load_predictions(
    path: str | Path, fmt: str = NATIVE_FORMAT, *, reference: Sequence[Document] | None = None, **format_options: Any,
) -> tuple[list[Document], dict[str, int]]:
    """Predicted documents and the 1-based line of each document id.

    When an id occurs on several lines, the last one is kept (a second prediction for one document
    is the offending one). Other formats than ``newsevents`` are read through the format registry,
    with ``reference`` (the gold documents, whose texts token offsets are aligned on) when the format
    reads one; they have no line numbers (the mapping is empty).
    """
    if fmt != NATIVE_FORMAT:
        from newsevents import formats

        if reference is not None and "reference" in formats.get_format(fmt).options("read"):
            format_options = {"reference": reference, **format_options}
        return formats.read(path, fmt, **format_options), {}
    if format_options:
        raise NewsEventsError(f"the {NATIVE_FORMAT} format takes no options, got {', '.join(format_options)}")
    documents, lines = [], {}
    for line, obj in read_records(path):
        document = document_from_record(obj, source=str(path), line=line)
        documents.append(document)
        lines[document.id] = line
    return documents, lines


def locate(err: NewsEventsError, file: str | Path, lines: Mapping[str, int]) -> NewsEventsError:
    """The error with the predictions file, and the line of the prediction it is about, filled in.

    Meant for errors :func:`~newsevents.eval.score.score` raises, whose document (when they name one)
    is always a predicted one. An error that names a document (or a :class:`ValidationError` whose
    first problem does) gets ``file`` and, when ``lines`` has it, that document's line; for a
    validation error the first problem becomes the message, so the document is named once. Other
    errors are returned unchanged.
    """
    if isinstance(err, ValidationError) and err.document is None and err.problems:
        first = err.problems[0]
        more = f" (and {len(err.problems) - 1} more)" if len(err.problems) > 1 else ""
        located = ValidationError(err.problems, file=str(file), line=lines.get(first.document),
                                  document=first.document, field=first.field)
        located.message = f"{first.message}{more}"
        located.args = (located.message,)
        return located
    if err.document is not None:
        return err.located(file=str(file), line=lines.get(err.document))
    return err


@contextmanager
def located_in_predictions(file: str | Path, lines: Mapping[str, int]) -> Iterator[None]:
    """Re-raise a :class:`NewsEventsError` from the block with :func:`locate` applied."""
    try:
        yield
    except NewsEventsError as err:
        raise locate(err, file, lines) from None
