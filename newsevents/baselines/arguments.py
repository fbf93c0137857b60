"""What the baselines share around arguments: token views, a gazetteer, role statistics and rules.

* :class:`TokenView`: a document's tokens with the sentence of each, and char span <-> token range.
* :class:`Gazetteer`: entity mentions of training documents looked up in new text (the ``lexicon``
  baseline's entities).
* :class:`RoleStatistics`: per event type and role, how often training fills it, with which entity
  types and on which side of the trigger (the ``lexicon`` baseline's argument heuristic,
  :meth:`RoleStatistics.nearest_arguments`).
* :func:`pair_features`: the features of a (trigger, candidate mention) pair for the ``crf``
  baseline's role classifier.
* :func:`assign_hoppers`: the hopper rule both baselines use.

Arguments are only looked for in the trigger's sentence (the corpus has no argument outside it) and
only entity-valued roles are predicted (event-valued arguments, such as a claimed attack, are under
1% of the training arguments).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from newsevents.baselines.features import lemma
from newsevents.bio import token_range
from newsevents.document import Argument, Document, EntityMention, EventMention
from newsevents.ontology import Schema


@dataclass(frozen=True)
class TokenView:
    """A document's tokens (words, offsets) and the sentence index of each token."""

    document: Document

    @cached_property
    def starts(self) -> list[int]:
        return [t.start for t in self.document.tokens]

    @cached_property
    def ends(self) -> list[int]:
        return [t.end for t in self.document.tokens]

    @cached_property
    def words(self) -> list[str]:
        text = self.document.text
        return [text[t.start:t.end] for t in self.document.tokens]

    @cached_property
    def sentence_of(self) -> list[int]:
        """Sentence index of each token (the sentence containing its first character)."""
        sentence_starts = [s.start for s in self.document.sentences]
        return [max(bisect_right(sentence_starts, s) - 1, 0) for s in self.starts]

    @cached_property
    def sentence_tokens(self) -> list[range]:
        """Token index range of each sentence."""
        ranges: list[list[int]] = [[] for _ in self.document.sentences]
        for i, s in enumerate(self.sentence_of):
            if ranges:
                ranges[s].append(i)
        return [range(r[0], r[-1] + 1) if r else range(0) for r in ranges]

    def tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range ``[first, last)`` of a character span (every token it touches), or ``None``."""
        return token_range(self.starts, self.ends, start, end, "expand")

    def span(self, first: int, last: int) -> tuple[int, int, str]:
        """Character span and text of tokens ``[first, last)``."""
        start, end = self.starts[first], self.ends[last - 1]
        return start, end, self.document.text[start:end]


def _key(words: Sequence[str]) -> str:
    return " ".join(w.lower() for w in words)


@dataclass
class Gazetteer:
    """Lower-cased token sequences of training mentions -> entity type.

    Built by :meth:`fit`: an entry is kept when its words are a mention in at least ``min_precision``
    of their occurrences in the training texts; its type is the most frequent one (ties: alphabetical).
    :meth:`find` matches entries greedily, longest first, left to right, on token boundaries.
    """

    entries: dict[str, str]

    @cached_property
    def max_length(self) -> int:
        return max((k.count(" ") + 1 for k in self.entries), default=0)

    @classmethod
    def fit(cls, documents: Iterable[Document], *, min_precision: float = 0.5) -> Gazetteer:
        types: dict[str, Counter[str]] = defaultdict(Counter)
        views = [TokenView(d) for d in documents]
        for view in views:
            for m in view.document.entities:
                covered = view.tokens(m.start, m.end)
                if covered is not None:
                    types[_key(view.words[covered[0]:covered[1]])][m.type] += 1
        longest = max((k.count(" ") + 1 for k in types), default=0)
        occurrences: Counter[str] = Counter()
        for view in views:
            lowered = [w.lower() for w in view.words]
            for n in range(1, longest + 1):
                for i in range(len(lowered) - n + 1):
                    key = " ".join(lowered[i:i + n])
                    if key in types:
                        occurrences[key] += 1
        entries = {}
        for key, counter in sorted(types.items()):
            kind, count = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if sum(counter.values()) >= min_precision * max(occurrences[key], 1):
                entries[key] = kind
        return cls(entries)

    def find(self, view: TokenView) -> list[tuple[int, int, str]]:
        """Matches in ``view`` as ``(first_token, last_token_exclusive, type)``, within sentences."""
        lowered = [w.lower() for w in view.words]
        found = []
        i, n = 0, len(lowered)
        sentence_of = view.sentence_of
        while i < n:
            for length in range(min(self.max_length, n - i), 0, -1):
                if sentence_of[i + length - 1] != sentence_of[i]:
                    continue
                kind = self.entries.get(" ".join(lowered[i:i + length]))
                if kind is not None:
                    found.append((i, i + length, kind))
                    i += length
                    break
            else:
                i += 1
        return found


def entity_mentions(view: TokenView, spans: Iterable[tuple[int, int, str]]) -> list[EntityMention]:
    """Entity mentions ``T1, T2, ...`` from token spans ``(first, last, type)``."""
    mentions = []
    for first, last, kind in spans:
        start, end, text = view.span(first, last)
        mentions.append(EntityMention(f"T{len(mentions) + 1}", kind, start, end, text))
    return mentions


@dataclass
class RoleStatistics:
    """Per (event type, role): fill rate, entity types seen and side of the trigger, from training gold.

    ``rate[type][role]`` is the share of training events of ``type`` with at least one ``role``
    argument; ``before[type][role]`` the share of its fillers that start before the trigger;
    ``entity_types[type][role]`` the entity types seen filling it.
    """

    rate: dict[str, dict[str, float]]
    before: dict[str, dict[str, float]]
    entity_types: dict[str, dict[str, list[str]]]

    @classmethod
    def fit(cls, documents: Iterable[Document]) -> RoleStatistics:
        events: Counter[str] = Counter()
        filled: dict[str, Counter[str]] = defaultdict(Counter)
        fillers: dict[str, Counter[str]] = defaultdict(Counter)
        before: dict[str, Counter[str]] = defaultdict(Counter)
        kinds: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for doc in documents:
            entities = {m.id: m for m in doc.entities}
            for event in doc.events:
                events[event.type] += 1
                for role in {a.role for a in event.arguments if a.entity in entities}:
                    filled[event.type][role] += 1
                for a in event.arguments:
                    m = entities.get(a.entity or "")
                    if m is None:
                        continue
                    fillers[event.type][a.role] += 1
                    before[event.type][a.role] += m.start < event.trigger.start
                    kinds[event.type][a.role].add(m.type)
        return cls(
            rate={t: {r: round(c / events[t], 6) for r, c in sorted(filled[t].items())} for t in sorted(filled)},
            before={t: {r: round(before[t][r] / c, 6) for r, c in sorted(fillers[t].items())} for t in sorted(fillers)},
            entity_types={t: {r: sorted(k) for r, k in sorted(kinds[t].items())} for t in sorted(kinds)},
        )

    def to_dict(self) -> dict[str, Any]:
        return {"rate": self.rate, "before": self.before, "entity_types": self.entity_types}

    def nearest_arguments(self, event_type: str, trigger: tuple[int, int], candidates: Sequence[tuple[int, int, EntityMention]],
                          schema: Schema, *, min_rate: float) -> list[Argument]:
        """The lexicon baseline's argument heuristic for one trigger.

        Roles of ``event_type`` are taken in decreasing training fill rate, those filled in fewer than
        ``min_rate`` of training events skipped. Each takes the nearest candidate mention (token
        distance between the spans) not yet used by this event whose type the schema allows for the
        role and training saw filling it, preferring the side of the trigger most of its training
        fillers were on (the other side only when that side has none).

        ``candidates`` are ``(first_token, last_token, mention)`` in the trigger's sentence;
        ``trigger`` is the trigger's token range.
        """
        allowed = {r.name: set(r.entity_types) for r in schema.event_type(event_type).roles}
        rates = self.rate.get(event_type, {})
        used: set[str] = set()
        arguments = []
        for role in sorted(rates, key=lambda r: (-rates[r], r)):
            if rates[role] < min_rate or role not in allowed:
                continue
            seen = set(self.entity_types.get(event_type, {}).get(role, ())) & allowed[role]
            fitting = [(first, last, m) for first, last, m in candidates if m.type in seen and m.id not in used]
            if not fitting:
                continue
            prefer_before = self.before.get(event_type, {}).get(role, 0.0) >= 0.5
            side = [c for c in fitting if (c[1] <= trigger[0]) == prefer_before and not _overlap(c, trigger)]
            chosen = min(side or fitting, key=lambda c: (_distance(c, trigger), c[0]))
            used.add(chosen[2].id)
            arguments.append(Argument(role, entity=chosen[2].id))
        return arguments


def _overlap(a: tuple[int, int, Any], trigger: tuple[int, int]) -> bool:
    return a[0] < trigger[1] and trigger[0] < a[1]


def _distance(a: tuple[int, int, Any], trigger: tuple[int, int]) -> int:
    """Tokens between the candidate and the trigger (0 when adjacent or overlapping)."""
    if a[1] <= trigger[0]:
        return trigger[0] - a[1]
    if a[0] >= trigger[1]:
        return a[0] - trigger[1]
    return 0


def pair_features(view: TokenView, event_type: str, trigger: tuple[int, int], mention: EntityMention,
                  span: tuple[int, int], others: Sequence[tuple[int, int]]) -> dict[str, float]:
    """Features of a (trigger, candidate mention) pair in one sentence, for the role classifier.

    Types (event type, mention type and their pair), order (mention before or after the trigger),
    token distance (bucketed), the words between (lower-cased lemmas, at most 8, each also
    conjoined with the event type), the trigger lemma, the mention's last word, the words just
    outside the mention, and whether another trigger (``others``, token ranges) stands between.
    """
    words = view.words
    side = "before" if span[1] <= trigger[0] else "after" if span[0] >= trigger[1] else "overlap"
    distance = _distance((span[0], span[1], None), trigger)
    bucket = str(distance) if distance < 4 else "4-7" if distance < 8 else "8+"
    t_lemma = lemma(words[trigger[0]])
    f = {
        f"E={event_type}": 1.0, f"M={mention.type}": 1.0, f"EM={event_type}|{mention.type}": 1.0,
        f"EMS={event_type}|{mention.type}|{side}": 1.0, f"S={side}": 1.0, f"ES={event_type}|{side}": 1.0,
        f"D={bucket}": 1.0, f"ED={event_type}|{bucket}": 1.0, f"MD={mention.type}|{side}|{bucket}": 1.0,
        f"T={t_lemma}": 1.0, f"TM={t_lemma}|{mention.type}|{side}": 1.0,
        f"H={words[span[1] - 1].lower()}": 1.0, f"EH={event_type}|{words[span[1] - 1].lower()}": 1.0,
    }
    if span[0] > 0:
        f[f"L={words[span[0] - 1].lower()}"] = 1.0
        f[f"EL={event_type}|{words[span[0] - 1].lower()}"] = 1.0
    if span[1] < len(words):
        f[f"R={words[span[1]].lower()}"] = 1.0
    low, high = (span[1], trigger[0]) if side == "before" else (trigger[1], span[0])
    between = [lemma(w) for w in words[low:high]]
    for w in between[:8]:
        f[f"B={w}"] = 1.0
        f[f"EB={event_type}|{w}"] = 1.0
    if side != "overlap" and any(low <= o[0] < high for o in others):
        f["trigger_between"] = 1.0
    return f


def assign_hoppers(events: Sequence[EventMention], entities: Sequence[EntityMention]) -> list[EventMention]:
    """Hoppers by rule: mentions of one event type in one document are one hopper, unless both name a
    ``Place`` (or both a ``Time``) and the texts differ, which starts another hopper of that type.

    Each event joins the first hopper of its type it does not conflict with; hopper ids are ``H1, H2, ...``
    in order of first mention.
    """
    texts = {m.id: m.text.lower() for m in entities}
    hoppers: list[tuple[str, str, dict[str, set[str]]]] = []   # (id, type, role -> filler texts)
    out = []
    for event in events:
        mine: dict[str, set[str]] = defaultdict(set)
        for a in event.arguments:
            if a.role in ("Place", "Time") and a.entity in texts:
                mine[a.role].add(texts[a.entity])
        joined = next((h for h in hoppers if h[1] == event.type
                       and not any(mine[r] and h[2].get(r) and not (mine[r] & h[2][r]) for r in ("Place", "Time"))), None)
        if joined is None:
            joined = (f"H{len(hoppers) + 1}", event.type, {})
            hoppers.append(joined)
        for r, values in mine.items():
            joined[2].setdefault(r, set()).update(values)
        hopper_id = joined[0]
        out.append(EventMention(event.id, event.type, event.trigger, event.arguments, event.realis, hopper_id))
    return out


__all__ = ["Gazetteer", "RoleStatistics", "TokenView", "assign_hoppers", "entity_mentions", "pair_features"]
