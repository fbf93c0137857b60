"""Error analysis: each class on a hand-made pair, the partition invariant, examples, confusion matrix."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import DocumentBuilder, documents

from newsevents.document import Argument, Document, EntityMention, Span
from newsevents.eval.error_analysis import ERROR_LAYERS, NONE_LABEL, analyse_errors
from newsevents.eval.matching import SPAN_RULES
from newsevents.eval.metrics import score_document
from newsevents.eval.score import score


def one_of_each(doc_id: str = "d1", tail: str = " positions.") -> tuple[Document, Document]:
    """A gold document and a prediction in which every error class of every layer occurs once.

    ======== ================================================================================
    triggers wrong_type "raid", wrong_boundary "car bombing"/"bombing", missed "shot", spurious "protest"
    args     trigger_missed (shot: Instrument rifle), trigger_spurious (protest: Place Kabul),
             wrong_role (arrested: Detainee/Agent Ali), wrong_event (Place Kabul on arrested/killing),
             wrong_boundary (killing: Victim "two men"/"men"), missed (killing: Time Monday),
             spurious (arrested: Time Sunday); correct: arrested: Agent Police
    entities wrong_type Taliban ORG/PER, wrong_boundary "two men"/"men", missed rifle, spurious Reuters
    ======== ================================================================================
    """
    g, p = DocumentBuilder(doc_id), DocumentBuilder(doc_id)

    def both(text: str) -> None:
        g.write(text)
        p.write(text)

    def entity(mention_id: str, type_: str, text: str) -> None:
        g.entity(mention_id, type_, text)
        p.entity(mention_id, type_, text)

    entity("T1", "ORG", "Police")
    both(" ")
    g.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity="T1"), Argument("Detainee", entity="T2"),
                                                  Argument("Place", entity="T3")])
    p.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity="T1"), Argument("Agent", entity="T2"),
                                                  Argument("Time", entity="T6")])
    both(" ")
    entity("T2", "PER", "Ali")
    both(" in ")
    entity("T3", "GPE", "Kabul")
    both(" on ")
    entity("T6", "TIME", "Sunday")
    both(". The ")
    g.event("E2", "Life.Die", "killing", [Argument("Victim", entity="T4"), Argument("Time", entity="T5")])
    p.event("E2", "Life.Die", "killing", [Argument("Place", entity="T3"), Argument("Victim", entity="T4")])
    both(" of ")
    g.entity("T4", "PER", "two men")
    p.write("two ")
    p.entity("T4", "PER", "men")
    both(" on ")
    entity("T5", "TIME", "Monday")
    both(". A man was ")
    g.event("E3", "Conflict.Attack", "shot", [Argument("Instrument", entity="T7")])
    p.write("shot")
    both(" with a ")
    g.entity("T7", "WEA", "rifle")
    p.write("rifle")
    both(". A ")
    g.write("protest")
    p.event("E4", "Conflict.Demonstrate", "protest", [Argument("Place", entity="T3")])
    both(" was reported by ")
    g.write("Reuters")
    p.entity("T8", "ORG", "Reuters")
    both(". During the ")
    g.event("E5", "Conflict.Attack", "raid")
    p.event("E5", "Justice.Arrest", "raid")
    both(", a ")
    g.event("E6", "Conflict.Attack", "car bombing")
    p.write("car ")
    p.event("E6", "Conflict.Attack", "bombing")
    both(" hit ")
    g.entity("T9", "ORG", "Taliban")
    p.entity("T9", "PER", "Taliban")
    both(tail)
    return g.build(), p.build()


def analyse(pairs: list[tuple[Document, Document]], span_mode: str = "exact", entity_scope: str = "all", **options):
    """Error analysis of ``pairs``; over every entity mention by default, since :func:`one_of_each` places
    entity errors on mentions that fill no argument ("Taliban", "Reuters")."""
    gold = [g for g, _ in pairs]
    predictions = {p.id: p for _, p in pairs}
    results = [score_document(g, p, rule=SPAN_RULES[span_mode], entity_scope=entity_scope) for g, p in pairs]
    return analyse_errors(gold, predictions, results, span_mode=span_mode, **options)


def check_partition(analysis) -> None:
    for layer in analysis.layers.values():
        assert layer.n_gold - layer.n_match == layer.gold_errors == sum(layer.counts[k] for k in layer.gold_classes)
        assert layer.n_pred - layer.n_match == layer.pred_errors == sum(layer.counts[k] for k in layer.pred_classes)
        assert all(n >= 0 for n in layer.counts.values())


def test_each_class_once_exact():
    analysis = analyse([one_of_each()])
    triggers, arguments, entities = (analysis.layers[name] for name in ("triggers", "arguments", "entities"))
    assert (triggers.n_gold, triggers.n_pred, triggers.n_match) == (5, 5, 2)
    assert triggers.counts == {"wrong_type": 1, "wrong_boundary": 1, "missed": 1, "spurious": 1}
    assert (arguments.n_gold, arguments.n_pred, arguments.n_match) == (6, 6, 1)
    assert arguments.counts == {"trigger_missed": 1, "wrong_role": 1, "wrong_event": 1, "wrong_boundary": 1,
                                "missed": 1, "trigger_spurious": 1, "spurious": 1}
    assert (entities.n_gold, entities.n_pred, entities.n_match) == (8, 8, 5)
    assert entities.counts == {"wrong_type": 1, "wrong_boundary": 1, "missed": 1, "spurious": 1}
    # 5 - 2 = 3 = wrong_type + wrong_boundary + missed; 6 - 1 = 5 gold-side argument classes.
    assert (triggers.gold_errors, triggers.pred_errors) == (3, 3)
    assert (arguments.gold_errors, arguments.pred_errors) == (5, 5)
    assert (entities.gold_errors, entities.pred_errors) == (3, 3)
    check_partition(analysis)
    # Argument entities only (the default scope): gold fillers Police, Ali, Kabul, two men, Monday, rifle;
    # predicted fillers Police, Ali, Kabul, men, Sunday. Taliban and Reuters fill nothing and leave.
    entities = analyse([one_of_each()], entity_scope="arguments").layers["entities"]
    assert (entities.n_gold, entities.n_pred, entities.n_match) == (6, 5, 3)
    assert entities.counts == {"wrong_type": 0, "wrong_boundary": 1, "missed": 2, "spurious": 1}


def test_each_class_once_overlap():
    """Overlapping spans match in overlap mode: the boundary errors become matches."""
    analysis = analyse([one_of_each()], span_mode="overlap")
    assert analysis.layers["triggers"].counts == {"wrong_type": 1, "wrong_boundary": 0, "missed": 1, "spurious": 1}
    assert analysis.layers["arguments"].counts == {"trigger_missed": 1, "wrong_role": 1, "wrong_event": 1,
                                                   "wrong_boundary": 0, "missed": 1, "trigger_spurious": 1, "spurious": 1}
    assert analysis.layers["entities"].counts == {"wrong_type": 1, "wrong_boundary": 0, "missed": 1, "spurious": 1}
    check_partition(analysis)


def example(analysis, layer: str, kind: str) -> dict:
    (only,) = analysis.layers[layer].examples[kind]
    return only.to_dict()


def test_examples_describe_both_sides_in_context():
    analysis = analyse([one_of_each()])
    wrong_type = example(analysis, "triggers", "wrong_type")
    assert wrong_type["document"] == "d1"
    assert (wrong_type["gold"]["type"], wrong_type["pred"]["type"]) == ("Conflict.Attack", "Justice.Arrest")
    assert wrong_type["gold"]["ids"] == ["E5"]
    context = wrong_type["context"]
    assert context["span"] == "raid" and context["left"].endswith("During the ") and context["right"].startswith(", a car")
    assert len(context["left"]) == 60

    boundary = example(analysis, "triggers", "wrong_boundary")
    assert boundary["gold"]["spans"]["trigger"]["text"] == "car bombing"
    assert boundary["pred"]["spans"]["trigger"]["text"] == "bombing"
    assert boundary["context"]["span"] == "car bombing"
    assert example(analysis, "triggers", "missed")["pred"] is None
    assert example(analysis, "triggers", "spurious")["gold"] is None

    wrong_event = example(analysis, "arguments", "wrong_event")
    assert wrong_event["gold"]["spans"]["trigger"]["text"] == "arrested"
    assert wrong_event["pred"]["spans"]["trigger"]["text"] == "killing"
    assert wrong_event["gold"]["spans"]["argument"]["text"] == wrong_event["context"]["span"] == "Kabul"
    assert wrong_event["gold"]["role"] == wrong_event["pred"]["role"] == "Place"
    wrong_role = example(analysis, "arguments", "wrong_role")
    assert (wrong_role["gold"]["role"], wrong_role["pred"]["role"]) == ("Detainee", "Agent")
    assert example(analysis, "arguments", "trigger_missed")["gold"]["spans"]["trigger"]["text"] == "shot"
    assert example(analysis, "arguments", "trigger_spurious")["pred"]["spans"]["trigger"]["text"] == "protest"
    assert example(analysis, "arguments", "missed")["gold"]["spans"]["argument"]["text"] == "Monday"
    assert example(analysis, "arguments", "spurious")["pred"]["spans"]["argument"]["text"] == "Sunday"
    assert example(analysis, "arguments", "wrong_boundary")["context"]["span"] == "two men"

    wrong_type_entity = example(analysis, "entities", "wrong_type")
    assert (wrong_type_entity["gold"]["ids"], wrong_type_entity["pred"]["ids"]) == (["T9"], ["T9"])
    assert (wrong_type_entity["gold"]["type"], wrong_type_entity["pred"]["type"]) == ("ORG", "PER")
    assert example(analysis, "entities", "spurious")["pred"]["ids"] == ["T8"]
    assert example(analysis, "entities", "missed")["gold"]["spans"]["mention"]["text"] == "rifle"


def test_context_is_trimmed():
    analysis = analyse([one_of_each()], context_chars=5)
    context = example(analysis, "triggers", "wrong_boundary")["context"]
    assert context == {"start": context["start"], "end": context["end"], "left": "d, a ", "span": "car …", "right": " hit "}
    assert context["end"] - context["start"] == len("car bombing")


def test_examples_follow_document_order_then_offset():
    pairs = [one_of_each("b"), one_of_each("a")]
    analysis = analyse(pairs, examples_per_class=1)
    assert [e.document_id for e in analysis.layers["triggers"].examples["missed"]] == ["b"]
    analysis = analyse(pairs, examples_per_class=5)
    assert [e.document_id for e in analysis.layers["arguments"].examples["wrong_role"]] == ["b", "a"]
    assert analysis.layers["triggers"].counts["missed"] == 2
    # Within a document: by offset ("arrested" comes before "killing").
    starts = [e.context.start for e in analysis.layers["arguments"].examples["missed"] + analysis.layers["arguments"].examples["spurious"]]
    assert starts == sorted(starts[:2]) + sorted(starts[2:])
    # The order of results does not matter.
    gold = [g for g, _ in pairs]
    results = [score_document(g, p, entity_scope="all") for g, p in pairs]
    assert analyse_errors(gold, {p.id: p for _, p in pairs}, results[::-1]).to_dict() == analysis.to_dict()


def test_confusion_matrix():
    confusion = analyse([one_of_each()]).confusion.to_dict()
    assert confusion["labels"] == ["Conflict.Attack", "Conflict.Demonstrate", "Justice.Arrest", "Life.Die", NONE_LABEL]
    assert confusion["matrix"] == [
        [0, 0, 1, 0, 2],  # Attack: raid -> Arrest; shot missed and car bombing (wrong boundary) -> (none)
        [0, 0, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [1, 1, 0, 0, 0],  # bombing (wrong boundary) and protest (spurious)
    ]


def test_pair_is_counted_once_and_taken_one_to_one():
    """Two gold triggers at one span, one predicted of a third type: one wrong_type, one missed."""
    g, p = DocumentBuilder("d"), DocumentBuilder("d")
    g.event("E1", "Life.Die", "attack")
    g.events.append(replace(g.events[0], id="E2", type="Life.Injure"))
    p.event("E1", "Conflict.Attack", "attack")
    counts = analyse([(g.build(), p.build())]).layers["triggers"].counts
    assert counts == {"wrong_type": 1, "wrong_boundary": 0, "missed": 1, "spurious": 0}


def test_score_fills_the_error_analysis():
    gold, pred = one_of_each()
    report = score([gold], [pred], bootstrap=0)
    assert report.errors["triggers"]["counts"]["wrong_type"] == 1
    assert report.errors["confusion"]["matrix"][0] == [0, 0, 1, 0, 2]
    assert set(report.errors["arguments"]["definitions"]) == set(report.errors["arguments"]["counts"])
    json.dumps(report.to_dict())
    assert score([gold], [pred], bootstrap=0, errors=False).errors == {}


def test_missing_result_and_bad_span_mode_raise():
    gold, pred = one_of_each()
    with pytest.raises(Exception, match="no scoring result"):
        analyse_errors([gold], {pred.id: pred}, [])
    with pytest.raises(Exception, match="unknown span mode 'fuzzy'"):
        analyse_errors([gold], {pred.id: pred}, [score_document(gold, pred)], span_mode="fuzzy")


@st.composite
def gold_and_prediction(draw) -> tuple[Document, Document]:
    """A random gold document and a prediction made from it by dropping, retyping and re-bounding."""
    gold = draw(documents())
    text = gold.text

    def span(start: int, end: int) -> tuple[int, int]:
        move = draw(st.sampled_from(("keep", "keep", "left", "right", "wider")))
        if move == "left" and end - start > 1:
            return start + 1, end
        if move == "right" and end - start > 1:
            return start, end - 1
        if move == "wider":
            return max(start - 1, 0), min(end + 1, len(text))
        return start, end

    types = st.sampled_from(("PER", "ORG", "Conflict.Attack", "Life.Die"))
    entities = []
    for m in gold.entities:
        if draw(st.integers(0, 4)) == 0:
            continue
        start, end = span(m.start, m.end)
        entities.append(EntityMention(m.id, draw(types) if draw(st.booleans()) else m.type, start, end, text[start:end]))
    ids = [m.id for m in gold.entities] + [e.id for e in gold.events]
    events = []
    for e in gold.events:
        if draw(st.integers(0, 4)) == 0:
            continue
        start, end = span(e.trigger.start, e.trigger.end)
        arguments = tuple(
            Argument(draw(st.sampled_from(("Agent", "Victim", a.role))), entity=draw(st.sampled_from(ids)) if draw(st.booleans()) else a.target)
            if a.entity is not None else a
            for a in e.arguments if draw(st.integers(0, 3))
        )
        events.append(replace(e, type=draw(types) if draw(st.booleans()) else e.type,
                              trigger=Span(start, end, text[start:end]), arguments=arguments))
    return gold, replace(gold, entities=tuple(entities), events=tuple(events))


@settings(max_examples=60, deadline=None)
@given(pair=gold_and_prediction(), span_mode=st.sampled_from(sorted(SPAN_RULES)))
def test_classes_partition_unmatched_items(pair, span_mode):
    analysis = analyse([pair], span_mode=span_mode)
    check_partition(analysis)
    assert [layer.name for layer in ERROR_LAYERS] == list(analysis.layers)
    confusion = analysis.confusion
    triggers = analysis.layers["triggers"]
    assert sum(map(sum, confusion.matrix)) == triggers.n_gold + triggers.n_pred - triggers.n_match - triggers.counts["wrong_type"]
    assert confusion.matrix[-1][-1] == 0
