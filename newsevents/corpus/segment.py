"""Sentences and tokens with character offsets, from spaCy's blank English pipeline.

Tokens come from ``spacy.blank("en")``'s tokenizer: no statistical model, nothing to download.
Sentences follow the rule of spaCy's ``Sentencizer`` with its own table of sentence-final
punctuation (``Sentencizer.default_punct_chars``): a sentence ends after such a mark, and the next
token that is neither punctuation nor such a mark starts the next one. The rule is applied to the
tokenizer's attribute arrays rather than through the ``sentencizer`` pipe, which walks ``Token``
objects and took a third of ingestion time (``benchmarks/ingest.py``); a test checks that both give
the same sentences on real articles. One refinement: an opening quotation mark that the rule leaves
at the end of a sentence is moved to the start of the next one.

Each paragraph is processed on its own, so a sentence never crosses a paragraph boundary (a bullet
or a subhead is at least one sentence of its own). Offsets come from ``token.idx`` shifted by the
paragraph's start, so they index the whole document text. Whitespace tokens are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from newsevents.document import Segment


@dataclass(frozen=True)
class Segmentation:
    """The sentences and tokens of one text, in text order."""

    sentences: tuple[Segment, ...]
    tokens: tuple[Segment, ...]


@dataclass(frozen=True)
class SegmentOffsets:
    """The same as :class:`Segmentation` as four int64 arrays of character offsets.

    Cheap to pickle (ingestion's worker processes return these); :meth:`to_segmentation` builds
    the :class:`Segment` objects.
    """

    sentence_starts: np.ndarray
    sentence_ends: np.ndarray
    token_starts: np.ndarray
    token_ends: np.ndarray

    def to_segmentation(self) -> Segmentation:
        return Segmentation(
            tuple(map(Segment, self.sentence_starts.tolist(), self.sentence_ends.tolist())),
            tuple(map(Segment, self.token_starts.tolist(), self.token_ends.tolist())),
        )


class Segmenter:
    """Split texts into sentences and tokens.

    Parameters
    ----------
    batch_size : int, default 256
        Paragraphs per batch handed to ``spacy.Language.pipe``.

    Example
    -------
    >>> s = Segmenter().segment("Two men were arrested. Police said so.", [Segment(0, 38, "lead")])
    >>> [(t.start, t.end) for t in s.sentences]
    [(0, 22), (23, 38)]
    """

    def __init__(self, batch_size: int = 256) -> None:
        self.batch_size = batch_size

    @cached_property
    def nlp(self):  # type: ignore[no-untyped-def]
        import spacy  # imported on first use: loading spaCy takes about a second

        return spacy.blank("en")

    @cached_property
    def _sentence_final(self) -> np.ndarray:
        from spacy.pipeline import Sentencizer

        return np.array(sorted(self.nlp.vocab.strings.add(p) for p in Sentencizer.default_punct_chars), dtype=np.uint64)

    @cached_property
    def _opening_quotes(self) -> frozenset[int]:
        return frozenset(self.nlp.vocab.strings.add(q) for q in _OPENING_QUOTES)

    def segment(self, text: str, paragraphs: Sequence[Segment]) -> Segmentation:
        """Segment one text whose paragraphs are given (offsets into ``text``)."""
        return self.offsets(text, paragraphs).to_segmentation()

    def offsets(self, text: str, paragraphs: Sequence[Segment]) -> SegmentOffsets:
        """Sentence and token offsets of one text, as arrays."""
        from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH

        attributes = [IDX, LENGTH, IS_SPACE, IS_PUNCT, ORTH]
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        pieces = [text[p.start:p.end] for p in paragraphs]
        for paragraph, doc in zip(paragraphs, self.nlp.tokenizer.pipe(pieces, batch_size=self.batch_size)):
            if len(doc):
                parts.append(self._sentence_boundaries(doc.to_array(attributes), paragraph.start))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return SegmentOffsets(empty, empty, empty, empty)
        sentence_starts, sentence_ends = [], []
        for starts, ends, first in parts:
            sentence_starts.append(starts[first])
            sentence_ends.append(ends[np.append(first[1:] - 1, len(ends) - 1)])
        return SegmentOffsets(
            np.concatenate(sentence_starts), np.concatenate(sentence_ends),
            np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
        )

    def _sentence_boundaries(self, array: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token starts and ends (whitespace tokens dropped, shifted by ``base``) and the indices of
        the tokens that start a sentence.

        ``array`` has one row per token: IDX, LENGTH, IS_SPACE, IS_PUNCT, ORTH. The Sentencizer's
        rule, vectorised: a token that is neither punctuation nor sentence-final starts a sentence
        when a sentence-final mark stands between it and the previous such token.
        """
        idx, length, is_space, is_punct, orth = array.T
        final = self._sentence_final
        is_final = final[np.minimum(np.searchsorted(final, orth), len(final) - 1)] == orth
        eligible = (is_punct == 0) & ~is_final
        finals_before = np.cumsum(is_final) - is_final            # sentence-final marks before each token
        eligible_at = np.flatnonzero(eligible)
        previous = np.concatenate(([0], finals_before[eligible_at][:-1])) if len(eligible_at) else eligible_at
        starts_sentence = np.zeros(len(idx), dtype=bool)
        starts_sentence[eligible_at[finals_before[eligible_at] > previous]] = True
        starts_sentence[0] = True
        keep = is_space == 0
        if not keep.all():  # a whitespace token that starts a sentence passes that on to the next token
            for i in np.flatnonzero(starts_sentence & ~keep):
                following = np.flatnonzero(keep[i + 1:])
                if len(following):
                    starts_sentence[i + 1 + following[0]] = True
            idx, length, orth, starts_sentence = idx[keep], length[keep], orth[keep], starts_sentence[keep]
        starts = idx.astype(np.int64) + base
        ends = starts + length.astype(np.int64)
        first = np.flatnonzero(starts_sentence)
        # An opening quote left at the end of the previous sentence moves to the start of its own.
        for k in range(1, len(first)):
            i = first[k]
            if i - 1 > first[k - 1] and int(orth[i - 1]) in self._opening_quotes and ends[i - 1] == starts[i]:
                first[k] = i - 1
        return starts, ends, first


#: Opening quotation marks, moved from the end of one sentence to the start of the next.
_OPENING_QUOTES = ("\"", "\u201c", "\u2018", "\u00ab", "\u201e")
