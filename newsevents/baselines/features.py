"""Token features shared by the feature-based baselines, and the simple lemma they key words by.

:func:`lemma` is a deterministic suffix-stripping key, not a dictionary lemmatiser: it only has to
map the inflections of one word to one key ("attacks", "attacked", "attacking" -> "attack";
"injured", "injuries", "injury" -> "injur"), and never to need a download.

:func:`token_features` gives, per token of a sentence, the crfsuite feature dict of the ``crf``
baseline (documented in :class:`newsevents.baselines.crf.CRFExtractor`).

Example
-------
>>> [lemma(w) for w in ("Attacks", "attacked", "stabbed", "injuries", "injury", "killed")]
['attack', 'attack', 'stab', 'injur', 'injur', 'kill']
>>> token_features(["Police", "arrested", "him"], hints={"arrest": "Justice.Arrest"})[1]["hint"]
'Justice.Arrest'
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from newsevents.document import Document
from newsevents.ontology import Schema

#: Suffixes :func:`lemma` strips, tried in this order (the first that leaves a stem of at least
#: :data:`MIN_STEM` characters wins).
SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "y", "e")
#: The shortest stem :func:`lemma` leaves.
MIN_STEM = 3
_DOUBLED = re.compile(r"([bdgklmnprt])\1$")


def lemma(word: str) -> str:
    """A lower-cased, suffix-stripped key for ``word`` (see the module docstring).

    Notes
    -----
    At most one suffix of :data:`SUFFIXES` is stripped (so "injury", "injuries" and "injured" share
    "injur"); a doubled final consonant left by "-ed" or "-ing" is undoubled ("stabbed" -> "stab",
    but "killed" -> "kill"). Words of up to :data:`MIN_STEM` characters and words that are not all
    letters are only lower-cased.
    """
    word = word.lower()
    if len(word) <= MIN_STEM or not word.isalpha():
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            stem = word[: -len(suffix)]
            if suffix in ("ed", "ing", "ings") and _DOUBLED.search(stem) and not stem.endswith(("ll", "ss")):
                stem = stem[:-1]
            return stem
    return word


def shape(word: str) -> str:
    """The word's shape with runs collapsed: "Kabul" -> "Xx", "2019" -> "d", "al-Shabaab" -> "x-Xx"."""
    out = []
    for ch in word:
        kind = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def schema_hints(schema: Schema) -> dict[str, str]:
    """Lemma of each single-word ``triggers`` hint of the schema -> its event type (first type wins)."""
    hints: dict[str, str] = {}
    for event_type in schema.event_types:
        for word in event_type.triggers:
            if " " not in word:
                hints.setdefault(lemma(word), event_type.name)
    return hints


def trigger_lexicon(documents: Iterable[Document], *, min_precision: float = 0.2) -> dict[str, str]:
    """Lemma -> the event type it triggers most often in ``documents`` (single-token gold triggers),
    kept when that type's count is at least ``min_precision`` of the lemma's occurrences."""
    from bisect import bisect_left

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    occurrences: Counter[str] = Counter()
    for doc in documents:
        starts = [t.start for t in doc.tokens]
        keys = [lemma(doc.text[t.start:t.end]) for t in doc.tokens]
        occurrences.update(keys)
        for event in doc.events:
            i = bisect_left(starts, event.trigger.start)
            if i < len(starts) and starts[i] == event.trigger.start and doc.tokens[i].end == event.trigger.end:
                counts[keys[i]][event.type] += 1
    out = {}
    for key, counter in sorted(counts.items()):
        kind = min(counter, key=lambda t: (-counter[t], t))
        if counter[kind] >= min_precision * occurrences[key]:
            out[key] = kind
    return out


def token_features(words: Sequence[str], hints: Mapping[str, str] | None = None, *, window: int = 2,
                   lexicon: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One crfsuite feature dict per word of a sentence.

    Parameters
    ----------
    words : sequence of str
        The sentence's tokens, in order.
    hints : mapping, optional
        Lemma -> event type (the schema's trigger hints, :func:`schema_hints`): a token whose lemma
        is a hint gets ``hint=<type>``, its neighbours ``hint[-1]`` / ``hint[+1]``.
    window : int, default 2
        Neighbours on each side whose lower-cased word is a feature.
    lexicon : mapping, optional
        Lemma -> event type learned from training documents (:func:`trigger_lexicon`): ``lex=<type>``.

    Returns
    -------
    list of dict
        Feature name -> string value (crfsuite one-hot) or 1.0 (a binary feature).
    """
    hints = hints or {}
    lowers = [w.lower() for w in words]
    lemmas = [lemma(w) for w in words]
    out = []
    n = len(words)
    for i, word in enumerate(words):
        f: dict[str, Any] = {
            "bias": 1.0,
            "lower": lowers[i],
            "lemma": lemmas[i],
            "shape": shape(word),
            "p2": lowers[i][:2], "p3": lowers[i][:3],
            "s2": lowers[i][-2:], "s3": lowers[i][-3:], "s4": lowers[i][-4:],
        }
        if word[:1].isupper():
            f["title"] = 1.0
        if word.isupper() and len(word) > 1:
            f["upper"] = 1.0
        if any(c.isdigit() for c in word):
            f["digit"] = 1.0
        if lemmas[i] in hints:
            f["hint"] = hints[lemmas[i]]
        if lexicon and lemmas[i] in lexicon:
            f["lex"] = lexicon[lemmas[i]]
        for k in range(1, window + 1):
            for sign, j in (("-", i - k), ("+", i + k)):
                if 0 <= j < n:
                    f[f"lower[{sign}{k}]"] = lowers[j]
                    if k == 1:
                        f[f"lemma[{sign}1]"] = lemmas[j]
                        f[f"title[{sign}1]"] = 1.0 if words[j][:1].isupper() else 0.0
                        if lemmas[j] in hints:
                            f[f"hint[{sign}1]"] = hints[lemmas[j]]
                elif k == 1:
                    f["BOS" if sign == "-" else "EOS"] = 1.0
        if i + 1 < n:
            f["bigram[+1]"] = f"{lowers[i]} {lowers[i + 1]}"
        if i > 0:
            f["bigram[-1]"] = f"{lowers[i - 1]} {lowers[i]}"
        out.append(f)
    return out


__all__ = ["lemma", "shape", "schema_hints", "token_features", "trigger_lexicon", "SUFFIXES", "MIN_STEM"]
