"""Duplicate documents: exact copies and near copies of one article.

Two documents are *exact* duplicates when their texts have the same sha256, and *near* duplicates
when the Jaccard similarity of their word-shingle sets, estimated with MinHash, reaches a threshold.
Candidate pairs come from MinHash LSH (:mod:`datasketch`) and each candidate is confirmed by its
estimated Jaccard, so the report never holds a near pair below the threshold. Duplicate pairs link
documents into clusters (connected components), and every document gets a group key: the smallest
id of its cluster, or its own id. The split assignment keeps each group whole
(:mod:`newsevents.corpus.split`), so a wire story and its rewrites never straddle train and test.

Example
-------
>>> from newsevents.document import Document
>>> story = "Police arrested three men after the attack on the market in the north of the city."
>>> report = find_duplicates([Document("a", story), Document("b", story), Document("c", "Other news.")])
>>> report.clusters
[('a', 'b')]
>>> report.group_of("b"), report.group_of("c")
('a', 'c')
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import Any, Literal

from datasketch import MinHash, MinHashLSH

from newsevents.document import Document
from newsevents.errors import NewsEventsError

DuplicateKind = Literal["exact", "near"]

#: Seed of the MinHash permutations: fixed, so the same texts always give the same report.
MINHASH_SEED = 1

# LSH banding tuned to miss few pairs (false negatives leak across splits); the extra candidates
# it lets through cost one signature comparison each and are rejected by the Jaccard check.
_LSH_WEIGHTS = (0.1, 0.9)

#: A word, for shingles and sentence lengths: a run of Unicode letters, digits or underscores.
WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 5) -> set[str]:
    """The set of ``size``-word shingles of ``text``: lowercased ``\\w+`` words joined by one space.

    Parameters
    ----------
    text : str
        Any text.
    size : int, default 5
        Words per shingle.

    Returns
    -------
    set of str
        The shingles; for a text of fewer than ``size`` words, its set of words (empty for a text
        without words).

    Example
    -------
    >>> sorted(shingles("Troops crossed the border at dawn", size=5))
    ['crossed the border at dawn', 'troops crossed the border at']
    >>> sorted(shingles("Two dead", size=5))
    ['dead', 'two']
    """
    words = WORD.findall(text.lower())
    if len(words) < size:
        return set(words)
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@dataclass(frozen=True, order=True)
class DuplicatePair:
    """Two documents that are copies of each other.

    Attributes
    ----------
    a, b : str
        Document ids, ``a < b``.
    kind : {"exact", "near"}
        ``exact``: identical texts (same sha256); ``near``: estimated Jaccard >= the threshold.
    jaccard : float
        Estimated Jaccard similarity of the shingle sets, in [0, 1]; 1.0 for exact pairs.
    """

    a: str
    b: str
    kind: DuplicateKind
    jaccard: float

    def __post_init__(self) -> None:
        if not self.a < self.b:
            raise NewsEventsError(f"a duplicate pair needs ids in order a < b, got a={self.a!r}, b={self.b!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "jaccard": self.jaccard}


@dataclass(frozen=True)
class DuplicateReport:
    """All duplicate pairs of a corpus and the clusters they form.

    Attributes
    ----------
    pairs : list of DuplicatePair
        Sorted; each pair once. Exact pairs are not repeated as near pairs.
    clusters : list of tuple of str
        Connected components of the pairs with two or more documents; each sorted, the list sorted.
        A cluster may hold two documents that are not a pair themselves but are linked through a
        third (a chain of rewrites).
    """

    pairs: list[DuplicatePair]
    clusters: list[tuple[str, ...]]

    @cached_property
    def _group_keys(self) -> dict[str, str]:
        return {doc_id: cluster[0] for cluster in self.clusters for doc_id in cluster}

    def group_of(self, doc_id: str) -> str:
        """The group key of a document: the smallest id of its cluster, or ``doc_id`` itself.

        Ids the report has never seen are their own group.
        """
        return self._group_keys.get(doc_id, doc_id)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: ``{"pairs": [...], "clusters": [[...], ...]}``."""
        return {"pairs": [p.to_dict() for p in self.pairs], "clusters": [list(c) for c in self.clusters]}


def find_duplicates(
    documents: Iterable[Document],
    *,
    threshold: float = 0.8,
    num_perm: int = 128,
    shingle_size: int = 5,
) -> DuplicateReport:
    """Find exact and near-duplicate documents.

    Parameters
    ----------
    documents : iterable of Document
        The corpus; ids must be unique. Only ``id`` and ``text`` are read.
    threshold : float, default 0.8
        Least estimated Jaccard similarity of the shingle sets for a near pair, in (0, 1].
    num_perm : int, default 128
        MinHash permutations; more permutations estimate Jaccard more precisely (the standard error
        is about ``sqrt(J * (1 - J) / num_perm)``, 0.035 at J = 0.8 with 128).
    shingle_size : int, default 5
        Words per shingle (see :func:`shingles`).

    Returns
    -------
    DuplicateReport
        Pairs and clusters; identical for the same documents in any order.

    Notes
    -----
    - With 5-word shingles one changed word removes up to five shingles: in a 100-word text, one
      changed word gives a Jaccard near 0.9, two changed words far apart near 0.8.
    - A document without any word (empty or punctuation only) has no shingles and is never a near
      duplicate; it can still be an exact one.
    - LSH finds a candidate pair with high probability, not certainty: a pair whose Jaccard is just
      above the threshold can be missed, and the estimate itself varies by the error above.

    Example
    -------
    >>> from newsevents.document import Document
    >>> find_duplicates([Document("x", "Two dead"), Document("y", "two dead.")]).pairs
    [DuplicatePair(a='x', b='y', kind='near', jaccard=1.0)]
    """
    _check_parameters(threshold, num_perm, shingle_size)
    docs = unique_by_id(documents)
    found: dict[tuple[str, str], DuplicatePair] = {}
    for a, b in _exact_pairs(docs):
        found[a, b] = DuplicatePair(a, b, "exact", 1.0)
    for a, b, jaccard in _near_pairs(docs, threshold, num_perm, shingle_size):
        found.setdefault((a, b), DuplicatePair(a, b, "near", jaccard))
    pairs = sorted(found.values())
    return DuplicateReport(pairs=pairs, clusters=_clusters([d.id for d in docs], pairs))


def _check_parameters(threshold: float, num_perm: int, shingle_size: int) -> None:
    if not 0.0 < threshold <= 1.0:
        raise NewsEventsError(f"threshold must be in (0, 1], got {threshold!r}")
    if num_perm < 2:
        raise NewsEventsError(f"num_perm must be at least 2, got {num_perm!r}")
    if shingle_size < 1:
        raise NewsEventsError(f"shingle_size must be at least 1, got {shingle_size!r}")


def unique_by_id(documents: Iterable[Document]) -> list[Document]:
    """The documents sorted by id; a repeated id raises :class:`NewsEventsError` naming it."""
    by_id: dict[str, Document] = {}
    for doc in documents:
        if doc.id in by_id:
            raise NewsEventsError("document id occurs twice; ids must be unique", document=doc.id)
        by_id[doc.id] = doc
    return [by_id[doc_id] for doc_id in sorted(by_id)]


def _exact_pairs(docs: Sequence[Document]) -> list[tuple[str, str]]:
    """Id pairs ``(a, b)``, ``a < b``, of documents with the same text sha256 (``docs`` sorted by id)."""
    by_hash: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        by_hash[doc.sha256].append(doc.id)
    return [pair for ids in by_hash.values() for pair in combinations(ids, 2)]


def _near_pairs(
    docs: Sequence[Document], threshold: float, num_perm: int, shingle_size: int
) -> list[tuple[str, str, float]]:
    """``(a, b, jaccard)`` for LSH candidates whose estimated Jaccard is at least ``threshold``."""
    with_words = [(doc.id, shingles(doc.text, shingle_size)) for doc in docs]
    with_words = [(doc_id, grams) for doc_id, grams in with_words if grams]
    signatures = MinHash.bulk(
        [[gram.encode("utf-8") for gram in sorted(grams)] for _, grams in with_words],
        num_perm=num_perm,
        seed=MINHASH_SEED,
    )
    by_id = {doc_id: signature for (doc_id, _), signature in zip(with_words, signatures)}
    index = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=_LSH_WEIGHTS)
    for doc_id, signature in by_id.items():
        index.insert(doc_id, signature)
    found = []
    for a, signature in by_id.items():
        for b in sorted(index.query(signature)):
            if a < b:
                jaccard = float(signature.jaccard(by_id[b]))
                if jaccard >= threshold:
                    found.append((a, b, jaccard))
    return found


def _clusters(ids: Sequence[str], pairs: Iterable[DuplicatePair]) -> list[tuple[str, ...]]:
    """Connected components (union-find) with two or more members; each sorted, the list sorted."""
    parent = {doc_id: doc_id for doc_id in ids}

    def root(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    for pair in pairs:
        ra, rb = root(pair.a), root(pair.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id in ids:
        members[root(doc_id)].append(doc_id)
    return sorted(tuple(sorted(group)) for group in members.values() if len(group) >= 2)
