"""Text normalisation: raw article text in, the canonical ``text`` and its paragraphs out.

The normalised text is what every offset and every sha256 in the corpus refers to, so these rules
are part of the data contract; changing them changes document hashes (the build then refuses old
gold, which is the point). :data:`NORMALIZATION_VERSION` names the rules in force.

Rules, in order:

1. Line endings ``\\r\\n`` and ``\\r`` become ``\\n``; a byte-order mark is dropped.
2. Unicode NFC.
3. Every Unicode space separator (no-break space, thin space, ...) and tab becomes a plain space;
   other control and format characters are removed, except the zero-width joiner and non-joiner
   (emoji sequences and Indic scripts need them).
4. Lines are stripped and runs of spaces collapse to one space.
5. Paragraphs: when the text has blank lines, blank lines separate paragraphs and the lines of one
   block are joined with a space, except that a bullet line or a Markdown heading starts a paragraph
   of its own; when it has none, every line is a paragraph (the shape of scraped wire stories).
6. Paragraphs are joined with a single ``\\n``. Markdown heading markers (``#``) are removed; bullet
   markers stay in the text.

Each paragraph gets a ``kind`` (:data:`newsevents.document.PARAGRAPH_KINDS`): ``dateline`` (a first
line that is only a date, as Wikinews starts), ``title`` (a short first line without final
punctuation), ``lead`` (the first paragraph of running text), ``bullet``, ``subhead`` (a short line
without final punctuation inside the story, or a Markdown heading) and ``body``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from newsevents.document import Segment

NORMALIZATION_VERSION = "1"

_KEEP_FORMAT = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner
_BULLET = re.compile(r"^(?:[-*\u2022\u2013\u2014\u00b7\u25aa\u25cf]|\d{1,2}[.)])\s")
_HEADING = re.compile(r"^#{1,6}\s+")
_SPACES = re.compile(r" {2,}")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATELINE = re.compile(
    rf"^(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
    rf"(?:(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS}),?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\.?$"
)
_FINAL_PUNCTUATION = tuple(".!?:;\"\u201d\u2019')")
_SHORT_LINE_WORDS = 14


@dataclass(frozen=True)
class NormalizedText:
    """The canonical text and its paragraphs (character offsets into ``text``, end-exclusive)."""

    text: str
    paragraphs: tuple[Segment, ...]


#: Per-character replacements of rule 3, filled lazily for the characters met (str.translate table).
_CHARACTER_TABLE: dict[int, str | None] = {}


def _replacement(ch: str) -> str | None:
    """What rule 3 makes of one character: a space, a line break, nothing (``None``) or itself."""
    if ch in ("\n", " ") or ch in _KEEP_FORMAT:
        return ch
    category = unicodedata.category(ch)
    if category == "Zs" or ch == "\t":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"  # line and paragraph separators count as line breaks
    if category in ("Cc", "Cf"):
        return None
    return ch


def clean_characters(raw: str) -> str:
    """Rules 1-3: line endings, NFC, spaces and control characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text)
    for ch in set(text):
        if ord(ch) not in _CHARACTER_TABLE:
            replacement = _replacement(ch)
            _CHARACTER_TABLE[ord(ch)] = ch if replacement == ch else replacement
    return text.translate(_CHARACTER_TABLE)


def _blocks(lines: list[str]) -> list[tuple[str, bool]]:
    """Group stripped lines into paragraphs; returns ``(text, is_heading)`` pairs (rule 5)."""
    while lines and not lines[-1]:
        lines = lines[:-1]
    while lines and not lines[0]:
        lines = lines[1:]
    has_blank_lines = any(not line for line in lines)
    paragraphs: list[tuple[str, bool]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append((" ".join(current), False))
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        heading = _HEADING.match(line)
        if not paragraphs and not current and _DATELINE.match(line):
            paragraphs.append((line, False))  # a dateline is its own paragraph even without a blank line
        elif heading:
            flush()
            paragraphs.append((line[heading.end():], True))
        elif not has_blank_lines or _BULLET.match(line):
            flush()
            current.append(line)
            if not has_blank_lines:
                flush()
        else:
            current.append(line)
    flush()
    return [(text, is_heading) for text, is_heading in paragraphs if text]


def _is_short_unpunctuated(paragraph: str) -> bool:
    return len(paragraph.split()) <= _SHORT_LINE_WORDS and not paragraph.endswith(_FINAL_PUNCTUATION)


def _kinds(paragraphs: list[tuple[str, bool]]) -> list[str]:
    kinds: list[str] = []
    seen_running_text = False
    for index, (text, is_heading) in enumerate(paragraphs):
        first = all(k == "dateline" for k in kinds)  # nothing but a dateline before it
        if index == 0 and _DATELINE.match(text):
            kind = "dateline"
        elif _BULLET.match(text):
            kind = "bullet"
        elif first and (is_heading or _is_short_unpunctuated(text)) and index + 1 < len(paragraphs):
            kind = "title"
        elif is_heading or (_is_short_unpunctuated(text) and index + 1 < len(paragraphs) and seen_running_text):
            kind = "subhead"
        elif not seen_running_text:
            kind = "lead"
        else:
            kind = "body"
        seen_running_text = seen_running_text or kind in ("lead", "body")
        kinds.append(kind)
    return kinds


def normalize(raw: str) -> NormalizedText:
    """Apply the normalisation rules to ``raw`` (already decoded) text.

    Returns
    -------
    NormalizedText
        ``text`` with paragraphs joined by ``"\\n"``, and one :class:`Segment` per paragraph with
        its ``kind``. An input with no visible characters gives ``text == ""`` and no paragraphs.

    Example
    -------
    >>> n = normalize("Monday, May 6, 2019\\u00a0\\n\\n\\nTwo  men were\\narrested.\\n")
    >>> n.text
    'Monday, May 6, 2019\\nTwo men were arrested.'
    >>> [p.kind for p in n.paragraphs]
    ['dateline', 'lead']
    """
    lines = [_SPACES.sub(" ", line.strip()) for line in clean_characters(raw).split("\n")]
    blocks = _blocks(lines)
    segments = []
    offset = 0
    for (text, _), kind in zip(blocks, _kinds(blocks)):
        segments.append(Segment(offset, offset + len(text), kind))
        offset += len(text) + 1
    return NormalizedText("\n".join(text for text, _ in blocks), tuple(segments))
