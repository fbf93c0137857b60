"""JSON Lines in and out, with line numbers in every error and atomic writes.

Reading never guesses: a file that is not UTF-8, a line that is not JSON, or a line that is not a
JSON object raises :class:`~newsevents.errors.FormatError` naming the file and line. Writing goes
to a temporary file in the target's folder and is renamed over the target only once complete, so a
failed write never leaves a half-written file or destroys the previous one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file (1-based lines).

    Each line is decoded on its own, so a byte that is not UTF-8 is reported on its own line.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as err:
        raise FormatError(f"cannot open: {err.strerror}", file=str(path)) from None
    with handle:
        for line_number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if line_number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise FormatError(
                    f"not UTF-8: byte {raw[err.start:err.start + 1]!r} at column {err.start + 1} cannot be decoded ({err.reason})",
                    file=str(path), line=line_number,
                ) from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as err:
                raise FormatError(f"malformed JSON: {err.msg} at column {err.colno}", file=str(path), line=line_number) from None
            if not isinstance(obj, dict):
                raise FormatError(f"expected a JSON object per line, got {type(obj).__name__}", file=str(path), line=line_number)
            yield line_number, obj


def read_documents(path: str | Path) -> Iterator[Document]:
    """Yield the :class:`Document` of each line; errors name file, line, document and field."""
    for line_number, obj in read_records(path):
        try:
            yield Document.from_dict(obj)
        except NewsEventsError as err:
            doc_id = obj.get("id") if isinstance(obj.get("id"), str) else None
            raise err.located(file=str(path), line=line_number, document=doc_id) from None


def default_permissions(path: str | Path, directory: bool = False) -> None:
    """Give ``path`` the permissions a plain ``open``/``mkdir`` would (mkstemp and mkdtemp make private ones)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if directory else 0o666) & ~umask)


@contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success rename it over ``path``, on error delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    default_permissions(tmp)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(obj: Any) -> str:
    """One JSONL line: compact, UTF-8 characters kept as they are, keys in insertion order."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_records(path: str | Path, records: Iterable[Any], to_dict: Callable[[Any], Any] = lambda r: r) -> int:
    """Write one JSON object per line, atomically; returns the number of lines written."""
    count = 0
    with atomic_write(path) as handle:
        for record in records:
            handle.write(dumps(to_dict(record)))
            handle.write("\n")
            count += 1
    return count


def write_documents(path: str | Path, documents: Iterable[Document]) -> int:
    """Write documents as JSONL, atomically; returns the number written."""
    return write_records(path, documents, Document.to_dict)
