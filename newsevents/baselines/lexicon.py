"""The ``lexicon`` baseline: trigger words with their most frequent type, nearest-mention arguments.

The classic floor of event extraction (ACE papers' "most frequent type" baseline), trained:

**Triggers.** Every token is keyed by its lower-cased word, or by its simple lemma
(:func:`newsevents.baselines.features.lemma`, ``lemmatize=True``). ``fit`` counts, per key, how
often a training token with that key is a (single-token) gold trigger of each type, and how often
the key occurs at all. The schema's single-word ``triggers`` hints count as one trigger occurrence
of their type (``use_schema_hints``). A key is in the lexicon, with its most frequent type (ties:
the type with more training triggers, then the schema's hint), when that type's count is at least
``min_count`` and its precision (count / occurrences) at least ``min_precision``. ``predict`` marks
every token whose key is in the lexicon.

**Entities.** A gazetteer of training mentions (:class:`~newsevents.baselines.arguments.Gazetteer`):
a lower-cased token sequence that is a gold mention in at least ``gazetteer_precision`` of its
training occurrences, with its most frequent type, matched longest first.

**Arguments** (the documented heuristic,
:meth:`~newsevents.baselines.arguments.RoleStatistics.nearest_arguments`): in the trigger's
sentence, each role the training data fills in at least ``min_role_rate`` of the events of that type
takes the nearest gazetteer mention of an entity type the schema allows and training saw for the
role, on the side of the trigger where most training fillers were. Only mentions that fill an
argument are output.

**Realis**: ``"majority"`` gives each trigger key's most frequent training realis (``actual`` for
keys without one); a realis value gives it to every event; ``None`` predicts none. **Hoppers**: by
:func:`~newsevents.baselines.arguments.assign_hoppers`.

Example
-------
>>> from newsevents.document import Document, Segment
>>> doc = Document("d1", "Police arrested him.", sentences=(Segment(0, 20),),
...                tokens=(Segment(0, 6), Segment(7, 15), Segment(16, 19), Segment(19, 20)))
>>> [e.type for e in TriggerLexicon().fit([]).predict([doc])[0].events]
['Justice.Arrest']
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsevents.baselines.arguments import Gazetteer, RoleStatistics, TokenView, assign_hoppers, entity_mentions
from newsevents.baselines.base import Baseline
from newsevents.baselines.features import lemma
from newsevents.document import Document, EntityMention, EventMention, Span
from newsevents.ontology import Schema

#: Realis values the ``realis`` parameter takes besides a realis of the schema.
MAJORITY = "majority"


class TriggerLexicon(Baseline):
    """Trigger lexicon with most-frequent types and nearest-mention arguments (see the module docstring).

    Parameters
    ----------
    use_schema_hints : bool, default True
        Count the schema's single-word trigger hints as one trigger occurrence each.
    lemmatize : bool, default True
        Key tokens by their simple lemma (else by the lower-cased word).
    min_count : int, default 2
        Fewest trigger occurrences (hints included) a key needs.
    min_precision : float, default 0.3
        Lowest share of a key's training occurrences that are triggers of its type.
    min_role_rate : float, default 0.3
        Roles filled in fewer than this share of training events of a type are not predicted.
    gazetteer_precision : float, default 0.5
        Lowest share of a word sequence's training occurrences that are gold mentions.
    realis : str or None, default "majority"
        ``"majority"``, a realis of the schema for every event, or ``None``.
    """

    name = "lexicon"
    summary = ("Trained trigger lexicon (lemma -> most frequent type, precision threshold from dev) with a gazetteer of "
               "training mentions and nearest-mention arguments per role. The floor.")
    param_grid = {
        "min_precision": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
        "min_count": (1, 2, 3),
        "lemmatize": (True, False),
        "use_schema_hints": (True, False),
        "gazetteer_precision": (0.3, 0.5, 0.7),
        "min_role_rate": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
    }
    state_files = ("lexicon.json",)

    def __init__(self, use_schema_hints: bool = True, lemmatize: bool = True, min_count: int = 2, min_precision: float = 0.3,
                 min_role_rate: float = 0.3, gazetteer_precision: float = 0.5, realis: str | None = MAJORITY) -> None:
        self.use_schema_hints = use_schema_hints
        self.lemmatize = lemmatize
        self.min_count = min_count
        self.min_precision = min_precision
        self.min_role_rate = min_role_rate
        self.gazetteer_precision = gazetteer_precision
        self.realis = realis

    def _key(self, word: str) -> str:
        return lemma(word) if self.lemmatize else word.lower()

    def _fit(self, documents: list[Document], schema: Schema) -> None:
        triggers: dict[str, Counter[str]] = defaultdict(Counter)
        training: dict[str, Counter[str]] = defaultdict(Counter)   # without hints, for tie-breaks
        hint_rank: dict[str, dict[str, int]] = defaultdict(dict)
        occurrences: Counter[str] = Counter()
        realis: dict[str, Counter[str]] = defaultdict(Counter)
        if self.use_schema_hints:
            for rank, event_type in enumerate(schema.event_types):
                for word in event_type.triggers:
                    if " " not in word:
                        key = self._key(word)
                        triggers[key][event_type.name] += 1
                        occurrences[key] += 1
                        hint_rank[key].setdefault(event_type.name, rank)
        for doc in documents:
            view = TokenView(doc)
            for word in view.words:
                occurrences[self._key(word)] += 1
            for event in doc.events:
                covered = view.tokens(event.trigger.start, event.trigger.end)
                if covered is None or covered[1] - covered[0] != 1:
                    continue
                key = self._key(view.words[covered[0]])
                triggers[key][event.type] += 1
                training[key][event.type] += 1
                if event.realis is not None:
                    realis[key][event.realis] += 1
        lexicon = {}
        for key, counter in sorted(triggers.items()):
            kind = min(counter, key=lambda t: (-counter[t], -training[key][t], hint_rank[key].get(t, len(schema.event_types)), t))
            if counter[kind] >= self.min_count and counter[kind] >= self.min_precision * occurrences[key]:
                lexicon[key] = kind
        self.lexicon_ = lexicon
        self.realis_ = {k: min(c, key=lambda r: (-c[r], r)) for k, c in sorted(realis.items()) if k in lexicon}
        self.gazetteer_ = Gazetteer.fit(documents, min_precision=self.gazetteer_precision)
        self.roles_ = RoleStatistics.fit(documents)

    def _realis(self, key: str) -> str | None:
        if self.realis == MAJORITY:
            return self.realis_.get(key, "actual")
        return self.realis

    def _predict_document(self, document: Document, schema: Schema) -> Document:
        view = TokenView(document)
        mentions = entity_mentions(view, self.gazetteer_.find(view))
        by_sentence: dict[int, list[tuple[int, int, EntityMention]]] = defaultdict(list)
        for mention in mentions:
            first, last = view.tokens(mention.start, mention.end)  # type: ignore[misc]
            by_sentence[view.sentence_of[first]].append((first, last, mention))
        events = []
        for i, word in enumerate(view.words):
            key = self._key(word)
            event_type = self.lexicon_.get(key)
            if event_type is None:
                continue
            arguments = self.roles_.nearest_arguments(event_type, (i, i + 1), by_sentence[view.sentence_of[i]], schema,
                                                      min_rate=self.min_role_rate)
            events.append(EventMention(f"E{len(events) + 1}", event_type, Span(view.starts[i], view.ends[i], word),
                                       tuple(arguments), self._realis(key)))
        used = {a.entity for e in events for a in e.arguments}
        kept = [m for m in mentions if m.id in used]
        return self._output(document, kept, assign_hoppers(events, kept))

    def _save_state(self, folder: Path) -> None:
        state = {"lexicon": self.lexicon_, "realis": self.realis_, "gazetteer": self.gazetteer_.entries,
                 "roles": self.roles_.to_dict()}
        (folder / "lexicon.json").write_text(json.dumps(state, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")

    def _load_state(self, folder: Path) -> None:
        state: dict[str, Any] = json.loads((folder / "lexicon.json").read_text(encoding="utf-8"))
        self.lexicon_ = state["lexicon"]
        self.realis_ = state["realis"]
        self.gazetteer_ = Gazetteer(state["gazetteer"])
        self.roles_ = RoleStatistics(**state["roles"])


def predict_with_schema_hints(documents: Sequence[Document]) -> list[Document]:
    """The untrained lexicon (schema hints only, lower-cased words, no arguments, realis ``actual``)
    as a plain function, for ``--extractor`` options:
    ``newsevents annotate push ... --extractor newsevents.baselines.lexicon:predict_with_schema_hints``."""
    return TriggerLexicon(lemmatize=False, min_count=1, min_precision=0.0, realis="actual").fit([]).predict(documents)


__all__ = ["TriggerLexicon", "predict_with_schema_hints"]
