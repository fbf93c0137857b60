"""Long documents as several tasks: cut points between whole paragraphs (or sentences, or words), never
inside a grapheme, so that every chunk is at most ``max_chars`` characters."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

from newsevents.document import Document

_LINE_BREAKS = re.compile(r"(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])+")
_SENTENCE_ENDS = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*\s+")
_SPACES = re.compile(r"\s+")


def _grapheme_safe(text: str, p: int) -> bool:
    """A rough grapheme boundary: not inside ``\\r\\n``, not before a mark or joiner, not after a ZWJ."""
    if text[p - 1 : p + 1] == "\r\n" or text[p - 1] == "\u200d":
        return False
    return unicodedata.category(text[p])[0] != "M" and text[p] not in "\u200d\ufe0e\ufe0f"


class _Cuts:
    """Where a document's text may be cut into chunks, by preference.

    Level 0 cuts at paragraph starts (the document's paragraphs, else line breaks), level 1 at
    sentence starts (the document's sentences, else sentence-final punctuation), level 2 after
    white space, level 3 anywhere between graphemes. Only the text and its structure count, never
    the annotations, so that every source of pre-annotations gets the same tasks.
    """

    def __init__(self, document: Document) -> None:
        text = self.text = document.text
        n = len(text)
        paragraphs = [s.start for s in document.paragraphs] or [m.end() for m in _LINE_BREAKS.finditer(text)]
        sentences = [s.start for s in document.sentences] or [m.end() for m in _SENTENCE_ENDS.finditer(text)]
        words = [m.end() for m in _SPACES.finditer(text)]
        self.levels = [sorted({p for p in cuts if 0 < p < n}) for cuts in (paragraphs, sentences, words)]

    def next_cut(self, start: int, max_chars: int) -> tuple[int, bool]:
        """The end of the chunk starting at ``start``, and whether the chunk is longer than ``max_chars``."""
        high = start + max_chars
        for cuts in self.levels:
            found = bisect_right(cuts, high)
            if found and cuts[found - 1] > start:
                return cuts[found - 1], False
        for p in range(high, start, -1):
            if _grapheme_safe(self.text, p):
                return p, False
        # A grapheme longer than max_chars: end the chunk after it.
        return next((p for p in range(high + 1, len(self.text)) if _grapheme_safe(self.text, p)), len(self.text)), True


def chunk_bounds(document: Document, max_chars: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Cut ``document.text`` into chunks of at most ``max_chars`` code points.

    Returns
    -------
    chunks : list of (start, end)
        Contiguous code point ranges covering the whole text (one range when it fits; ``[(0, 0)]``
        for an empty text). Paragraphs stay whole unless one alone is longer than ``max_chars``; then
        it is cut at sentence starts, failing that after white space, failing that between graphemes.
        The chunks depend on the text, its paragraphs and sentences and ``max_chars`` only.
    oversized : list of int
        Indices of chunks longer than ``max_chars`` (a grapheme alone is longer).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be a positive number of code points, got {max_chars!r}")
    n = len(document.text)
    chunks: list[tuple[int, int]] = []
    oversized: list[int] = []
    cuts = _Cuts(document) if n > max_chars else None
    start = 0
    while cuts is not None and n - start > max_chars:
        end, too_long = cuts.next_cut(start, max_chars)
        if too_long:
            oversized.append(len(chunks))
        chunks.append((start, end))
        start = end
    if start < n or not chunks:
        chunks.append((start, n))
    return chunks, oversized
