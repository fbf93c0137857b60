"""JSON Lines in and out, with line numbers in every error and atomic writes.

Reading never guesses: a file that is not UTF-8, a line that is not JSON, or a line that is not a
JSON object raises :class:`~newsevents.errors.FormatError` naming the file and line. Writing goes
to a temporary file in the target's folder and is renamed over the target only once complete, so a
failed write never leaves a half-written file or destroys the previous one.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError


#: A JSON escape of a UTF-16 surrogate (\ud800 to \udfff): the only way a lone surrogate gets into a line.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; write null or a string instead")


def _surrogate_at(text: str) -> int | None:
    return next((i for i, char in enumerate(text) if "\ud800" <= char <= "\udfff"), None)


def _lone_surrogate(value: Any) -> tuple[str, str, int] | None:
    """``(field path, string, index)`` of the first lone surrogate in the keys and strings of ``value``."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            index = _surrogate_at(item)
            if index is not None:
                return where, item, index
        elif isinstance(item, dict):
            for key in item:
                index = _surrogate_at(key)
                if index is not None:
                    return where, key, index
            stack.extend((child, f"{where}.{key}".lstrip(".")) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(item))))
    return None


def parse_json_line(line: str, *, file: str | None = None, line_number: int | None = None) -> Any:
    """One JSON value from one line of a JSONL file; every way it can be bad raises :class:`FormatError`.

    Refused, each with file and line: malformed JSON (with its column), ``NaN`` and ``Infinity``
    (not JSON), nesting deeper than Python's recursion limit allows, and a ``\\ud800``-style escape
    of a lone UTF-16 surrogate (not a character: it could never be written back as UTF-8).
    """
    where = {"file": file, "line": line_number}
    try:
        obj = json.loads(line, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        # Python says "Unterminated string starting at" and gives the column separately.
        message = err.msg.removesuffix(" at")
        raise FormatError(f"malformed JSON: {message} at column {err.colno}", **where) from None
    except RecursionError:
        raise FormatError("malformed JSON: nested too deeply (arrays or objects inside each other beyond "
                          "Python's recursion limit); flatten the record", **where) from None
    except ValueError as err:
        raise FormatError(f"malformed JSON: {err}", **where) from None
    if _SURROGATE_ESCAPE.search(line):  # cheap test first: only an escape can make a lone surrogate
        found = _lone_surrogate(obj)
        if found is not None:
            path, text, index = found
            raise FormatError(f"the JSON escape \\u{ord(text[index]):04x} (character {index} of {text[:40]!r}) is a lone "
                              "UTF-16 surrogate, not a character; escape a character beyond U+FFFF as a surrogate pair "
                              "(\\ud83d\\ude00) or write it as UTF-8", field=path or None, **where)
    return obj


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file (1-based lines).

    Each line is decoded on its own, so a byte that is not UTF-8 is reported on its own line; each
    line is parsed by :func:`parse_json_line`.
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
            obj = parse_json_line(line.rstrip("\r\n"), file=str(path), line_number=line_number)
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
    try:  # from the first moment the file exists: a signal or an error deletes it
        default_permissions(tmp)
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_texts_atomically(texts: dict[Path, str]) -> list[Path]:
    """Write several text files all or nothing: every target is checked, every text written to a
    temporary file beside its target, and only then are they renamed into place. A target that is a
    folder raises :class:`FormatError` before anything is written; a failed write deletes the
    temporary files and leaves every earlier file as it was."""
    for path in texts:
        if Path(path).is_dir():
            raise FormatError("is a folder: give a file name for this report", file=str(path))
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            default_permissions(tmp)
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for _, path in staged]


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
