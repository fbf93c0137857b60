"""Corpus statistics: one computation behind ``newsevents corpus stats``, the dataset card and the datasheet.

All counts are exact integers over the documents given. ``splits`` maps each split to the same
statistics restricted to its documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from newsevents.document import Document


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    by_source: dict[str, int]
    annotated_documents: int
    sentences: int
    tokens: int
    entities: int
    entities_by_type: dict[str, int]
    entity_clusters: int
    events: int
    events_by_type: dict[str, int]
    hoppers: int
    arguments: int
    arguments_by_role: dict[str, int]
    realis: dict[str, int]
    splits: dict[str, CorpusStats] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout of ``newsevents corpus stats --json``."""
        return {
            "documents": {"total": self.documents, "by_source": self.by_source, "with_events": self.annotated_documents},
            "sentences": self.sentences,
            "tokens": self.tokens,
            "entities": {"total": self.entities, "by_type": self.entities_by_type, "clusters": self.entity_clusters},
            "events": {"total": self.events, "by_type": self.events_by_type, "hoppers": self.hoppers, "realis": self.realis},
            "arguments": {"total": self.arguments, "by_role": self.arguments_by_role},
            "splits": {name: split.to_dict() for name, split in self.splits.items()},
        }


def _sorted(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items()))


def corpus_stats(documents: Iterable[Document], splits: Mapping[str, str] | None = None) -> CorpusStats:
    """Count documents, sentences, tokens, mentions, hoppers and roles.

    Parameters
    ----------
    documents : iterable of Document
    splits : mapping of document id to split name, optional
        When given, ``CorpusStats.splits`` has the same statistics per split, in the order
        train, dev, test, then any other split names sorted.
    """
    documents = list(documents)
    stats = _count(documents)
    if splits is None:
        return stats
    order = ["train", "dev", "test"] + sorted(set(splits.values()) - {"train", "dev", "test"})
    per_split = {
        name: _count([d for d in documents if splits.get(d.id) == name])
        for name in order
        if any(splits.get(d.id) == name for d in documents)
    }
    return CorpusStats(**{**stats.__dict__, "splits": per_split})


def _count(documents: list[Document]) -> CorpusStats:
    sources: Counter = Counter()
    entity_types: Counter = Counter()
    event_types: Counter = Counter()
    roles: Counter = Counter()
    realis: Counter = Counter()
    clusters: set[tuple[str, str]] = set()
    hoppers: set[tuple[str, str]] = set()
    for doc in documents:
        sources[str(doc.meta.get("source") or "unknown")] += 1
        entity_types.update(e.type for e in doc.entities)
        clusters.update((doc.id, e.cluster) for e in doc.entities if e.cluster is not None)
        event_types.update(e.type for e in doc.events)
        realis.update(e.realis or "unspecified" for e in doc.events)
        hoppers.update((doc.id, e.hopper) for e in doc.events if e.hopper is not None)
        roles.update(a.role for e in doc.events for a in e.arguments)
    return CorpusStats(
        documents=len(documents),
        by_source=_sorted(sources),
        annotated_documents=sum(1 for d in documents if d.events),
        sentences=sum(len(d.sentences) for d in documents),
        tokens=sum(len(d.tokens) for d in documents),
        entities=sum(entity_types.values()),
        entities_by_type=_sorted(entity_types),
        entity_clusters=len(clusters),
        events=sum(event_types.values()),
        events_by_type=_sorted(event_types),
        hoppers=len(hoppers),
        arguments=sum(roles.values()),
        arguments_by_role=_sorted(roles),
        realis=_sorted(realis),
    )
