"""Decoding IOB2 tags from per-token label probabilities: the recall boost shared by the taggers.

A tagger's best path (crfsuite's Viterbi, a transformer head's argmax) is tuned for accuracy over all
tokens, and ``O`` dominates them; a span the tagger half believes in is lost. :func:`recall_boost`
takes those back: a token tagged ``O`` whose probability of ``O`` is below a threshold takes its most
probable other label. The threshold is a decoding parameter (chosen on dev without refitting).

Example
-------
>>> p = [{"O": 0.9, "B-Attack": 0.1}, {"O": 0.6, "B-Attack": 0.4}]
>>> recall_boost(["O", "O"], lambda label, i: p[i].get(label, 0.0), ["B-Attack"], 0.7, begin_only=True)
['O', 'B-Attack']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def recall_boost(tags: Sequence[str], probability: Callable[[str, int], float], labels: Sequence[str], threshold: float, *,
                 begin_only: bool) -> list[str]:
    """The tags with each ``O`` whose probability is below ``threshold`` replaced by its most probable other label.

    Parameters
    ----------
    tags : sequence of str
        The best path's IOB2 tags of one sentence (or window).
    probability : callable
        ``probability(label, i)``: the probability of ``label`` at token ``i`` (a CRF's marginal, a softmax).
    labels : sequence of str
        The tagger's labels (``O`` among them or not).
    threshold : float
        A token tagged ``O`` is boosted when ``probability("O", i) < threshold``; 0.5 or less changes
        little, 0 nothing.
    begin_only : bool
        Only ``B-`` labels are candidates (one-token spans: triggers). Without it an ``I-X`` that would
        follow neither ``B-X`` nor ``I-X`` becomes ``B-X``, and a token right after a tagged one is left
        alone: the boost adds spans, it never extends one ("attackers" must not become "attackers open").
    """
    candidates = [label for label in labels if label != "O" and (label.startswith("B-") or not begin_only)]
    out = list(tags)
    if not candidates:
        return out
    for i, tag in enumerate(tags):
        if not begin_only and i > 0 and tags[i - 1] != "O":
            continue
        if tag == "O" and probability("O", i) < threshold:
            label = max(candidates, key=lambda candidate: probability(candidate, i))
            if label.startswith("I-") and (i == 0 or out[i - 1][2:] != label[2:]):
                label = "B-" + label[2:]
            out[i] = label
    return out


__all__ = ["recall_boost"]
