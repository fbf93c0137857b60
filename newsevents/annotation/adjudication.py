"""Adjudication: merge several annotators' versions of a document into gold and list what they disagree on.

An item every annotator has is accepted; anything else is a disagreement, listed with the annotators
who have it, for an adjudicator to decide (for instance in a Label Studio review project where each
version is a prediction). Items are compared by what they say, not by their ids:

* an entity mention by ``(start, end, type)``;
* an event mention by ``(trigger start, trigger end, type)``;
* an argument by ``(its event, role, its filler)``, the filler being an entity mention or an event
  mention as above; an argument is accepted only when its event and its filler are.

Realis, hoppers and clusters of accepted mentions are taken from the first annotator (annotators are
ordered by name); a differing realis is listed as a disagreement too. The gold is written with fresh
ids (``T1``... and ``E1``... in text order).

One annotator's work becomes gold only when asked for explicitly (``accept_single``): every item is
then accepted as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsevents.document import Argument, Document, EntityMention, EventMention
from newsevents.errors import NewsEventsError

MentionKey = tuple[int, int, str]


@dataclass(frozen=True)
class Disagreement:
    """An item not every annotator has (or a realis they do not agree on)."""

    document: str
    layer: str          # "entity", "event", "argument" or "realis"
    item: str           # a readable description of the item
    annotators: tuple[str, ...]   # those who have it (for realis: "name=value" pairs)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "layer": self.layer, "item": self.item, "annotators": list(self.annotators)}


@dataclass
class Adjudication:
    gold: list[Document]
    disagreements: list[Disagreement]


def _entity_key(m: EntityMention) -> MentionKey:
    return (m.start, m.end, m.type)


def _event_key(e: EventMention) -> MentionKey:
    return (e.trigger.start, e.trigger.end, e.type)


def _arguments(doc: Document) -> set[tuple[MentionKey, str, str, MentionKey]]:
    entities = {m.id: _entity_key(m) for m in doc.entities}
    events = {e.id: _event_key(e) for e in doc.events}
    out = set()
    for e in doc.events:
        for a in e.arguments:
            if a.entity in entities:
                out.add((_event_key(e), a.role, "entity", entities[a.entity]))
            elif a.event in events:
                out.add((_event_key(e), a.role, "event", events[a.event]))
    return out


def _describe(key: MentionKey, text: str) -> str:
    return f"{key[2]} {text[key[0]:key[1]]!r} [{key[0]}:{key[1]}]"


def adjudicate_document(versions: Mapping[str, Document]) -> tuple[Document, list[Disagreement]]:
    """Gold for one document from its annotators' versions (same id and text), and the disagreements."""
    names = sorted(versions)
    first = versions[names[0]]
    text = first.text
    doc_id = first.id
    disagreements: list[Disagreement] = []

    def vote(layer: str, keys_by_annotator: Mapping[str, set], describe) -> set:  # type: ignore[no-untyped-def]
        union = set().union(*keys_by_annotator.values())
        agreed = set.intersection(*keys_by_annotator.values()) if keys_by_annotator else set()
        for key in sorted(union - agreed, key=str):
            having = tuple(n for n in names if key in keys_by_annotator[n])
            disagreements.append(Disagreement(doc_id, layer, describe(key), having))
        return agreed

    entities = vote("entity", {n: {_entity_key(m) for m in versions[n].entities} for n in names}, lambda k: _describe(k, text))
    events = vote("event", {n: {_event_key(e) for e in versions[n].events} for n in names}, lambda k: _describe(k, text))
    arguments = vote(
        "argument", {n: _arguments(versions[n]) for n in names},
        lambda k: f"{_describe(k[0], text)} --{k[1]}--> {_describe(k[3], text)}",
    )

    realis_of = {n: {_event_key(e): e.realis for e in versions[n].events} for n in names}
    for key in sorted(events):
        values = {n: realis_of[n][key] for n in names}
        if len(set(values.values())) > 1:
            disagreements.append(Disagreement(doc_id, "realis", _describe(key, text), tuple(f"{n}={v}" for n, v in values.items())))

    # Gold from the first annotator's mentions that everyone agrees on, renumbered in text order.
    kept_entities = sorted((m for m in first.entities if _entity_key(m) in entities), key=lambda m: (m.start, m.end, m.type))
    entity_ids = {_entity_key(m): f"T{i + 1}" for i, m in enumerate(kept_entities)}
    kept_events = sorted((e for e in first.events if _event_key(e) in events), key=lambda e: (e.trigger.start, e.trigger.end, e.type))
    event_ids = {_event_key(e): f"E{i + 1}" for i, e in enumerate(kept_events)}
    gold_events = []
    for event in kept_events:
        key = _event_key(event)
        args = tuple(
            Argument(role, entity=entity_ids[filler]) if kind == "entity" else Argument(role, event=event_ids[filler])
            for (event_key, role, kind, filler) in sorted(arguments, key=str)
            if event_key == key and (filler in entity_ids if kind == "entity" else filler in event_ids)
        )
        gold_events.append(EventMention(event_ids[key], event.type, event.trigger, args, event.realis, event.hopper))
    gold = Document(
        doc_id, text, meta=first.meta, paragraphs=first.paragraphs, sentences=first.sentences, tokens=first.tokens,
        entities=tuple(EntityMention(entity_ids[_entity_key(m)], m.type, m.start, m.end, m.text, m.cluster) for m in kept_entities),
        events=tuple(gold_events),
    )
    return gold, disagreements


def adjudicate(versions: Mapping[str, Sequence[Document]], *, accept_single: bool = False) -> Adjudication:
    """Adjudicate every document that all annotators have (annotator name -> documents).

    A document some annotator lacks is a disagreement of layer ``"document"`` and gets no gold.

    Parameters
    ----------
    versions : mapping of str to sequence of Document
        Each annotator's documents.
    accept_single : bool, default False
        Accept one annotator's documents as gold as they are (renumbered, nothing to disagree on).
        Without it, fewer than two annotators is an error: gold nobody else checked is a choice to
        make explicitly.

    Raises
    ------
    NewsEventsError
        No annotator; a single annotator without ``accept_single``.
    """
    if not versions:
        raise NewsEventsError("no annotator's documents to adjudicate")
    if len(versions) < 2 and not accept_single:
        raise NewsEventsError(f"only one annotator ({next(iter(versions))!r}): adjudication compares two or more; "
                              "to take one annotator's work as gold, accept it explicitly (accept_single=True, "
                              "`newsevents annotate adjudicate FILE --accept-single`)")
    by_annotator = {name: {d.id: d for d in docs} for name, docs in versions.items()}
    names = sorted(by_annotator)
    all_ids = sorted(set().union(*(set(d) for d in by_annotator.values())))
    gold, disagreements = [], []
    for doc_id in all_ids:
        having = tuple(n for n in names if doc_id in by_annotator[n])
        if len(having) < len(names):
            disagreements.append(Disagreement(doc_id, "document", "annotated by some annotators only", having))
            continue
        texts = {by_annotator[n][doc_id].text for n in names}
        if len(texts) > 1:
            disagreements.append(Disagreement(doc_id, "document", "the annotators' texts differ", having))
            continue
        document, found = adjudicate_document({n: by_annotator[n][doc_id] for n in names})
        gold.append(document)
        disagreements.extend(found)
    return Adjudication(gold, disagreements)
