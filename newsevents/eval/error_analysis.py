"""Error analysis: every unmatched gold and predicted item gets one class, with examples in context.

:func:`analyse_errors` reads the matchings :func:`newsevents.eval.metrics.score_document` made
(nothing is matched again) and sorts what they left unmatched into classes, for three layers:

=========== ======== ====================================================================
layer       metric   classes (gold side / predicted side)
=========== ======== ====================================================================
triggers    TC       wrong_type, wrong_boundary, missed / wrong_type, wrong_boundary, spurious
arguments   AC+      trigger_missed, wrong_role, wrong_event, wrong_boundary, missed /
                     trigger_spurious, wrong_role, wrong_event, wrong_boundary, spurious
entities    entities wrong_type, wrong_boundary, missed / wrong_type, wrong_boundary, spurious
=========== ======== ====================================================================

The classes partition the unmatched items of each layer::

    n_gold - n_match == sum of the gold-side classes
    n_pred - n_match == sum of the predicted-side classes

A class that names a pair (``wrong_type``, ``wrong_boundary``, ``wrong_role``, ``wrong_event``)
takes one unmatched gold item and one unmatched predicted item, is counted once, and never as a
``missed`` plus a ``spurious``. Pairs are formed one class at a time, in the order of the table, by a
maximum one-to-one matching among the items still unclassified, so the result does not depend on
the order of the items. Items are sets (see :mod:`newsevents.eval.items`): a class is about an item,
that is a type and a span, not about each event mention that collapsed into it.

"The same span" follows the span rule the matchings were made with (``span_mode``): equal spans in
``exact`` mode, overlapping ones in ``overlap`` mode (where ``wrong_boundary`` cannot occur, since
every overlapping pair of the same label is a match). :data:`DEFINITIONS` states each class.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.eval.items import Item, SpanPair
from newsevents.eval.matching import Matching, OVERLAP, SpanRule, _maximum_matching, span_rule
from newsevents.eval.metrics import DocumentResult

#: The row and column of the confusion matrix for "no trigger with this span on the other side".
NONE_LABEL = "(none)"

DEFINITIONS: dict[str, dict[str, str]] = {
    "triggers": {
        "wrong_type": "A gold and a predicted trigger with the same span (per the span rule) but different event types; one error, not a miss plus a spurious.",
        "wrong_boundary": "A gold and a predicted trigger of the same event type whose spans overlap but are not the same span; one error.",
        "missed": "A gold trigger left without a counterpart by the rules above (usually nothing overlaps it; a prediction overlapping it with both another type and another span is no counterpart).",
        "spurious": "A predicted trigger left without a counterpart by the rules above.",
    },
    "arguments": {
        "trigger_missed": "A gold argument whose event's trigger (type and span) was not matched for TC: the argument could not be right, whatever was predicted for it. Classed first.",
        "trigger_spurious": "A predicted argument whose event's trigger (type and span) is not a matched TC prediction (spurious, wrong type or wrong boundary). Classed first.",
        "wrong_role": "A gold and a predicted argument with the same event type, trigger span and argument span, but different roles; one error.",
        "wrong_event": "Attached to the wrong event: a gold and a predicted argument with the same role and argument span, attached to triggers with different spans (both triggers matched for TC); one error.",
        "wrong_boundary": "A gold and a predicted argument with the same event type, trigger span and role whose argument spans overlap but are not the same span; one error.",
        "missed": "A gold argument of a correctly found trigger left without a counterpart by the rules above.",
        "spurious": "A predicted argument of a correctly found trigger left without a counterpart by the rules above.",
    },
    "entities": {
        "wrong_type": "A gold and a predicted entity mention with the same span but different types; one error.",
        "wrong_boundary": "A gold and a predicted entity mention of the same type whose spans overlap but are not the same span; one error.",
        "missed": "A gold entity mention left without a counterpart by the rules above.",
        "spurious": "A predicted entity mention left without a counterpart by the rules above.",
    },
    "confusion": "Rows are gold event types, columns predicted ones, over trigger items: a matched TC pair or a wrong_type pair counts in (gold type, predicted type); any other unmatched gold trigger in (gold type, (none)), any other unmatched predicted trigger in ((none), predicted type). Row sums are the gold triggers of each type, column sums the predicted ones.",
}

#: Whether two items may form a pair of a class (gold item, predicted item, span rule).
PairTest = Callable[[Item, Item, SpanRule], bool]


def _same_span(g: Item, p: Item, rule: SpanRule, index: int = -1) -> bool:
    return rule.compatible(g.spans[index], p.spans[index])


def _near_span(g: Item, p: Item, rule: SpanRule, index: int = -1) -> bool:
    """Overlapping without being the same span."""
    return OVERLAP.compatible(g.spans[index], p.spans[index]) and not _same_span(g, p, rule, index)


def _wrong_label(g: Item, p: Item, rule: SpanRule) -> bool:
    return g.key != p.key and _same_span(g, p, rule)


def _wrong_boundary(g: Item, p: Item, rule: SpanRule) -> bool:
    """Same key and, for arguments, the same trigger; the last span (mention, argument) near."""
    return g.key == p.key and all(_same_span(g, p, rule, i) for i in range(len(g.spans) - 1)) and _near_span(g, p, rule)


def _wrong_role(g: Item, p: Item, rule: SpanRule) -> bool:
    return g.key[:2] == p.key[:2] and g.role != p.role and _same_span(g, p, rule, 0) and _same_span(g, p, rule, 1)


def _wrong_event(g: Item, p: Item, rule: SpanRule) -> bool:
    return g.key[1:] == p.key[1:] and _same_span(g, p, rule, 1) and not _same_span(g, p, rule, 0)


@dataclass(frozen=True)
class Layer:
    """How one layer's unmatched items are classed.

    ``before`` classes (gold side, predicted side) are given to items whose trigger was not found,
    before any pair is formed; ``pairs`` are tried in order; what is left is ``missed`` / ``spurious``.
    """

    name: str
    metric: str
    span_names: tuple[str, ...]
    pairs: tuple[tuple[str, PairTest], ...]
    before: tuple[str, str] | None = None

    @property
    def gold_classes(self) -> tuple[str, ...]:
        return (*self.before[:1], *self.pair_classes, "missed") if self.before else (*self.pair_classes, "missed")

    @property
    def pred_classes(self) -> tuple[str, ...]:
        return (*self.before[1:], *self.pair_classes, "spurious") if self.before else (*self.pair_classes, "spurious")

    @property
    def pair_classes(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.pairs)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.gold_classes + self.pred_classes))


_SPAN_PAIRS = (("wrong_type", _wrong_label), ("wrong_boundary", _wrong_boundary))
TRIGGERS = Layer("triggers", "TC", ("trigger",), _SPAN_PAIRS)
ARGUMENTS = Layer(
    "arguments", "AC+", ("trigger", "argument"),
    (("wrong_role", _wrong_role), ("wrong_event", _wrong_event), ("wrong_boundary", _wrong_boundary)),
    before=("trigger_missed", "trigger_spurious"),
)
ENTITIES = Layer("entities", "entities", ("mention",), _SPAN_PAIRS)
ERROR_LAYERS = (TRIGGERS, ARGUMENTS, ENTITIES)


@dataclass(frozen=True)
class _Error:
    """One classified error of a document: a class and the gold and/or predicted item."""

    kind: str
    gold: Item | None
    pred: Item | None

    @property
    def focus(self) -> SpanPair:
        """The span shown in context: the union of the last span (mention, argument) of each side."""
        spans = [item.spans[-1] for item in (self.gold, self.pred) if item is not None]
        return min(s[0] for s in spans), max(s[1] for s in spans)


def _classify(layer: Layer, matching: Matching, rule: SpanRule, trigger_found: tuple[set, set] | None) -> list[_Error]:
    """Class every unmatched item of ``matching`` (one document, one layer)."""
    gold = matching.unmatched_gold
    pred = matching.unmatched_pred
    errors: list[_Error] = []
    if layer.before and trigger_found is not None:
        def found(item: Item, side: set) -> bool:
            return ((item.event_type,), item.spans[:1]) in side
        errors += [_Error(layer.before[0], g, None) for g in gold if not found(g, trigger_found[0])]
        errors += [_Error(layer.before[1], None, p) for p in pred if not found(p, trigger_found[1])]
        gold = [g for g in gold if found(g, trigger_found[0])]
        pred = [p for p in pred if found(p, trigger_found[1])]
    for kind, test in layer.pairs:
        edges = {i: [j for j, p in enumerate(pred) if test(g, p, rule)] for i, g in enumerate(gold)}
        pairs = sorted(_maximum_matching(edges))
        errors += [_Error(kind, gold[i], pred[j]) for i, j in pairs]
        paired_gold, paired_pred = {i for i, _ in pairs}, {j for _, j in pairs}
        gold = [g for i, g in enumerate(gold) if i not in paired_gold]
        pred = [p for j, p in enumerate(pred) if j not in paired_pred]
    errors += [_Error("missed", g, None) for g in gold]
    errors += [_Error("spurious", None, p) for p in pred]
    return errors


def _matched_identities(matching: Matching) -> tuple[set, set]:
    return {g for g, _ in matching.matched}, {p for _, p in matching.matched}


@dataclass(frozen=True)
class Context:
    """A window of the gold text: ``left`` + ``span`` + ``right``, each at most ``context_chars`` long."""

    start: int
    end: int
    left: str
    span: str
    right: str

    @classmethod
    def around(cls, text: str, start: int, end: int, width: int) -> Context:
        span = text[start:end]
        if len(span) > width:
            span = span[: max(width - 1, 0)] + "…"
        return cls(start, end, text[max(start - width, 0):start], span, text[end:end + width])

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "left": self.left, "span": self.span, "right": self.right}


@dataclass(frozen=True)
class ErrorExample:
    """One error shown in a report: its class, where it is, both sides described, the context."""

    document_id: str
    kind: str
    gold: dict[str, Any] | None
    pred: dict[str, Any] | None
    context: Context

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document_id, "class": self.kind, "gold": self.gold, "pred": self.pred,
                "context": self.context.to_dict()}


@dataclass(frozen=True)
class LayerErrors:
    """Counts and examples of one layer (``triggers``, ``arguments``, ``entities``)."""

    layer: str
    metric: str
    n_gold: int
    n_pred: int
    n_match: int
    counts: dict[str, int]
    gold_classes: tuple[str, ...]
    pred_classes: tuple[str, ...]
    examples: dict[str, list[ErrorExample]]

    @property
    def gold_errors(self) -> int:
        """Unmatched gold items: ``n_gold - n_match``."""
        return sum(self.counts[k] for k in self.gold_classes)

    @property
    def pred_errors(self) -> int:
        """Unmatched predicted items: ``n_pred - n_match``."""
        return sum(self.counts[k] for k in self.pred_classes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "n_gold": self.n_gold, "n_pred": self.n_pred, "n_match": self.n_match,
            "counts": dict(self.counts), "gold_classes": list(self.gold_classes), "pred_classes": list(self.pred_classes),
            "definitions": {k: DEFINITIONS[self.layer][k] for k in self.counts},
            "examples": {k: [e.to_dict() for e in v] for k, v in self.examples.items()},
        }


@dataclass(frozen=True)
class ConfusionMatrix:
    """Event types of trigger items, gold (rows) against predicted (columns); see ``DEFINITIONS``."""

    labels: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]

    @classmethod
    def from_cells(cls, cells: Counter) -> ConfusionMatrix:
        labels = (*sorted({label for cell in cells for label in cell} - {NONE_LABEL}), NONE_LABEL)
        return cls(labels, tuple(tuple(cells[(g, p)] for p in labels) for g in labels))

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "matrix": [list(row) for row in self.matrix],
                "definition": DEFINITIONS["confusion"]}


@dataclass(frozen=True)
class ErrorAnalysis:
    """The error breakdown of a set of documents: per layer, and the event-type confusion matrix."""

    layers: dict[str, LayerErrors]
    confusion: ConfusionMatrix
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"options": self.options, **{name: layer.to_dict() for name, layer in self.layers.items()},
                "confusion": self.confusion.to_dict()}


def _describe(item: Item, layer: Layer, text: str, ids: Sequence[str]) -> dict[str, Any]:
    """A JSON description of one side of an error: labels, named spans with their text, mention ids."""
    out: dict[str, Any] = {"type": item.event_type}
    if item.role:
        out["role"] = item.role
    if layer is ARGUMENTS:
        out["kind"] = item.key[1]
    out["spans"] = {name: {"start": s, "end": e, "text": text[s:e]} for name, (s, e) in zip(layer.span_names, item.spans)}
    out["ids"] = sorted(ids)
    return out


def _entity_ids(document: Document | None) -> dict[tuple, list[str]]:
    table: dict[tuple, list[str]] = {}
    for m in document.entities if document is not None else ():
        table.setdefault(((m.type,), (m.span.offsets,)), []).append(m.id)
    return table


class ErrorAccumulator:
    """Classes the errors of one document at a time (:meth:`add`), then sums up (:meth:`finish`).

    Scoring streams documents through this so that no document's matchings outlive it; parameters
    as for :func:`analyse_errors`.
    """

    def __init__(self, *, examples_per_class: int = 5, context_chars: int = 60, span_mode: str = "exact") -> None:
        self._rule = span_rule(span_mode)  # an unknown mode raises, listing the valid ones
        self.examples_per_class = examples_per_class
        self.context_chars = context_chars
        self.span_mode = span_mode
        self._counts = {layer.name: Counter() for layer in ERROR_LAYERS}
        self._totals = {layer.name: [0, 0, 0] for layer in ERROR_LAYERS}
        self._examples: dict[str, dict[str, list[ErrorExample]]] = {layer.name: {} for layer in ERROR_LAYERS}
        self._cells: Counter = Counter()

    def add(self, document: Document, prediction: Document | None, result: DocumentResult) -> None:
        """Class the unmatched items of one gold document and its prediction."""
        entity_ids: tuple[dict, dict] | None = None  # built only when an example is still wanted
        found = _matched_identities(result.matchings[TRIGGERS.metric])
        rule = self._rule.for_document(document)
        for layer in ERROR_LAYERS:
            matching = result.matchings[layer.metric]
            errors = _classify(layer, matching, rule, found)
            for i, n in enumerate((matching.n_gold, matching.n_pred, matching.n_match)):
                self._totals[layer.name][i] += n
            self._counts[layer.name].update(e.kind for e in errors)
            if layer is TRIGGERS:
                self._cells.update(_confusion_cells(matching, errors))
            examples = self._examples[layer.name]
            wanted = [e for e in errors if len(examples.get(e.kind, ())) < self.examples_per_class]
            if not wanted:
                continue
            entity_ids = entity_ids or (_entity_ids(document), _entity_ids(prediction))
            for error in sorted(wanted, key=lambda e: (e.focus, layer.classes.index(e.kind))):
                kept = examples.setdefault(error.kind, [])
                if len(kept) < self.examples_per_class:
                    kept.append(_example(document, error, layer, entity_ids, self.context_chars))

    def finish(self) -> ErrorAnalysis:
        layers = {}
        for layer in ERROR_LAYERS:
            n_gold, n_pred, n_match = self._totals[layer.name]
            examples = self._examples[layer.name]
            layers[layer.name] = LayerErrors(
                layer.name, layer.metric, n_gold, n_pred, n_match,
                {k: self._counts[layer.name][k] for k in layer.classes}, layer.gold_classes, layer.pred_classes,
                {k: examples[k] for k in layer.classes if k in examples},
            )
        options = {"span_mode": self.span_mode, "examples_per_class": self.examples_per_class, "context_chars": self.context_chars}
        return ErrorAnalysis(layers, ConfusionMatrix.from_cells(self._cells), options)


def analyse_errors(
    gold: Sequence[Document],
    predictions: Mapping[str, Document],
    results: Sequence[DocumentResult],
    *,
    examples_per_class: int = 5,
    context_chars: int = 60,
    span_mode: str = "exact",
) -> ErrorAnalysis:
    """Class every unmatched trigger, argument and entity item; count, and keep examples.

    Parameters
    ----------
    gold : sequence of Document
        The gold documents, in the order examples are listed.
    predictions : mapping of str to Document
        The prediction of each gold document by id (as :func:`newsevents.eval.score.index_predictions`
        returns them); used for the ids of predicted entity mentions in examples.
    results : sequence of DocumentResult
        :func:`newsevents.eval.metrics.score_document` of each gold document, any order.
    examples_per_class : int, default 5
        Examples kept per layer and class: the first ones in document order, then by offset.
    context_chars : int, default 60
        Characters of gold text shown left and right of an example's span (and the most of the span shown).
    span_mode : {"exact", "overlap", "head"}, default "exact"
        The span rule ``results`` were made with; decides what "the same span" means.

    Returns
    -------
    ErrorAnalysis
        ``to_dict()`` is the ``errors`` part of a report.

    Notes
    -----
    The classes are defined in :data:`DEFINITIONS` and partition the unmatched items of each layer
    (see the module docstring). Offsets are characters of the gold text, end-exclusive.
    """
    accumulator = ErrorAccumulator(examples_per_class=examples_per_class, context_chars=context_chars, span_mode=span_mode)
    by_id = {r.document_id: r for r in results}
    for document in gold:
        result = by_id.get(document.id)
        if result is None:
            raise NewsEventsError("no scoring result for this gold document (pass score_document() of every gold document)",
                                  document=document.id)
        accumulator.add(document, predictions.get(document.id), result)
    return accumulator.finish()


def _confusion_cells(matching: Matching, errors: list[_Error]) -> list[tuple[str, str]]:
    cells = [(g[0][0], p[0][0]) for g, p in matching.matched]  # identity = (key, spans); key[0] is the type
    for error in errors:
        if error.kind == "wrong_type":
            cells.append((error.gold.event_type, error.pred.event_type))
            continue
        if error.gold is not None:
            cells.append((error.gold.event_type, NONE_LABEL))
        if error.pred is not None:
            cells.append((NONE_LABEL, error.pred.event_type))
    return cells


def _example(document: Document, error: _Error, layer: Layer, entity_ids: tuple[dict, dict], width: int) -> ErrorExample:
    def side(item: Item | None, ids: dict) -> dict[str, Any] | None:
        if item is None:
            return None
        return _describe(item, layer, document.text, item.sources or ids.get(item.identity, ()))

    start, end = error.focus
    return ErrorExample(document.id, error.kind, side(error.gold, entity_ids[0]), side(error.pred, entity_ids[1]),
                        Context.around(document.text, start, end, width))
