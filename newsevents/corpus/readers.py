"""Input files in, raw articles out: decoding and main-text extraction, nothing more.

Supported inputs (suffixes match case-insensitively):

* ``.txt``, ``.md``: one article per file, strict UTF-8 (a UTF-8 byte-order mark is allowed).
* ``.html``, ``.htm``: one article per file, decoded strictly with the charset its ``<meta>``
  declares (UTF-8 if none); the main text is extracted with ``trafilatura`` from the HTML string
  (never from a URL, so nothing touches the network), one paragraph per line, without navigation,
  footers, comments or tables.
* ``.jsonl``: one article per non-blank line, a JSON object with the text under ``text_column``.
* ``.csv``: one article per row, a header row naming the columns, the text under ``text_column``.

The text of a :class:`RawArticle` is decoded but *not* normalised: the caller runs
:func:`newsevents.corpus.normalize.normalize` on it, and every offset refers to that result.

Failure policy: every problem raises :class:`~newsevents.errors.FormatError` with the file and,
where there is one, the 1-based line. For ``.jsonl`` and ``.csv`` one bad record fails the whole
file and nothing from it is returned: a half-ingested file is harder to notice and to repair than
a refused one. Callers that read many files catch the error per file, report it and go on.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsevents.errors import FormatError
from newsevents.jsonl import parse_json_line

SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".htm", ".html", ".jsonl", ".md", ".txt")

_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = {  # byte-order marks of encodings that hold NUL bytes, to explain the refusal
    b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16",
}
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_CHARSET_PRESCAN = 1024  # bytes of the page searched for a charset declaration, as browsers do
# Labels that mean windows-1252 in HTML (WHATWG Encoding Standard).
_HTML_CP1252_LABELS = frozenset({"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"})
_HTML_METADATA = (  # trafilatura metadata field -> meta key
    ("title", "title"), ("date", "date"), ("url", "url"), ("author", "author"),
    ("sitename", "source"), ("description", "description"), ("license", "license"),
    ("language", "language"), ("categories", "categories"), ("tags", "tags"),
)
# Page furniture removed before extraction: trafilatura's fallbacks otherwise return the menu of a
# page that has no article at all.
_HTML_FURNITURE = ("//nav", "//footer", "//aside", "//*[@role='navigation']", "//*[@role='contentinfo']")


@dataclass(frozen=True)
class RawArticle:
    """One article as read from an input file, before normalisation.

    Parameters
    ----------
    text : str
        The decoded text, not normalised (line endings, spaces and blank lines as in the input).
    meta : dict of str to Any
        JSON-able metadata. Always ``"path"`` (the input path as given, a str) and ``"format"``
        (``"txt"``, ``"md"``, ``"html"``, ``"jsonl"`` or ``"csv"``); ``"line"`` for ``.jsonl`` and
        ``.csv`` records; other keys such as ``"title"``, ``"date"``, ``"url"``, ``"license"``,
        ``"source"`` when the input gives them.
    source_id : str or None
        The id the input gives the article (the ``id_column`` of a ``.jsonl`` or ``.csv`` record),
        else ``None``.
    location : str
        ``"path"`` or ``"path:line"``, for error messages.
    """

    text: str
    meta: dict[str, Any]
    source_id: str | None
    location: str


def iter_input_files(inputs: Iterable[Path]) -> list[Path]:
    """Expand files and directories to the sorted, deduplicated list of input files to read.

    Parameters
    ----------
    inputs : iterable of Path
        Files and directories. Directories are searched recursively for files whose suffix is in
        :data:`SUPPORTED_SUFFIXES`.

    Returns
    -------
    list of Path
        Sorted paths, each file once (two spellings of the same file count as one; the first
        spelling met is kept).

    Raises
    ------
    FormatError
        A path that does not exist, or a file named explicitly whose suffix is not supported.

    Notes
    -----
    Inside a directory, hidden files and directories (names starting with ``.``) are skipped, and
    symbolic links to directories are not followed. Files in a directory with an unsupported
    suffix are skipped silently; a file named explicitly must have a supported suffix.
    """
    found: dict[Path, Path] = {}
    for path in inputs:
        path = Path(path)
        if path.is_dir():
            candidates = _supported_files_below(path)
        elif path.is_file():
            _check_suffix(path)
            candidates = [path]
        else:
            raise FormatError("input path does not exist; check the spelling or create it", file=str(path))
        for candidate in candidates:
            found.setdefault(candidate.resolve(), candidate)
    return sorted(found.values())


def read_articles(
    path: Path,
    *,
    text_column: str = "text",
    id_column: str = "id",
    max_bytes: int = 10_000_000,
) -> list[RawArticle]:
    """Read the articles of one input file.

    Parameters
    ----------
    path : Path
        The file; its suffix (one of :data:`SUPPORTED_SUFFIXES`, any case) selects the reader.
    text_column : str, default "text"
        Key (``.jsonl``) or column (``.csv``) holding the article text.
    id_column : str, default "id"
        Key or column holding the article id, which becomes ``source_id``; optional.
    max_bytes : int, default 10_000_000
        Largest accepted article, in bytes: the file size for one-article files (``.txt``, ``.md``,
        ``.html``), the UTF-8 size of each record's text for ``.jsonl`` and ``.csv``.

    Returns
    -------
    list of RawArticle
        One article for a one-article file; one per record, in file order, for ``.jsonl`` and
        ``.csv``.

    Raises
    ------
    FormatError
        Unsupported suffix, unreadable file, a file with NUL bytes ("binary file"), text that is
        not UTF-8 (with line and byte offset), an empty document, an article over ``max_bytes``,
        HTML without extractable main text, or any bad ``.jsonl``/``.csv`` record (with its line);
        one bad record fails the whole file.

    Notes
    -----
    For ``.jsonl`` and ``.csv`` every key other than ``text_column`` and ``id_column`` is copied
    into ``meta`` unchanged (nested JSON values included; CSV values are strings, empty cells are
    left out). The reader's own keys ``"path"``, ``"format"`` and ``"line"`` take precedence over
    record keys of the same name. Ids may be strings or integers (integers become strings) and
    must be unique within the file.
    """
    path = Path(path)
    return _READERS[_check_suffix(path)](path, _Options(text_column, id_column, max_bytes))


@dataclass(frozen=True)
class _Options:
    text_column: str
    id_column: str
    max_bytes: int


def _check_suffix(path: Path) -> str:
    """Return the lower-cased suffix of ``path``, raising if it is not supported."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FormatError(
            f"unsupported file suffix {path.suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}",
            file=str(path),
        )
    return suffix


def _supported_files_below(directory: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        files.extend(
            Path(root) / name for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
        )
    return files


def _line_at(data: bytes, offset: int) -> int:
    """1-based line number of the byte at ``offset``."""
    return data.count(b"\n", 0, offset) + 1


def _too_large(size: int, max_bytes: int, what: str) -> str:
    return f"{what} is {size:,} bytes, over the limit of {max_bytes:,} bytes; split it or raise the limit with --max-bytes"


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    """Read a file, refusing it if larger than ``max_bytes`` (when given) or if it holds NUL bytes."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise FormatError(_too_large(size, max_bytes, "file"), file=str(path))
        data = path.read_bytes()
    except OSError as err:
        raise FormatError(f"cannot read: {err.strerror}", file=str(path)) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        encoding = next((name for bom, name in _WIDE_BOMS.items() if data.startswith(bom)), None)
        fix = f"it looks {encoding}-encoded: re-save it as UTF-8" if encoding else "give a UTF-8 text file"
        raise FormatError(
            f"binary file: NUL byte at byte offset {nul}; {fix}", file=str(path), line=_line_at(data, nul)
        )
    return data


def _decode(data: bytes, path: Path, encoding: str = "utf-8") -> str:
    """Decode strictly; an undecodable byte raises naming its line and byte offset."""
    start = len(_UTF8_BOM) if encoding == "utf-8" and data.startswith(_UTF8_BOM) else 0
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as err:
        offset = start + err.start
        raise FormatError(
            f"not {encoding.upper()}: byte 0x{data[offset]:02X} at byte offset {offset} cannot be decoded "
            f"({err.reason}); re-save the file as UTF-8",
            file=str(path), line=_line_at(data, offset),
        ) from None


def _is_blank(text: str) -> bool:
    """True when ``text`` has no visible character (only spaces, controls and format characters)."""
    return all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in text)


def _empty_document(path: Path, line: int | None = None, what: str = "the file has no visible text") -> FormatError:
    return FormatError(f"empty document: {what}; remove the input or fill it", file=str(path), line=line)


def _read_plain(path: Path, options: _Options) -> list[RawArticle]:
    text = _decode(_read_bytes(path, options.max_bytes), path)
    if _is_blank(text):
        raise _empty_document(path)
    meta = {"path": str(path), "format": path.suffix.lower().lstrip(".")}
    return [RawArticle(text, meta, None, str(path))]


def _html_encoding(data: bytes, path: Path) -> str:
    """The encoding a page declares in a ``<meta>`` charset, as a Python codec name; UTF-8 if none."""
    match = _HTML_CHARSET.search(data[:_HTML_CHARSET_PRESCAN])
    if not match:
        return "utf-8"
    label = match.group(1).decode("ascii").lower()
    label = "cp1252" if label in _HTML_CP1252_LABELS else label
    try:
        return codecs.lookup(label).name
    except LookupError:
        raise FormatError(
            f"the page declares charset {label!r}, which is not a known encoding; fix its <meta charset>",
            file=str(path),
        ) from None


def _read_html(path: Path, options: _Options) -> list[RawArticle]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    data = _read_bytes(path, options.max_bytes)
    html = _decode(data, path, _html_encoding(data, path))
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, include_images=False,
        include_links=False, include_formatting=False, output_format="txt", prune_xpath=list(_HTML_FURNITURE),
    )
    if text is None or _is_blank(text):
        raise FormatError(
            "no main text could be extracted from the HTML page (an index, navigation or script-only page?); "
            "give the article page, or its text as .txt",
            file=str(path),
        )
    meta: dict[str, Any] = {"path": str(path), "format": "html"}
    found = trafilatura.extract_metadata(html, extensive=False)
    for field, key in _HTML_METADATA:
        value = getattr(found, field, None)
        if value:
            meta[key] = list(value) if isinstance(value, list) else str(value)
    return [RawArticle(text, meta, None, str(path))]


def _record_article(fields: dict[str, Any], path: Path, line: int, fmt: str, options: _Options) -> RawArticle:
    """Build the article of one ``.jsonl``/``.csv`` record, checking its text and id."""
    where = {"file": str(path), "line": line}
    if options.text_column not in fields:
        raise FormatError(
            f"missing text {options.text_column!r}; keys present: {', '.join(map(repr, fields)) or 'none'}; "
            "add it or choose the text column with --text-column",
            field=options.text_column, **where,
        )
    text = fields[options.text_column]
    if not isinstance(text, str):
        raise FormatError(
            f"text must be a string, got {type(text).__name__} {text!r:.60}", field=options.text_column, **where
        )
    if _is_blank(text):
        raise _empty_document(path, line, f"{options.text_column!r} has no visible text")
    size = len(text.encode("utf-8"))
    if size > options.max_bytes:
        raise FormatError(_too_large(size, options.max_bytes, "text"), field=options.text_column, **where)
    source_id = _record_id(fields.get(options.id_column), options.id_column, where)
    meta = {key: value for key, value in fields.items() if key not in (options.text_column, options.id_column)}
    meta.update(path=str(path), format=fmt, line=line)
    return RawArticle(text, meta, source_id, f"{path}:{line}")


def _record_id(value: Any, id_column: str, where: dict[str, Any]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FormatError(
            f"id must be a string or an integer, got {type(value).__name__} {value!r:.60}", field=id_column, **where
        )
    if isinstance(value, str) and not value.strip():
        raise FormatError("id is an empty string; give an id or drop the key", field=id_column, **where)
    return str(value)


def _unique_ids(articles: list[RawArticle], path: Path, options: _Options) -> list[RawArticle]:
    """Return ``articles``, raising on the first id used twice in the file."""
    first_line: dict[str, int] = {}
    for article in articles:
        if article.source_id is None:
            continue
        line = article.meta["line"]
        if article.source_id in first_line:
            raise FormatError(
                f"duplicate id {article.source_id!r} (first on line {first_line[article.source_id]}); ids must be unique",
                file=str(path), line=line, field=options.id_column,
            )
        first_line[article.source_id] = line
    return articles


def _read_jsonl(path: Path, options: _Options) -> list[RawArticle]:
    data = _read_bytes(path, None)
    articles = []
    # Split on "\n" only: JSON strings may hold U+2028 and other characters str.splitlines breaks on.
    for line, record in enumerate(_decode(data, path).split("\n"), start=1):
        if not record.strip():
            continue
        # Malformed JSON, NaN, nesting too deep for Python and lone surrogates are refused with the line.
        fields = parse_json_line(record, file=str(path), line_number=line)
        if not isinstance(fields, dict):
            raise FormatError(
                f"expected a JSON object per line, got {type(fields).__name__}", file=str(path), line=line
            )
        articles.append(_record_article(fields, path, line, "jsonl", options))
    if not articles:
        raise _empty_document(path, what="the file has no records")
    return _unique_ids(articles, path, options)


def _read_csv(path: Path, options: _Options) -> list[RawArticle]:
    data = _read_bytes(path, None)
    if csv.field_size_limit() < options.max_bytes:
        csv.field_size_limit(options.max_bytes)  # the default (131072 characters) is shorter than some articles
    rows = csv.reader(io.StringIO(_decode(data, path), newline=""), strict=True)
    header: list[str] | None = None
    articles = []
    line = 1  # physical line on which the next record starts
    try:
        for row in rows:
            start, line = line, rows.line_num + 1
            if not row:
                continue
            if header is None:
                header = _csv_header(row, path, start, options)
                continue
            if len(row) != len(header):
                raise FormatError(
                    f"row has {len(row)} fields, the header has {len(header)}; quote fields that hold commas",
                    file=str(path), line=start,
                )
            fields = {key: value for key, value in zip(header, row) if value != ""}
            fields.setdefault(options.text_column, "")  # an empty text cell is an empty document, not a missing column
            articles.append(_record_article(fields, path, start, "csv", options))
    except csv.Error as err:
        raise FormatError(f"malformed CSV: {err}", file=str(path), line=rows.line_num) from None
    if not articles:
        raise _empty_document(path, what="the file has no rows under its header")
    return _unique_ids(articles, path, options)


def _csv_header(row: list[str], path: Path, line: int, options: _Options) -> list[str]:
    duplicated = sorted({name for name in row if row.count(name) > 1})
    if duplicated:
        raise FormatError(f"duplicate column names {duplicated} in the header", file=str(path), line=line)
    if options.text_column not in row:
        raise FormatError(
            f"no text column {options.text_column!r} in the header (columns: {', '.join(map(repr, row))}); "
            "the first row must name the columns; choose the text column with --text-column",
            file=str(path), line=line, field=options.text_column,
        )
    return row


_READERS: dict[str, Callable[[Path, _Options], list[RawArticle]]] = {
    ".txt": _read_plain,
    ".md": _read_plain,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}
