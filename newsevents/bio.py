"""The IOB2 (BIO) view of character spans over tokens, and back.

A span becomes ``B-TYPE`` on its first token and ``I-TYPE`` on the rest; every other token is ``O``.
Spans are mapped to tokens with an explicit alignment mode, as spaCy's ``Doc.char_span`` does:

* ``strict``: the span must start at a token start and end at a token end, else it is not tagged;
* ``contract``: the tokens entirely inside the span;
* ``expand`` (default): every token the span touches.

BIO cannot hold overlapping spans; when two spans claim a token, the one that starts first (then the
longer one) wins and the other is reported in :attr:`Tagging.dropped`.

Decoding (:func:`tags_to_spans`) follows seqeval's strict IOB2 mode: a span is a ``B-X`` followed by
any ``I-X``; an ``I-X`` with no ``B-X`` before it starts no span, a ``B-Y`` or ``O`` ends the current
one. The allowed prefixes are a table, and an unknown prefix raises naming it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

OUTSIDE = "O"
#: The IOB2 prefixes: the tag that opens a span, the tag that continues one.
PREFIXES = {"B": "begin", "I": "inside"}
ALIGNMENT_MODES = ("strict", "contract", "expand")


@dataclass(frozen=True)
class LabeledSpan:
    """A labelled character span (end-exclusive)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Tagging:
    tags: tuple[str, ...]
    #: Spans that could not be tagged: misaligned (strict/contract) or overlapping a tagged span.
    dropped: tuple[LabeledSpan, ...] = ()


def label_set(types: Sequence[str]) -> list[str]:
    """The BIO label names for ``types``: ``["O", "B-T1", "I-T1", "B-T2", ...]`` (ClassLabel order)."""
    return [OUTSIDE] + [f"{prefix}-{t}" for t in types for prefix in PREFIXES]


def token_range(token_starts: Sequence[int], token_ends: Sequence[int], start: int, end: int, mode: str = "expand") -> tuple[int, int] | None:
    """Token indices ``[first, last)`` covered by the character span ``[start, end)``, or ``None``.

    ``token_starts`` and ``token_ends`` are sorted character offsets of the tokens.
    """
    if mode not in ALIGNMENT_MODES:
        raise ValueError(f"unknown alignment mode {mode!r}; valid: {', '.join(ALIGNMENT_MODES)}")
    if mode == "expand":
        first = bisect_right(token_ends, start)      # first token ending after the span starts
        last = bisect_left(token_starts, end)        # tokens starting before the span ends
    else:
        first = bisect_left(token_starts, start)     # first token starting at or after start
        last = bisect_right(token_ends, end)         # tokens ending at or before end
        if mode == "strict" and (first >= len(token_starts) or token_starts[first] != start or last == 0 or token_ends[last - 1] != end):
            return None
    return (first, last) if first < last else None


def spans_to_tags(
    token_starts: Sequence[int], token_ends: Sequence[int], spans: Sequence[LabeledSpan], *, mode: str = "expand",
) -> Tagging:
    """Tag tokens with the spans, IOB2. Returns the tags and the spans that could not be tagged."""
    tags = [OUTSIDE] * len(token_starts)
    dropped = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label)):
        covered = token_range(token_starts, token_ends, span.start, span.end, mode)
        if covered is None or any(tags[i] != OUTSIDE for i in range(*covered)):
            dropped.append(span)
            continue
        first, last = covered
        tags[first] = f"B-{span.label}"
        for i in range(first + 1, last):
            tags[i] = f"I-{span.label}"
    return Tagging(tuple(tags), tuple(dropped))


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-Life.Die"`` -> ``("B", "Life.Die")``; ``"O"`` -> ``("O", "")``. Unknown prefixes raise."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in PREFIXES or not label:
        raise ValueError(f"invalid IOB2 tag {tag!r}: expected 'O' or a prefix in {sorted(PREFIXES)} then '-' and a label")
    return prefix, label


def tags_to_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Decode IOB2 tags into ``(label, first_token, last_token_exclusive)`` (seqeval strict mode)."""
    spans = []
    current: tuple[str, int] | None = None
    for i, tag in enumerate(tags):
        prefix, label = split_tag(tag)
        if current is not None and not (prefix == "I" and label == current[0]):
            spans.append((current[0], current[1], i))
            current = None
        if prefix == "B":
            current = (label, i)
    if current is not None:
        spans.append((current[0], current[1], len(tags)))
    return spans
