"""Seeded synthetic gold and predictions for the benchmarks (no real text needed).

A document is a run of numbered words; events, arguments, entity clusters and hoppers are placed on
them at random, and a prediction is the gold with controlled noise: dropped and spurious mentions,
shifted boundaries, swapped types and roles.
"""

from __future__ import annotations

import random

from newsevents.document import Argument, Document, EntityMention, EventMention, Span

EVENT_TYPES = ("Conflict.Attack", "Life.Die", "Life.Injure", "Justice.Arrest", "Justice.Charge", "Movement.Transport")
ROLES = ("Attacker", "Target", "Victim", "Place", "Time", "Agent")
ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "TIME")


def synthetic_document(rng: random.Random, doc_id: str, n_events: int = 10, n_entities: int = 15) -> Document:
    words = [f"w{i}" for i in range(4 * (n_events + n_entities) + 10)]
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    slots = rng.sample(range(len(words)), n_events + n_entities)
    entities = []
    for i, w in enumerate(slots[:n_entities]):
        s = starts[w]
        entities.append(EntityMention(f"T{i}", rng.choice(ENTITY_TYPES), s, s + len(words[w]), words[w], cluster=f"c{rng.randrange(n_entities // 2 + 1)}"))
    events = []
    for i, w in enumerate(slots[n_entities:]):
        s = starts[w]
        args = tuple(Argument(rng.choice(ROLES), entity=rng.choice(entities).id) for _ in range(rng.randint(0, 3)))
        events.append(EventMention(f"E{i}", rng.choice(EVENT_TYPES), Span(s, s + len(words[w]), words[w]), args,
                                   realis=rng.choice(("actual", "other")), hopper=f"h{rng.randrange(n_events)}"))
    return Document(doc_id, text, entities=tuple(entities), events=tuple(events))


def noisy_prediction(rng: random.Random, gold: Document, noise: float = 0.2) -> Document:
    events = []
    for event in gold.events:
        if rng.random() < noise / 2:
            continue  # missed
        etype = rng.choice(EVENT_TYPES) if rng.random() < noise / 2 else event.type
        args = tuple(Argument(rng.choice(ROLES) if rng.random() < noise / 2 else a.role, entity=a.entity)
                     for a in event.arguments if rng.random() > noise / 2)
        events.append(EventMention(event.id, etype, event.trigger, args, realis=event.realis))
    entities = [m for m in gold.entities if rng.random() > noise / 4]
    return Document(gold.id, gold.text, entities=tuple(entities),
                    events=tuple(e for e in events if all(gold.entity(a.entity) in entities for a in e.arguments)))


def synthetic_corpus(n_documents: int, seed: int = 0, n_events: int = 10) -> tuple[list[Document], list[Document]]:
    rng = random.Random(seed)
    gold = [synthetic_document(rng, f"d{i}", n_events=n_events) for i in range(n_documents)]
    return gold, [noisy_prediction(rng, g) for g in gold]
