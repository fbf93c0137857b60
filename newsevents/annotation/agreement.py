"""Inter-annotator agreement: the evaluation harness between passes, and Cohen's kappa on tokens.

For each pair of annotators (A, B) over the documents both annotated:

* F1 of TI, TC, AC+ and entity mentions, scoring B against A with :func:`newsevents.eval.score.score`
  (F1 is symmetric: swapping A and B swaps precision and recall and leaves F1 unchanged);
* Cohen's kappa (scikit-learn) on token labels: each token gets the event type of the trigger that
  covers it (or ``O``), and separately the entity type of the mention that covers it; overall and
  per type (a type's kappa compares "this type" against "anything else", token by token).

Entity F1 and entity kappa take the mentions of the entity scope, as the scorer does
(:func:`newsevents.eval.items.scoped_entities`): by default, in each pass, the mentions that fill an
argument of one of that pass's event mentions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from newsevents.corpus.manifest import join, load_gold_records, load_manifest
from newsevents.corpus.segment import Segmenter
from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError
from newsevents.eval.items import DEFAULT_ENTITY_SCOPE, EntityScope, scoped_entities
from newsevents.eval.score import score
from newsevents.jsonl import read_documents, read_records

#: Harness metrics reported between passes.
AGREEMENT_METRICS = ("TI", "TC", "AC+", "entities")
OUTSIDE = "O"


def token_labels(document: Document, layer: str, *, entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE) -> list[str]:
    """One label per token: the type of the trigger (``layer="triggers"``) or of the entity mention of
    ``entity_scope`` (:func:`~newsevents.eval.items.scoped_entities`) covering it."""
    spans = ([(e.trigger.start, e.trigger.end, e.type) for e in document.events] if layer == "triggers"
             else [(m.start, m.end, m.type) for m in scoped_entities(document, entity_scope)])
    labels = []
    for token in document.tokens:
        covering = [label for start, end, label in spans if start < token.end and token.start < end]
        labels.append(sorted(covering)[0] if covering else OUTSIDE)
    return labels


def _kappa(a: Sequence[str], b: Sequence[str]) -> float:
    from sklearn.metrics import cohen_kappa_score

    if not a:
        return float("nan")
    if len(set(a) | set(b)) == 1:
        return 1.0  # both annotators gave every token the same single label: perfect, kappa undefined
    return float(cohen_kappa_score(a, b))


@dataclass
class PairAgreement:
    annotators: tuple[str, str]
    documents: int
    f1: dict[str, float]
    counts: dict[str, dict[str, int]]
    kappa: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            **{metric: {"f1": self.f1[metric], **self.counts[metric]} for metric in AGREEMENT_METRICS},
            "kappa": self.kappa,
        }


def pair_agreement(names: tuple[str, str], a: Mapping[str, Document], b: Mapping[str, Document], *,
                   entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE) -> PairAgreement:
    """Agreement of two passes over the documents both have (each document with tokens).

    ``entity_scope`` chooses the entity mentions of each pass that entity F1 and entity kappa compare
    (as in :func:`newsevents.eval.score.score`).

    Raises :class:`~newsevents.errors.NewsEventsError` when the passes have no document in common:
    there is nothing to agree on, and F1 and kappa would be made-up numbers.
    """
    common = sorted(set(a) & set(b))
    if not common:
        raise NewsEventsError(
            f"annotators {names[0]!r} ({len(a)} documents) and {names[1]!r} ({len(b)} documents) have no document "
            "in common, so there is no agreement to measure; give passes over the same documents (same ids)")
    gold = [a[i] for i in common]
    report = score(gold, [b[i] for i in common], bootstrap=0, errors=False, zero_division=1.0, entity_scope=entity_scope)
    kappa: dict[str, dict[str, float]] = {}
    for layer in ("triggers", "entities"):
        labels_a = [x for i in common for x in token_labels(a[i], layer, entity_scope=entity_scope)]
        labels_b = [x for i in common for x in token_labels(b[i], layer, entity_scope=entity_scope)]
        types = sorted((set(labels_a) | set(labels_b)) - {OUTSIDE})
        kappa[layer] = {"all": _kappa(labels_a, labels_b)}
        for label in types:
            kappa[layer][label] = _kappa([x == label for x in labels_a], [x == label for x in labels_b])  # type: ignore[misc]
    return PairAgreement(
        names, len(common),
        {m: report.metrics[m].score.f1 for m in AGREEMENT_METRICS},
        {m: {"n_a": report.metrics[m].score.n_gold, "n_b": report.metrics[m].score.n_pred, "n_match": report.metrics[m].score.n_match}
         for m in AGREEMENT_METRICS},
        kappa,
    )


def agreement(passes: Mapping[str, Mapping[str, Document]], *, entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE) -> list[PairAgreement]:
    """Agreement of every pair of passes (annotator name -> documents by id), entities under ``entity_scope``."""
    return [pair_agreement((x, y), passes[x], passes[y], entity_scope=entity_scope) for x, y in combinations(sorted(passes), 2)]


def to_markdown(pairs: Sequence[PairAgreement]) -> str:
    """Tables: harness F1 per pair, and kappa per type."""
    lines = ["| annotators | documents | " + " | ".join(f"{m} F1" for m in AGREEMENT_METRICS) + " | trigger kappa | entity kappa |",
             "|---|---|" + "---|" * (len(AGREEMENT_METRICS) + 2)]
    for p in pairs:
        lines.append(f"| {p.annotators[0]} vs {p.annotators[1]} | {p.documents} | "
                     + " | ".join(f"{p.f1[m]:.3f}" for m in AGREEMENT_METRICS)
                     + f" | {p.kappa['triggers']['all']:.3f} | {p.kappa['entities']['all']:.3f} |")
    for p in pairs:
        for layer in ("triggers", "entities"):
            noun = "trigger" if layer == "triggers" else "entity"
            lines += ["", f"Cohen's kappa on {noun} token labels, {p.annotators[0]} vs {p.annotators[1]}:", "",
                      "| label | kappa |", "|---|---|"]
            lines += [f"| {label} | {value:.3f} |" for label, value in p.kappa[layer].items()]
    return "\n".join(lines) + "\n"


def load_passes(paths: Sequence[str | Path], texts: Sequence[str | Path], corpora: Sequence[str | Path]) -> dict[str, dict[str, Document]]:
    """Each annotator's documents by id; the file name (without suffix) is the annotator.

    A file is either documents with their text (as ``annotate pull`` writes them) or standoff gold,
    joined with its texts through the manifests of ``corpora`` (searched in order; the bundled example
    corpus is a good last one). Raises :class:`~newsevents.errors.FormatError` for fewer than two files,
    two files of one annotator, or gold for documents no manifest lists.
    """
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise FormatError("this needs at least two annotators' files")
    entries: dict[str, Any] | None = None
    segmenter = Segmenter()
    passes: dict[str, dict[str, Document]] = {}
    for path in paths:
        if path.stem in passes:
            raise FormatError(f"two files name the annotator {path.stem!r}; rename one", file=str(path))
        first = next(read_records(path), (0, {}))[1]
        if "text" in first:
            passes[path.stem] = {d.id: d for d in read_documents(path)}
            continue
        if entries is None:
            entries = {}
            for corpus in reversed([Path(c) for c in corpora]):
                entries.update({e.id: e for e in load_manifest(corpus / "manifest.jsonl")})
        records = load_gold_records([path])
        unknown = sorted(set(records) - set(entries))
        if unknown:
            raise FormatError(f"documents not in the corpus manifest: {', '.join(unknown[:10])}", file=str(path))
        passes[path.stem] = {doc_id: join(entries[doc_id], record, list(texts), segmenter) for doc_id, record in records.items()}
    return passes

