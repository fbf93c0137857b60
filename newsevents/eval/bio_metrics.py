"""Span F1 over IOB2 tag sequences, equal to ``seqeval``'s strict IOB2 mode.

``seqeval.metrics.f1_score(y_true, y_pred, mode="strict", scheme=IOB2)`` counts a predicted span as
correct when a gold span has the same label, start and end, where spans are decoded in strict IOB2
(:func:`newsevents.bio.tags_to_spans`). This module computes the same counts without seqeval, much
faster (``benchmarks/score.py``), and scores documents through the sentence view that the dataset
build writes (:func:`newsevents.bio.sentence_views`), so a model trained on the
``sentences`` config is scored on the tags it learned. The entity layer follows the entity scope of
the span metrics (:func:`newsevents.eval.items.scoped_entities`): by default only the mentions that
fill an argument of an event mention of their own side are tagged, on both sides, whereas the
``argument_entity_tags`` of the dataset also tag the fillers' coreferent mentions; ``entity_scope="all"``
tags every mention, as the dataset does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import chain

import numpy as np

from newsevents.bio import OUTSIDE, sentence_views, split_tag
from newsevents.document import Document
from newsevents.eval.counts import Counts, Score
from newsevents.eval.items import DEFAULT_ENTITY_SCOPE, EntityScope, check_entity_scope, scoped_entities

BIO_LAYERS = ("triggers", "entities")


def _encode(sequences: Sequence[Sequence[str]], lengths: np.ndarray, labels: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Strict IOB2 spans of all sequences as sorted int64 keys, and each key's label id.

    Vectorised decoding: tags are flattened and parsed once per distinct tag; a span starts at every
    ``B-X`` and ends at the first later position that does not continue it (not ``I-X``, or the
    start of the next sequence): since each ``I`` must repeat the label before it, the whole run
    carries the label of its ``B``.
    """
    n = int(lengths.sum())
    distinct = sorted(set(chain.from_iterable(sequences)))
    parsed = [split_tag(tag) for tag in distinct]
    for prefix, name in parsed:
        if prefix != OUTSIDE:
            labels.setdefault(name, len(labels))
    lookup = dict(zip(distinct, range(len(distinct))))
    tag_ids = np.fromiter(map(lookup.__getitem__, chain.from_iterable(sequences)), dtype=np.intp, count=n)
    is_begin = np.array([prefix == "B" for prefix, _ in parsed], dtype=bool)[tag_ids]
    is_inside = np.array([prefix == "I" for prefix, _ in parsed], dtype=bool)[tag_ids]
    label = np.array([labels.get(name, -1) for _, name in parsed], dtype=np.int64)[tag_ids]
    first_of_sequence = np.zeros(n + 1, dtype=bool)
    first_of_sequence[np.cumsum(lengths)[:-1]] = True
    first_of_sequence[0] = first_of_sequence[n] = True
    continues = np.zeros(n + 1, dtype=bool)
    continues[1:n] = is_inside[1:] & (label[1:] == label[:-1])
    breaks = np.flatnonzero(~continues | first_of_sequence)   # sorted; always holds n
    starts = np.flatnonzero(is_begin)
    ends = breaks[np.searchsorted(breaks, starts, side="right")]
    span_labels = label[starts]
    keys = (starts * (n + 1) + ends) * 1024 + span_labels
    return keys, span_labels


def bio_counts(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Counts]:
    """Counts per label of strict IOB2 span matching; sequences pair up by position.

    Raises
    ------
    ValueError
        When the numbers of sequences, or the lengths of a pair, differ (naming the position).
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sequences but {len(pred)} predicted ones")
    lengths = np.fromiter(map(len, gold), dtype=np.int64, count=len(gold))
    pred_lengths = np.fromiter(map(len, pred), dtype=np.int64, count=len(pred))
    differ = np.flatnonzero(lengths != pred_lengths)
    if len(differ):
        i = int(differ[0])
        raise ValueError(f"sequence {i}: {len(gold[i])} gold tags but {len(pred[i])} predicted tags")
    labels: dict[str, int] = {}
    gold_keys, gold_labels = _encode(gold, lengths, labels)
    pred_keys, pred_labels = _encode(pred, lengths, labels)
    if len(labels) >= 1024:
        raise ValueError(f"{len(labels)} labels: at most 1023 are supported")
    matched = np.intersect1d(gold_keys, pred_keys, assume_unique=True) % 1024
    size = len(labels)
    n_gold, n_pred, n_match = (np.bincount(x, minlength=size) for x in (gold_labels, pred_labels, matched))
    return {name: Counts(int(n_gold[i]), int(n_pred[i]), int(n_match[i]))
            for name, i in sorted(labels.items()) if n_gold[i] or n_pred[i]}


def bio_score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], zero_division: float = 0.0) -> Score:
    """Micro span precision, recall and F1 (``seqeval``'s strict IOB2 ``f1_score`` and friends)."""
    return sum(bio_counts(gold, pred).values(), Counts()).score(zero_division)


def sentence_tags(documents: Iterable[Document], layer: str, *, entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE) -> list[tuple[str, ...]]:
    """The IOB2 tags of every sentence of every document, for ``layer`` ("triggers" or "entities").

    The ``entities`` layer tags the mentions ``entity_scope`` admits (:func:`newsevents.eval.items.scoped_entities`).
    """
    if layer not in BIO_LAYERS:
        raise ValueError(f"unknown layer {layer!r}; valid: {', '.join(BIO_LAYERS)}")
    if layer == "triggers":
        return [view.trigger_tags for doc in documents for view in sentence_views(doc)]
    check_entity_scope(entity_scope)
    return [view.argument_entity_tags for doc in documents
            for view in sentence_views(replace(doc, entities=scoped_entities(doc, entity_scope)))]


def score_documents_bio(gold: Sequence[Document], predictions: Mapping[str, Document], layer: str = "triggers", *,
                        entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE) -> Score:
    """Span F1 of ``layer`` on the sentence view; each prediction is tagged over its gold document's tokens.

    For ``layer="entities"``, each side tags the mentions ``entity_scope`` admits (see :func:`sentence_tags`).
    """
    def with_gold_structure(doc: Document) -> Document:
        p = predictions.get(doc.id)
        return Document(doc.id, doc.text, sentences=doc.sentences, tokens=doc.tokens,
                        entities=p.entities if p else (), events=p.events if p else ())

    return bio_score(sentence_tags(gold, layer, entity_scope=entity_scope),
                     sentence_tags([with_gold_structure(d) for d in gold], layer, entity_scope=entity_scope))
