"""What a reviewer should look at in gold: each flag names the document, the span and the reason.

The checks (codes in :data:`CHECKS`) are hints, not errors: a flag may be right. A flag that was looked
at and is right stays listed in a justification file (:func:`read_justified`: one ``code<TAB>document<TAB>
start-end<TAB>why`` per line), and :func:`lint` then leaves it out.

* ``likely_missed_trigger``: a word that is a trigger in at least ``min_count`` other places of the gold,
  and a trigger in at least ``min_share`` of its occurrences, stands here without a trigger;
* ``trigger_type_varies``: a trigger word is annotated here with a type it has in the minority of its
  mentions across the gold (each minority mention is flagged, naming the majority type);
* ``argument_crosses_sentence``: an entity argument outside its trigger's sentence (GUIDELINES.md 4.1);
* ``cluster_type_mismatch``: a mention whose type differs from its cluster's majority type;
* ``no_core_role``: an event with arguments none of which fills a role other than Place and Time, or
  with no argument at all;
* ``hopper_mixes_types``: a hopper whose mentions have different event types;
* ``value_extent``: a TIME or CRIME value that begins with a preposition or article the guidelines
  exclude (2.4).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsevents.document import Document
from newsevents.errors import FormatError
from newsevents.ontology import Schema

CHECKS = ("likely_missed_trigger", "trigger_type_varies", "argument_crosses_sentence", "cluster_type_mismatch",
          "no_core_role", "hopper_mixes_types", "value_extent")
#: Roles every type shares: an event with only these has none of its type's core roles.
COMMON_ROLES = frozenset({"Place", "Time"})
#: First words a value's extent must not start with (GUIDELINES.md 2.4).
EXCLUDED_FIRST_WORDS = {
    "TIME": {"on", "in", "at", "since", "during", "by", "from", "until", "till", "before", "after", "the", "as", "of"},
    "CRIME": {"of", "for", "with", "on", "the", "a", "an", "charges", "charge", "suspicion"},
}
_WORD = re.compile(r"\w[\w'-]*")


@dataclass(frozen=True, order=True)
class Flag:
    """One thing to look at: ``start``/``end`` are character offsets of the span in ``document``."""

    document: str
    start: int
    end: int
    code: str
    text: str
    reason: str

    def key(self) -> tuple[str, str, int, int]:
        return (self.code, self.document, self.start, self.end)

    def __str__(self) -> str:
        return f"document {self.document!r}, {self.start}-{self.end} {self.text!r}: {self.code}: {self.reason}"


def _sentence_of(document: Document, offset: int) -> int:
    starts = [s.start for s in document.sentences]
    return bisect_right(starts, offset) - 1


def _words(document: Document) -> Iterable[tuple[int, int, str]]:
    for token in document.tokens or [type("T", (), {"start": m.start(), "end": m.end()}) for m in _WORD.finditer(document.text)]:
        word = document.text[token.start:token.end]
        if _WORD.fullmatch(word):
            yield token.start, token.end, word.lower()


def lint(documents: Sequence[Document], schema: Schema, *, min_count: int = 3, min_share: float = 0.5,
         justified: set[tuple[str, str, int, int]] | None = None) -> list[Flag]:
    """Every flag over ``documents`` (gold joined with its text), sorted; justified ones left out."""
    flags: list[Flag] = []
    trigger_types: dict[str, Counter] = defaultdict(Counter)     # one-word trigger -> types
    occurrences: Counter = Counter()                              # word -> occurrences in the texts
    for document in documents:
        for start, end, word in _words(document):
            occurrences[word] += 1
        for event in document.events:
            word = event.trigger.text.lower()
            if _WORD.fullmatch(word):
                trigger_types[word][event.type] += 1

    for document in documents:
        flags += _missed_triggers(document, trigger_types, occurrences, min_count, min_share)
        flags += _varying_types(document, trigger_types)
        flags += _structure(document, schema)
    justified = justified or set()
    return sorted(f for f in flags if f.key() not in justified)


def _missed_triggers(document: Document, trigger_types: dict[str, Counter], occurrences: Counter,
                     min_count: int, min_share: float) -> list[Flag]:
    covered = {(e.trigger.start, e.trigger.end) for e in document.events}
    inside = [(e.trigger.start, e.trigger.end) for e in document.events]
    out = []
    for start, end, word in _words(document):
        types = trigger_types.get(word)
        if not types or (start, end) in covered or any(s <= start and end <= e for s, e in inside):
            continue
        count = sum(types.values())
        share = count / max(1, occurrences[word])
        if count >= min_count and share >= min_share:
            kind, n = types.most_common(1)[0]
            out.append(Flag(document.id, start, end, "likely_missed_trigger", document.text[start:end],
                            f"a {kind} trigger in {n} of {occurrences[word]} occurrences elsewhere; not annotated here"))
    return out


def _varying_types(document: Document, trigger_types: dict[str, Counter]) -> list[Flag]:
    out = []
    for event in document.events:
        types = trigger_types.get(event.trigger.text.lower())
        if types and len(types) > 1:
            majority, n = types.most_common(1)[0]
            if event.type != majority and types[event.type] < n:
                out.append(Flag(document.id, event.trigger.start, event.trigger.end, "trigger_type_varies", event.trigger.text,
                                f"{event.type} here; {majority} in {n} of {sum(types.values())} mentions of this word"))
    return out


def _structure(document: Document, schema: Schema) -> list[Flag]:
    out = []
    entities = {m.id: m for m in document.entities}
    if document.sentences:
        for event in document.events:
            sentence = _sentence_of(document, event.trigger.start)
            for argument in event.arguments:
                mention = entities.get(argument.entity or "")
                if mention is not None and _sentence_of(document, mention.start) != sentence:
                    out.append(Flag(document.id, mention.start, mention.end, "argument_crosses_sentence", mention.text,
                                    f"{argument.role} of {event.id} ({event.trigger.text!r}) is in another sentence"))
    for event in document.events:
        if not any(a.role not in COMMON_ROLES for a in event.arguments):
            roles = ", ".join(r.name for r in schema.event_type(event.type).roles if r.name not in COMMON_ROLES) \
                if event.type in schema.event_type_names else "?"
            out.append(Flag(document.id, event.trigger.start, event.trigger.end, "no_core_role", event.trigger.text,
                            f"{event.id} {event.type} has none of {roles}"))
    clusters: dict[str, list] = defaultdict(list)
    for mention in document.entities:
        if mention.cluster is not None:
            clusters[mention.cluster].append(mention)
    for cluster, members in clusters.items():
        majority, n = Counter(m.type for m in members).most_common(1)[0]
        for mention in members:
            if mention.type != majority:
                out.append(Flag(document.id, mention.start, mention.end, "cluster_type_mismatch", mention.text,
                                f"{mention.type} in cluster {cluster!r}, whose mentions are {majority} ({n} of {len(members)})"))
    hoppers: dict[str, list] = defaultdict(list)
    for event in document.events:
        if event.hopper is not None:
            hoppers[event.hopper].append(event)
    for hopper, members in hoppers.items():
        types = Counter(e.type for e in members)
        if len(types) > 1:
            first = members[0]
            out.append(Flag(document.id, first.trigger.start, first.trigger.end, "hopper_mixes_types", first.trigger.text,
                            f"hopper {hopper!r} mixes {', '.join(f'{t} ({n})' for t, n in sorted(types.items()))}"))
    for mention in document.entities:
        excluded = EXCLUDED_FIRST_WORDS.get(mention.type)
        first_word = mention.text.split()[0].lower() if mention.text.split() else ""
        if excluded and first_word in excluded and len(mention.text.split()) > 1:
            out.append(Flag(document.id, mention.start, mention.end, "value_extent", mention.text,
                            f"a {mention.type} value starting with {first_word!r} (GUIDELINES.md 2.4)"))
    return out


def read_justified(path: str | Path) -> set[tuple[str, str, int, int]]:
    """The flags a reviewer accepted: ``code<TAB>document<TAB>start-end<TAB>why`` per line (``#`` comments)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise FormatError(f"cannot read: {err.strerror}", file=str(path)) from None
    out = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 4 or parts[0] not in CHECKS or not re.fullmatch(r"\d+-\d+", parts[2]) or not parts[3].strip():
            raise FormatError("expected code<TAB>document<TAB>start-end<TAB>why, with a code of "
                              f"{', '.join(CHECKS)} and a reason", file=str(path), line=number)
        start, end = map(int, parts[2].split("-"))
        out.add((parts[0], parts[1], start, end))
    return out


def counts(flags: Iterable[Flag]) -> dict[str, int]:
    """How many flags of each check (every code present, zeros included)."""
    tally = Counter(f.code for f in flags)
    return {code: tally.get(code, 0) for code in CHECKS}
