"""Offsets between our documents and Label Studio regions: code points, UTF-16 code units, and which one a region used.

Our offsets are code points (Python string indexing), and so are Label Studio 1.23.2's: its frontend counts
code points when an annotator selects text and reads imported results as code points, and its server stores
whatever it is given unchanged (measured in ``annotation/notes/label-studio-offsets.md``). Frontends before
2022 and JavaScript tools counted UTF-16 code units, which differ after every character outside the Basic
Multilingual Plane (most emoji). :func:`match_unit` decides the unit of one region: the task text sliced
both ways is compared with the region's stored ``text``, exactly first, then with white space normalised
(the frontend stores the browser's selection string, in which a line break is the two characters ``\\n``
and runs of white space are one space).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import NamedTuple

#: Offset units: Unicode code points (Python ``str`` indexing) and UTF-16 code units (JavaScript ``String``).
CODE_POINTS, UTF16 = "code points", "UTF-16 code units"
UNITS = (CODE_POINTS, UTF16)

#: The unit Label Studio 1.23.2 stores in ``value.start`` / ``value.end`` of a Text region, and the
#: unit :func:`document_to_tasks` writes (see ``annotation/notes/label-studio-offsets.md``).
LABEL_STUDIO_UNIT = CODE_POINTS




@lru_cache(maxsize=64)
def _astral(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Code point offsets and UTF-16 offsets of the characters of ``text`` outside the BMP.

    Each of them is a surrogate pair in UTF-16: the k-th (0-based) starts at UTF-16 offset ``i + k``.
    """
    if text.isascii():
        return (), ()
    positions = tuple(i for i, char in enumerate(text) if char > "\uffff")
    return positions, tuple(i + k for k, i in enumerate(positions))


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unknown offset unit {unit!r}; valid: {', '.join(map(repr, UNITS))}")
    return unit


def to_label_studio_offset(text: str, i: int, *, unit: str = LABEL_STUDIO_UNIT) -> int:
    """The Label Studio offset of code point offset ``i`` in ``text``.

    Parameters
    ----------
    text : str
        The task text the offset refers to.
    i : int
        A code point offset, ``0 <= i <= len(text)``.
    unit : str, default :data:`LABEL_STUDIO_UNIT`
        :data:`CODE_POINTS` (identity) or :data:`UTF16` (``i`` plus the number of characters outside
        the Basic Multilingual Plane before it).

    Raises
    ------
    ValueError
        ``i`` is outside the text, or ``unit`` is unknown.
    """
    if not 0 <= i <= len(text):
        raise ValueError(f"offset {i} is outside the text, whose offsets run from 0 to {len(text)} (code points)")
    if _check_unit(unit) == CODE_POINTS:
        return i
    return i + bisect_left(_astral(text)[0], i)


def from_label_studio_offset(text: str, j: int, *, unit: str = LABEL_STUDIO_UNIT) -> int | None:
    """The code point offset of Label Studio offset ``j`` in ``text``, or ``None`` when there is none.

    Strict, as spaCy's ``char_span``: ``None`` when ``j`` is outside the text or, in UTF-16, falls
    between the two halves of a surrogate pair; never a guess.
    """
    if _check_unit(unit) == CODE_POINTS:
        return j if 0 <= j <= len(text) else None
    starts = _astral(text)[1]
    if not 0 <= j <= len(text) + len(starts):
        return None
    before = bisect_left(starts, j)  # astral characters starting before j
    if before and starts[before - 1] + 1 == j:
        return None
    return j - before


def slice_in_unit(text: str, start: int, end: int, unit: str) -> str | None:
    """``text[start:end]`` with offsets in ``unit``; ``None`` when they do not fall on characters."""
    begin, finish = from_label_studio_offset(text, start, unit=unit), from_label_studio_offset(text, end, unit=unit)
    if begin is None or finish is None or begin > finish:
        return None
    return text[begin:finish]


_SELECTION_SPACE = re.compile(r"(?:\\n|\s)+")


def _loose(text: str) -> str:
    """``text`` as the frontend's selection string may give it: ``\\n`` and white space runs as one space."""
    return _SELECTION_SPACE.sub(" ", text).strip()


class UnitMatch(NamedTuple):
    """How a region's offsets fit the task text (see :func:`match_unit`).

    Attributes
    ----------
    unit : str or None
        :data:`CODE_POINTS` or :data:`UTF16`; ``None`` when the stored text fits neither.
    exact : bool
        The slice equals the stored text (else it equals it with white space normalised).
    ambiguous : bool
        Both units fit, at different characters; ``unit`` is then :data:`CODE_POINTS`, what the
        current frontend shows, and a person should look.
    """

    unit: str | None
    exact: bool = True
    ambiguous: bool = False


def _same_in_both_units(text: str, start: int, end: int) -> bool:
    return all(from_label_studio_offset(text, j, unit=UTF16) == j for j in (start, end))


def match_unit(text: str, start: int, end: int, span_text: str) -> UnitMatch:
    """Which unit makes ``[start, end)`` cover ``span_text`` in ``text``.

    Slices ``text`` in code points and in UTF-16 code units and compares each slice with
    ``span_text``: exactly, then, if neither is equal, with white space normalised (a literal ``\\n``
    and every run of white space as one space, ends stripped), as the frontend's selection string
    has it. When both units fit at different characters, code points win and the match is flagged
    ``ambiguous``; when the offsets are the same in both units (no astral character before
    ``end``), code points are returned, not ambiguous.
    """
    slices = {unit: slice_in_unit(text, start, end, unit) for unit in UNITS}
    for exact, same in ((True, lambda s: s), (False, _loose)):
        wanted = same(span_text)
        fits = [unit for unit, sliced in slices.items() if sliced is not None and same(sliced) == wanted]
        if fits:
            ambiguous = len(fits) == len(UNITS) and not _same_in_both_units(text, start, end)
            return UnitMatch(fits[0], exact, ambiguous)
    return UnitMatch(None, False)


def detect_unit(text: str, start: int, end: int, span_text: str) -> str | None:
    """The unit in which ``[start, end)`` covers ``span_text`` in ``text``, or ``None`` if neither does.

    :func:`match_unit` without the details: code points when both units fit.

    Example
    -------
    >>> detect_unit("😀 ok", 3, 5, "ok"), detect_unit("😀 ok", 2, 4, "ok"), detect_unit("😀 ok", 0, 1, "no")
    ('UTF-16 code units', 'code points', None)
    >>> detect_unit("eins\\nzwei  drei", 0, 15, "eins\\\\nzwei drei")  # a selection string
    'code points'
    """
    return match_unit(text, start, end, span_text).unit
