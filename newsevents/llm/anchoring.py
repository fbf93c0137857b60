"""Quotes to offsets: where in the document a model's quoted trigger or argument is.

A generative model answers with strings, not offsets. :func:`anchor` finds a quote in the text, in
order of trust:

1. ``exact``: the quote occurs in the text as it is;
2. ``loose``: it occurs when case and runs of white space are ignored;
3. when it occurs more than once, the occurrence chosen is the one inside the given ``context``
   quote, else the one nearest the ``near`` offset (the event's trigger, for an argument); a tie
   with nothing to choose by is ``ambiguous``.

A quote found nowhere is ``not_found``; an empty one is ``empty``. Nothing is ever guessed: an
unanchored quote is dropped by the caller and counted under its reason.

Offsets are 0-based, end-exclusive code points over ``text`` (Python indexing), like every span.

Example
-------
>>> anchor("Police arrested two men. Police said...", "police", near=30).span
(25, 31)
>>> anchor("Police arrested two men.", "Arrested  two").how
'loose'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Why a quote could not be anchored.
DROP_REASONS = ("empty", "not_found", "ambiguous")


@dataclass(frozen=True)
class Anchor:
    """Where a quote is: ``span`` (start, end) or, when not found, ``None`` and the ``reason``.

    ``how`` is ``exact`` or ``loose`` (case/white space ignored) for an anchored quote.
    """

    span: tuple[int, int] | None
    how: str | None = None
    reason: str | None = None

    @property
    def found(self) -> bool:
        return self.span is not None


def _pattern(quote: str) -> re.Pattern[str]:
    """A case-insensitive pattern for ``quote`` in which any run of white space matches any other."""
    words = quote.split()
    return re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)


@lru_cache(maxsize=4096)
def _occurrences(text: str, quote: str) -> tuple[tuple[tuple[int, int], ...], str]:
    exact: list[tuple[int, int]] = []
    start = text.find(quote)
    while start != -1:
        exact.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    if exact:
        return tuple(exact), "exact"
    return tuple((m.start(), m.end()) for m in _pattern(quote).finditer(text)), "loose"


def _nearest(candidates: tuple[tuple[int, int], ...], near: int) -> tuple[int, int] | None:
    distances = sorted((abs((s + e) // 2 - near), (s, e)) for s, e in candidates)
    if len(distances) > 1 and distances[0][0] == distances[1][0]:
        return None
    return distances[0][1]


def anchor(text: str, quote: str | None, *, context: str | None = None, near: int | None = None) -> Anchor:
    """Anchor ``quote`` in ``text`` (see the module docstring for the order of the rules).

    Parameters
    ----------
    text : str
        The document text (or the chunk the model saw).
    quote : str
        The quoted span; leading and trailing white space is ignored.
    context : str, optional
        A longer quote around ``quote`` (a few words), used to choose between occurrences.
    near : int, optional
        A character offset (e.g. the trigger's start); the nearest occurrence wins.
    """
    quote = (quote or "").strip()
    if not quote:
        return Anchor(None, reason="empty")
    candidates, how = _occurrences(text, quote)
    if not candidates:
        return Anchor(None, reason="not_found")
    if len(candidates) == 1:
        return Anchor(candidates[0], how)
    if context and context.strip():
        around = anchor(text, context)
        if around.span is not None:
            inside = tuple(c for c in candidates if around.span[0] <= c[0] and c[1] <= around.span[1])
            if len(inside) == 1:
                return Anchor(inside[0], how)
    if near is not None:
        chosen = _nearest(candidates, near)
        if chosen is not None:
            return Anchor(chosen, how)
    return Anchor(None, reason="ambiguous")
