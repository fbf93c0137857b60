"""Leaks between splits: text that a model could see in training and again in evaluation.

Three kinds, each a :class:`Leak`:

* ``near_duplicate``: two documents that are exact or near copies
  (:func:`~newsevents.corpus.dedupe.find_duplicates`) sit in different splits;
* ``identical_sentence``: one long sentence (whitespace collapsed, lowercased) occurs in documents
  of two different splits, a quote or paragraph reused by otherwise different stories;
* ``unassigned``: a document has no split at all.

Example
-------
>>> from newsevents.document import Document
>>> from newsevents.corpus.split import SplitAssignment
>>> docs = [Document("a", "Police said six people were arrested at the port."), Document("b", "Other.")]
>>> [leak.kind for leak in check_leaks(docs, SplitAssignment(splits={"a": "train"}))]
['unassigned']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

from newsevents.corpus.dedupe import WORD, DuplicateReport, find_duplicates
from newsevents.corpus.split import SplitAssignment
from newsevents.document import Document

LeakKind = Literal["near_duplicate", "identical_sentence", "unassigned"]

#: Characters of a sentence kept in :attr:`Leak.detail`.
DETAIL_CHARS = 80


@dataclass(frozen=True, order=True)
class Leak:
    """One leak between splits.

    Attributes
    ----------
    kind : {"near_duplicate", "identical_sentence", "unassigned"}
    ids : tuple of two str
        The two documents, in id order. For ``unassigned``: ``(doc_id, "")``.
    splits : tuple of two str
        Their splits, in the order of ``ids``. For ``unassigned``: ``("", "")``.
    detail : str
        ``near_duplicate``: the pair's kind and estimated Jaccard; ``identical_sentence``: the first
        80 characters of the normalised sentence; ``unassigned``: a fixed explanation.
    """

    kind: LeakKind
    ids: tuple[str, str]
    splits: tuple[str, str]
    detail: str

    def __str__(self) -> str:
        if self.kind == "unassigned":
            return f"unassigned: {self.ids[0]}: {self.detail}"
        return f"{self.kind}: {self.ids[0]} ({self.splits[0]}) ~ {self.ids[1]} ({self.splits[1]}): {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ids": list(self.ids), "splits": list(self.splits), "detail": self.detail}


def check_leaks(
    documents: Iterable[Document],
    assignment: SplitAssignment,
    *,
    duplicates: DuplicateReport | None = None,
    min_sentence_words: int = 6,
) -> list[Leak]:
    """Every leak between the splits of ``assignment`` over ``documents``.

    Parameters
    ----------
    documents : iterable of Document
        The corpus; ``text`` and ``sentences`` are read.
    assignment : SplitAssignment
        The split of each document.
    duplicates : DuplicateReport, optional
        Duplicate pairs to check; computed with default parameters by
        :func:`~newsevents.corpus.dedupe.find_duplicates` when ``None``.
    min_sentence_words : int, default 6
        Shorter sentences (in ``\\w+`` words) are not compared: datelines and stock phrases
        ("Police said on Monday.") recur across unrelated stories.

    Returns
    -------
    list of Leak
        Sorted by kind, ids, splits and detail; empty for a clean assignment.

    Notes
    -----
    - Sentences are ``document.sentences``; a document without sentences is compared line by line.
    - A sentence shared by several documents gives one leak per pair of documents in different
      splits (and per sentence), so boilerplate shows up loudly: strip it during ingest.
    - Pairs with an unassigned document are reported only as ``unassigned``.

    Example
    -------
    >>> from newsevents.document import Document
    >>> from newsevents.corpus.split import SplitAssignment
    >>> text = "Gunmen attacked a police station near the border overnight."
    >>> docs = [Document("a", text), Document("b", text)]
    >>> leaks = check_leaks(docs, SplitAssignment(splits={"a": "train", "b": "test"}))
    >>> sorted({leak.kind for leak in leaks})
    ['identical_sentence', 'near_duplicate']
    """
    docs = list(documents)
    if duplicates is None:
        duplicates = find_duplicates(docs)
    leaks = [
        *_unassigned(docs, assignment),
        *_straddling_pairs(duplicates, assignment),
        *_shared_sentences(docs, assignment, min_sentence_words),
    ]
    return sorted(set(leaks))


def _unassigned(docs: Iterable[Document], assignment: SplitAssignment) -> Iterator[Leak]:
    for doc in docs:
        if assignment.split_of(doc.id) is None:
            yield Leak("unassigned", (doc.id, ""), ("", ""), "document has no split assignment")


def _straddling_pairs(duplicates: DuplicateReport, assignment: SplitAssignment) -> Iterator[Leak]:
    for pair in duplicates.pairs:
        split_a, split_b = assignment.split_of(pair.a), assignment.split_of(pair.b)
        if split_a is not None and split_b is not None and split_a != split_b:
            detail = f"{pair.kind} copy, estimated Jaccard {pair.jaccard:.2f}"
            yield Leak("near_duplicate", (pair.a, pair.b), (split_a, split_b), detail)


def sentence_texts(doc: Document) -> list[str]:
    """The sentences of ``doc`` (its lines when it has none), whitespace collapsed and lowercased.

    Example
    -------
    >>> sentence_texts(Document("a", "One  Two\\nThree"))
    ['one two', 'three']
    """
    if doc.sentences:
        raw = [doc.text[s.start : s.end] for s in doc.sentences]
    else:
        raw = doc.text.split("\n")
    return [text for text in (" ".join(r.split()).lower() for r in raw) if text]


def _shared_sentences(docs: Iterable[Document], assignment: SplitAssignment, min_words: int) -> Iterator[Leak]:
    holders: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        if assignment.split_of(doc.id) is None:
            continue
        for sentence in sentence_texts(doc):
            if len(WORD.findall(sentence)) >= min_words:
                holders[sentence].add(doc.id)
    for sentence, ids in holders.items():
        for a, b in combinations(sorted(ids), 2):
            split_a, split_b = assignment.split_of(a), assignment.split_of(b)
            if split_a != split_b:
                yield Leak("identical_sentence", (a, b), (split_a, split_b), sentence[:DETAIL_CHARS])  # type: ignore[arg-type]
