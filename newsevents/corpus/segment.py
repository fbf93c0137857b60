"""Sentences and tokens with character offsets, from spaCy's blank English pipeline.

The pipeline is ``spacy.blank("en")`` plus the rule-based ``sentencizer``: a tokenizer and a
punctuation-based sentence splitter, no statistical model, nothing to download. Each paragraph is
processed on its own, so a sentence never crosses a paragraph boundary (a bullet or a subhead is at
least one sentence of its own). Offsets come from ``token.idx`` and are shifted by the paragraph's
start, so they index the whole document text. Whitespace tokens are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from newsevents.document import Segment


@dataclass(frozen=True)
class Segmentation:
    """The sentences and tokens of one text, in text order."""

    sentences: tuple[Segment, ...]
    tokens: tuple[Segment, ...]


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

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp

    def segment(self, text: str, paragraphs: Sequence[Segment]) -> Segmentation:
        """Segment one text whose paragraphs are given (offsets into ``text``)."""
        return next(self.segment_many([(text, paragraphs)]))

    def segment_many(self, items: Iterable[tuple[str, Sequence[Segment]]]) -> Iterator[Segmentation]:
        """Segment many ``(text, paragraphs)`` pairs, batching paragraphs across texts for speed."""
        for text, paragraphs in items:
            pieces = [text[p.start:p.end] for p in paragraphs]
            sentences: list[Segment] = []
            tokens: list[Segment] = []
            for paragraph, doc in zip(paragraphs, self.nlp.pipe(pieces, batch_size=self.batch_size)):
                for sentence in _paragraph_sentences(doc, paragraph.start):
                    sentences.append(Segment(sentence[0][0], sentence[-1][1]))
                    tokens.extend(Segment(start, end) for start, end in sentence)
            yield Segmentation(tuple(sentences), tuple(tokens))


_OPENING_QUOTES = frozenset("\"\u201c\u2018\u00ab\u201e")


def _paragraph_sentences(doc, base: int) -> list[list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    """Token offsets of a spaCy ``Doc``, grouped by sentence, shifted by ``base``.

    The sentencizer leaves an opening quotation mark at the end of the sentence before the quote;
    such a mark is moved to the start of the next sentence, where it belongs.
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    sentences: list[list[tuple[int, int]]] = []
    for (idx, length, is_space, sent_start), token in zip(doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START]).tolist(), doc):
        if is_space:
            continue
        span = (base + idx, base + idx + length)
        if sent_start == 1 or not sentences:
            if sentences and len(sentences[-1]) > 1 and token.nbor(-1).text in _OPENING_QUOTES and token.nbor(-1).whitespace_ == "":
                sentences.append([sentences[-1].pop()])
                sentences[-1].append(span)
            else:
                sentences.append([span])
        else:
            sentences[-1].append(span)
    return sentences
