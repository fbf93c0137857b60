"""The metrics on hand-checked examples, one change at a time, and their invariants (hypothesis).

The gold document (offsets by hand)::

    Gunmen attacked a bus in Quetta and killed seven passengers .
    0      7        16    22 25     32  36     43              59

E1 Conflict.Attack "attacked"  Attacker=Gunmen  Target=a bus  Place=Quetta
E2 Life.Die        "killed"    Killer=Gunmen    Victim=seven passengers  Place=Quetta

TI/TC items: 2. Argument items (AI, AC, AI+, AC+): 6 each, none collapse (the event types differ).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from strategies import documents
from newsevents.document import Argument, Document, EntityMention, EventMention, Span
from newsevents.errors import MismatchError, NewsEventsError, ValidationError
from newsevents.eval.metrics import ALL_METRICS, HEADLINE
from newsevents.eval.score import score

TEXT = "Gunmen attacked a bus in Quetta and killed seven passengers."


def span(text: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(text, start + 1)
    return start, start + len(text)


def mention(mid: str, etype: str, text: str, cluster: str | None = None) -> EntityMention:
    return EntityMention(mid, etype, *span(text), text, cluster)


def trigger(text: str) -> Span:
    return Span(*span(text), text)


ENTITIES = (
    mention("T1", "PER", "Gunmen", "c-gunmen"),
    mention("T2", "VEH", "a bus"),
    mention("T3", "GPE", "Quetta"),
    mention("T4", "PER", "seven passengers"),
)
ATTACK = EventMention("E1", "Conflict.Attack", trigger("attacked"),
                      (Argument("Attacker", entity="T1"), Argument("Target", entity="T2"), Argument("Place", entity="T3")), "actual", "h1")
DIE = EventMention("E2", "Life.Die", trigger("killed"),
                   (Argument("Killer", entity="T1"), Argument("Victim", entity="T4"), Argument("Place", entity="T3")), "actual", "h2")
GOLD = Document("d1", TEXT, entities=ENTITIES, events=(ATTACK, DIE))


def prf(report, metric: str) -> tuple[float, float, float, int, int, int]:
    s = report.metrics[metric].score
    return (round(s.precision, 4), round(s.recall, 4), round(s.f1, 4), s.n_gold, s.n_pred, s.n_match)


def scored(*events: EventMention, entities=ENTITIES, **options):
    return score([GOLD], [Document("d1", TEXT, entities=entities, events=events)], bootstrap=0, **options)


def test_gold_against_itself_is_perfect_everywhere():
    report = scored(ATTACK, DIE)
    assert all(report.metrics[m].score.f1 == 1.0 for m in ALL_METRICS)
    assert prf(report, "TC") == (1.0, 1.0, 1.0, 2, 2, 2)
    assert prf(report, "AC+") == (1.0, 1.0, 1.0, 6, 6, 6)
    assert report.realis == {"accuracy": 1.0, "n": 2}


def test_wrong_event_type_costs_tc_and_its_arguments_but_not_ti():
    report = scored(replace(ATTACK, type="Life.Injure"), DIE)
    assert prf(report, "TI") == (1.0, 1.0, 1.0, 2, 2, 2)
    assert prf(report, "TC") == (0.5, 0.5, 0.5, 2, 2, 1)
    # AI tuples carry the event type: the three Attack arguments become Injure ones.
    assert prf(report, "AI") == (0.5, 0.5, 0.5, 6, 6, 3)
    assert report.per_type["TC"]["Conflict.Attack"].recall == 0.0 and report.per_type["TC"]["Life.Die"].f1 == 1.0
    assert report.errors["triggers"]["counts"]["wrong_type"] == 1
    assert report.realis["n"] == 1


def test_wrong_role_costs_ac_not_ai():
    swapped = replace(DIE, arguments=(Argument("Victim", entity="T1"), Argument("Victim", entity="T4"), Argument("Place", entity="T3")))
    report = scored(ATTACK, swapped)
    assert prf(report, "AI") == (1.0, 1.0, 1.0, 6, 6, 6)
    assert prf(report, "AC") == (0.8333, 0.8333, 0.8333, 6, 6, 5)
    assert report.per_role["AC"]["Killer"].recall == 0.0
    assert report.per_role["AC"]["Victim"].precision == 0.5
    assert report.errors["arguments"]["counts"]["wrong_role"] == 1


def test_argument_on_the_wrong_trigger_costs_only_the_attached_metrics():
    # The Place of the Attack is attached to another Attack mention, at "killed".
    other = EventMention("E3", "Conflict.Attack", trigger("killed"), (Argument("Place", entity="T3"),))
    attack = replace(ATTACK, arguments=ATTACK.arguments[:2])
    report = scored(attack, DIE, other)
    assert prf(report, "TI") == (1.0, 1.0, 1.0, 2, 2, 2)        # "killed" appears twice: one TI item
    assert prf(report, "TC") == (0.6667, 1.0, 0.8, 2, 3, 2)
    assert prf(report, "AC") == (1.0, 1.0, 1.0, 6, 6, 6)        # (Attack, Place, Quetta) is still predicted
    assert prf(report, "AC+") == (0.8333, 0.8333, 0.8333, 6, 6, 5)


def test_strict_gives_no_double_credit():
    # Two gold Attack mentions share their Attacker; one predicted Attack carries it once.
    gold_attack_2 = EventMention("E3", "Conflict.Attack", trigger("killed"), (Argument("Attacker", entity="T1"),), "actual", "h1")
    gold = replace(GOLD, events=(ATTACK, gold_attack_2))
    pred = Document("d1", TEXT, entities=ENTITIES, events=(replace(ATTACK, arguments=(Argument("Attacker", entity="T1"),)),))
    report = score([gold], [pred], bootstrap=0)
    # Set semantics (TextEE): (Attack, entity, Gunmen, Attacker) is one tuple on both sides.
    assert prf(report, "AC") == (1.0, 0.3333, 0.5, 3, 1, 1)
    # Strict: the prediction is aligned with one gold Attack only, and that one has the tuple: still credited once.
    assert prf(report, "AC-strict") == (1.0, 0.3333, 0.5, 3, 1, 1)
    # Now the single prediction has no trigger match at all: AC+ and AC+-strict give nothing.
    moved = replace(pred, events=(replace(pred.events[0], trigger=trigger("bus")),))
    report = score([gold], [moved], bootstrap=0)
    assert report.metrics["AC+"].score.n_match == 0 and report.metrics["AC+-strict"].score.n_match == 0


def test_strict_denies_credit_from_an_unaligned_event():
    # Prediction: two Attack mentions; the one at "attacked" has no arguments, the one at "killed"
    # carries Attacker=Gunmen. Gold has one Attack (at "attacked") with Attacker=Gunmen.
    gold = replace(GOLD, events=(replace(ATTACK, arguments=(Argument("Attacker", entity="T1"),)),))
    pred = Document("d1", TEXT, entities=ENTITIES, events=(
        EventMention("P1", "Conflict.Attack", trigger("attacked")),
        EventMention("P2", "Conflict.Attack", trigger("killed"), (Argument("Attacker", entity="T1"),)),
    ))
    report = score([gold], [pred], bootstrap=0)
    assert prf(report, "AC") == (1.0, 1.0, 1.0, 1, 1, 1)                # trigger-agnostic: credited
    assert report.metrics["AC-strict"].score.n_match in (0, 1)          # by type: either Attack may align
    assert prf(report, "AC+-strict") == (0.0, 0.0, 0.0, 1, 1, 0)        # attached: P2's trigger is wrong


def test_overlap_span_mode_credits_partial_spans():
    short = replace(DIE, arguments=(Argument("Killer", entity="T1"), Argument("Victim", entity="T5"), Argument("Place", entity="T3")))
    entities = ENTITIES[:3] + (mention("T5", "PER", "passengers"),)
    exact = scored(ATTACK, short, entities=entities)
    overlap = scored(ATTACK, short, entities=entities, span_mode="overlap")
    assert prf(exact, "AC") == (0.8333, 0.8333, 0.8333, 6, 6, 5)
    assert prf(overlap, "AC") == (1.0, 1.0, 1.0, 6, 6, 6)
    assert prf(exact, "entities") == (0.75, 0.75, 0.75, 4, 4, 3)
    assert prf(overlap, "entities") == (1.0, 1.0, 1.0, 4, 4, 4)
    assert exact.errors["arguments"]["counts"]["wrong_boundary"] == 1


def test_coreference_credits_any_mention_of_the_cluster_once():
    # Gold: "Gunmen" and a later "They" (cluster c-gunmen); the Die Killer is "They".
    text = TEXT + " They fled."
    they = EntityMention("T5", "PER", len(TEXT) + 1, len(TEXT) + 5, "They", "c-gunmen")
    gold_die = replace(DIE, arguments=(Argument("Killer", entity="T5"),))
    gold = Document("d1", text, entities=ENTITIES + (they,), events=(gold_die,))
    # The system says the Killer is "Gunmen", another mention of the same entity.
    pred = Document("d1", text, entities=ENTITIES, events=(replace(DIE, arguments=(Argument("Killer", entity="T1"),)),))
    report = score([gold], [pred], bootstrap=0)
    assert prf(report, "AC") == (0.0, 0.0, 0.0, 1, 1, 0)
    assert prf(report, "AC-coref") == (1.0, 1.0, 1.0, 1, 1, 1)
    # Naming both mentions is one credit, not two, and not a spurious second item.
    both = replace(pred, entities=ENTITIES + (they,), events=(replace(DIE, arguments=(Argument("Killer", entity="T1"), Argument("Killer", entity="T5"))),))
    report = score([gold], [both], bootstrap=0)
    assert prf(report, "AC") == (0.5, 1.0, 0.6667, 1, 2, 1)
    assert prf(report, "AC-coref") == (1.0, 1.0, 1.0, 1, 1, 1)


def test_event_valued_arguments_score_through_the_event_they_point_to():
    text = "Rebels claimed the attack."
    attack = EventMention("E1", "Conflict.Attack", Span(19, 25, "attack"), realis="actual")
    claim = EventMention("E2", "Contact.ClaimResponsibility", Span(7, 14, "claimed"),
                         (Argument("Claimant", entity="T1"), Argument("ClaimedEvent", event="E1")), realis="actual")
    gold = Document("d1", text, entities=(EntityMention("T1", "ORG", 0, 6, "Rebels"),), events=(attack, claim))
    assert score([gold], [gold], bootstrap=0).metrics["AC+"].score.f1 == 1.0
    # Pointing at an event whose trigger is elsewhere is wrong.
    elsewhere = EventMention("E9", "Conflict.Attack", Span(15, 18, "the"))
    pred = replace(gold, events=(attack, elsewhere, replace(claim, arguments=(claim.arguments[0], Argument("ClaimedEvent", event="E9")))))
    assert prf(score([gold], [pred], bootstrap=0), "AC") == (0.5, 0.5, 0.5, 2, 2, 1)


def test_entities_and_realis():
    # The predicted events have no arguments, so only entity_scope="all" counts the predicted mentions.
    pred = Document("d1", TEXT, entities=(ENTITIES[0], replace(ENTITIES[1], type="WEA"), ENTITIES[2]),
                    events=(replace(ATTACK, realis="other", arguments=()), replace(DIE, arguments=())))
    report = score([GOLD], [pred], bootstrap=0, entity_scope="all")
    assert prf(report, "entities") == (0.6667, 0.5, 0.5714, 4, 3, 2)
    assert prf(report, "entities-identification") == (1.0, 0.75, 0.8571, 4, 3, 3)
    assert report.realis == {"accuracy": 0.5, "n": 2}
    # By default no predicted mention fills a predicted argument: nothing predicted, every gold filler missed.
    assert prf(score([GOLD], [pred], bootstrap=0), "entities") == (0.0, 0.0, 0.0, 4, 0, 0)


#: Argument entities, by hand::
#:
#:     Police arrested Omar Reyes . The man was charged in Lyon .
#:     0      7        16   21    27  31  35  39      47 50  55
#:
#: Gold: Arrest "arrested" Detainee = T1 "Omar Reyes"; T2 "man" is T1's coreferent mention (cluster c1) and
#: fills no argument. Prediction: the same Arrest and T1, plus T3 "Lyon" (GPE), which fills no argument.
SCOPE_TEXT = "Police arrested Omar Reyes. The man was charged in Lyon."
SCOPE_ARREST = EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested"), (Argument("Detainee", entity="T1"),), "actual", "h1")
SCOPE_GOLD = Document("s", SCOPE_TEXT, events=(SCOPE_ARREST,), entities=(
    EntityMention("T1", "PER", 16, 26, "Omar Reyes", "c1"), EntityMention("T2", "PER", 32, 35, "man", "c1")))
SCOPE_PRED = Document("s", SCOPE_TEXT, events=(SCOPE_ARREST,), entities=(
    EntityMention("T1", "PER", 16, 26, "Omar Reyes"), EntityMention("T3", "GPE", 51, 55, "Lyon")))


def test_entity_scope_arguments_counts_only_the_mentions_that_fill_an_argument():
    assert SCOPE_TEXT[32:35] == "man" and SCOPE_TEXT[51:55] == "Lyon"
    report = score([SCOPE_GOLD], [SCOPE_PRED], bootstrap=0)
    # Gold {Omar Reyes}, predicted {Omar Reyes}: "man" (gold) and "Lyon" (predicted) fill no argument.
    assert prf(report, "entities") == (1.0, 1.0, 1.0, 1, 1, 1)
    assert prf(report, "entities-identification") == (1.0, 1.0, 1.0, 1, 1, 1)
    assert report.options["entity_scope"] == "arguments"
    assert report.errors["entities"]["counts"] == {"wrong_type": 0, "wrong_boundary": 0, "missed": 0, "spurious": 0}


def test_entity_scope_all_counts_every_mention():
    report = score([SCOPE_GOLD], [SCOPE_PRED], bootstrap=0, entity_scope="all")
    # Gold {Omar Reyes, man}, predicted {Omar Reyes, Lyon}, one match: P = 1/2, R = 1/2, F1 = 1/2.
    assert prf(report, "entities") == (0.5, 0.5, 0.5, 2, 2, 1)
    assert prf(report, "entities-identification") == (0.5, 0.5, 0.5, 2, 2, 1)
    assert report.errors["entities"]["counts"] == {"wrong_type": 0, "wrong_boundary": 0, "missed": 1, "spurious": 1}
    # The event metrics do not depend on the entity scope.
    default = score([SCOPE_GOLD], [SCOPE_PRED], bootstrap=0)
    assert all(report.metrics[m].score == default.metrics[m].score for m in HEADLINE)


def test_an_unknown_entity_scope_is_refused_listing_the_valid_ones():
    with pytest.raises(NewsEventsError, match="unknown entity scope 'named'; valid: arguments, all"):
        score([SCOPE_GOLD], [SCOPE_PRED], bootstrap=0, entity_scope="named")  # type: ignore[arg-type]


def test_bootstrap_interval_brackets_the_estimate_and_is_seeded():
    docs = [replace(GOLD, id=f"d{i}") for i in range(30)]
    preds = [replace(d, events=(ATTACK,) if i % 3 else ()) for i, d in enumerate(docs)]
    first = score(docs, preds, bootstrap=200, seed=7)
    again = score(docs, preds, bootstrap=200, seed=7)
    low, high = first.metrics["TC"].ci95["recall"]
    assert low <= first.metrics["TC"].score.recall <= high and low < high
    assert first.to_dict()["metrics"] == again.to_dict()["metrics"]


def test_bad_predictions_are_refused_with_the_document_named():
    with pytest.raises(NewsEventsError, match="predictions for documents not in gold: 'nope'"):
        score([GOLD], [Document("nope", TEXT)], bootstrap=0)
    with pytest.raises(MismatchError) as info:
        score([GOLD], [Document("d1", TEXT.upper())], bootstrap=0)
    assert info.value.document == "d1"
    bad = Document("d1", "", entities=(EntityMention("T1", "PER", 0, 6, "Gunman"),))
    with pytest.raises(ValidationError, match="Gunman"):
        score([GOLD], [bad], bootstrap=0)
    # A gold document without prediction is scored as empty and listed.
    report = score([GOLD, replace(GOLD, id="d2")], [GOLD], bootstrap=0)
    assert report.documents["without_prediction"] == ["d2"]
    assert prf(report, "TC") == (1.0, 0.5, 0.6667, 4, 2, 2)


def test_predictions_are_validated_in_one_error_then_indexed():
    from newsevents.eval.score import index_predictions, validate_predictions

    shifted = Document("d1", "", entities=(EntityMention("T1", "PER", 1, 7, "Gunmen"),))
    dangling = Document("d2", TEXT, events=(replace(ATTACK, arguments=(Argument("Attacker", entity="T9"),)),))
    gold = [GOLD, replace(GOLD, id="d2"), replace(GOLD, id="d3")]
    with pytest.raises(ValidationError) as info:
        validate_predictions(gold, [shifted, dangling])
    assert [(p.document, p.code) for p in info.value.problems] == [("d1", "span_text_mismatch"), ("d2", "unknown_reference")]
    with pytest.raises(NewsEventsError, match="two predictions for one document") as twice:
        validate_predictions(gold, [GOLD, replace(GOLD, id="d2"), GOLD])
    assert twice.value.document == "d1"
    with pytest.raises(NewsEventsError, match="gold has several documents with id 'd1'"):
        validate_predictions([GOLD, GOLD], [])
    # Indexing only indexes: gold order, the prediction itself, an empty document where there is none.
    index = index_predictions(gold, [replace(GOLD, id="d3"), GOLD])
    assert list(index) == ["d1", "d2", "d3"] and index["d1"] is GOLD
    assert index["d2"] == Document("d2", TEXT)


def test_unknown_labels_are_listed_or_refused(schema):
    pred = Document("d1", TEXT, events=(replace(ATTACK, type="Conflict.Bombing", arguments=()),))
    report = score([GOLD], [pred], bootstrap=0, schema=schema)
    assert report.unknown_labels["event_types"] == ["Conflict.Bombing"]
    with pytest.raises(NewsEventsError, match="Conflict.Bombing"):
        score([GOLD], [pred], bootstrap=0, schema=schema, strict_labels=True)


# ------------------------------------------------------------------------------------------ invariants

def _perturbed(gold: Document, rng) -> Document:
    """A prediction over the gold text: gold events with some dropped and some retyped."""
    events = tuple(replace(e, type=e.type if rng.random() < 0.7 else "Other.Type") for e in gold.events if rng.random() < 0.8)
    kept = {e.id for e in events}
    events = tuple(replace(e, arguments=tuple(a for a in e.arguments if a.event is None or a.event in kept)) for e in events)
    return replace(gold, events=events)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=4, unique_by=lambda d: d.id))
def test_gold_against_itself_scores_one(docs):
    docs = [replace(d, id=f"d{i}") for i, d in enumerate(docs)]
    for mode in ("exact", "overlap"):
        report = score(docs, docs, bootstrap=0, span_mode=mode, zero_division=1.0)
        assert all(report.metrics[m].score.f1 == 1.0 for m in ALL_METRICS), mode


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=4))
def test_an_empty_prediction_has_recall_zero(docs):
    docs = [replace(d, id=f"d{i}") for i, d in enumerate(docs)]
    report = score(docs, [], bootstrap=0)
    assert all(report.metrics[m].score.recall == 0.0 and report.metrics[m].score.n_pred == 0 for m in ALL_METRICS)


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_order(docs, rng):
    gold = [replace(d, id=f"d{i}") for i, d in enumerate(docs)]
    pred = [_perturbed(g, rng) for g in gold]
    base = score(gold, pred, bootstrap=0, errors=False).to_dict()
    shuffled_gold = gold[:]
    shuffled_pred = [replace(p, entities=tuple(reversed(p.entities)), events=tuple(reversed(p.events))) for p in pred]
    rng.shuffle(shuffled_gold)
    rng.shuffle(shuffled_pred)
    again = score(shuffled_gold, shuffled_pred, bootstrap=0, errors=False).to_dict()
    assert again["metrics"] == base["metrics"] and again["per_type"] == base["per_type"] and again["per_role"] == base["per_role"]


@SETTINGS
@given(st.lists(documents(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_strict_never_exceeds_set_semantics_and_spurious_never_raises_precision(docs, rng):
    gold = [replace(d, id=f"d{i}") for i, d in enumerate(docs)]
    pred = [_perturbed(g, rng) for g in gold]
    report = score(gold, pred, bootstrap=0, errors=False)
    for metric in HEADLINE:
        assert report.metrics[f"{metric}-strict"].score.f1 <= report.metrics[metric].score.f1 + 1e-12
    # One spurious event: a type gold never has, at a span no gold trigger has, no arguments.
    first = pred[0]
    taken = {(e.trigger.start, e.trigger.end) for e in gold[0].events}
    free = [t for t in first.tokens if (t.start, t.end) not in taken]
    if free:
        t = free[0]
        spurious = EventMention("SPURIOUS", "Spurious.Type", Span(t.start, t.end, first.text[t.start:t.end]))
        worse = score(gold, [replace(first, events=first.events + (spurious,))] + pred[1:], bootstrap=0, errors=False)
        for metric in ALL_METRICS:
            assert worse.metrics[metric].score.precision <= report.metrics[metric].score.precision + 1e-12


def test_one_f1_function_serves_points_and_intervals():
    """zero_division is honoured by the bootstrap too: an interval always contains its point score."""
    import numpy as np

    from newsevents.eval.counts import prf, prf_array
    from newsevents.eval.score import score
    from newsevents.eval.statistics import confidence_intervals

    empty = Document.from_dict({"id": "d1", "text": "Police arrested two men.", "events": [], "entities": []})
    report = score([empty], [empty], zero_division=1.0, bootstrap=50)
    assert report.metrics["TC"].score.f1 == 1.0
    assert report.metrics["TC"].ci95["f1"] == (1.0, 1.0)
    # Hand-checked counts: (gold, pred, match) -> (P, R, F1).
    table = np.array([[4, 2, 1], [0, 0, 0], [3, 0, 0], [0, 2, 0]])
    assert prf_array(table, 0.5).tolist() == [[0.5, 0.25, 1 / 3], [0.5, 0.5, 0.5], [0.5, 0.0, 0.0], [0.0, 0.5, 0.0]]
    assert [list(prf(*row, 0.5)) for row in table.tolist()] == prf_array(table, 0.5).tolist()
    assert confidence_intervals(np.zeros((0, 2, 3)), zero_division=1.0).tolist() == [[[1.0, 1.0]] * 3] * 2


def test_coreference_anchors_follow_the_span_rule_not_overlap():
    """A non-exact rule other than overlap decides for itself which gold mention a span hits."""
    from newsevents.eval.items import coreference_canonical
    from newsevents.eval.matching import EXACT, OVERLAP, SpanRule

    gold = Document.from_dict({"id": "d", "text": "Police arrested Ali Hassan. Hassan was freed.", "events": [], "entities": [
        {"id": "T1", "type": "PER", "start": 16, "end": 26, "text": "Ali Hassan", "cluster": "c1"},
        {"id": "T2", "type": "PER", "start": 28, "end": 34, "text": "Hassan", "cluster": "c1"}]})
    contains = SpanRule("contains", lambda g, p: p[0] <= g[0] and g[1] <= p[1])
    assert coreference_canonical(gold, EXACT.coreference_test())("entity", (28, 34)) == (16, 26)
    assert coreference_canonical(gold, EXACT.coreference_test())("entity", (30, 34)) == (30, 34)
    assert coreference_canonical(gold, OVERLAP.coreference_test())("entity", (30, 34)) == (16, 26)   # overlaps "Hassan"
    assert coreference_canonical(gold, contains.coreference_test())("entity", (30, 34)) == (30, 34)  # contains no mention
    assert coreference_canonical(gold, contains.coreference_test())("entity", (27, 40)) == (16, 26)  # contains "Hassan"


def test_head_mode_credits_a_longer_span_that_holds_the_gold_head_and_no_other():
    """WikiEvents' Head F1, one-to-one: 'the two men' holds the head 'men' of gold 'two men'."""
    from newsevents.eval.matching import HEAD, head_of

    text = "Police arrested the two men and a woman in Kabul."
    tokens = [(0, 6), (7, 15), (16, 19), (20, 23), (24, 27), (28, 31), (32, 33), (34, 39), (40, 42), (43, 48), (48, 49)]
    base = {"id": "d", "text": text, "tokens": [{"start": s, "end": e} for s, e in tokens]}
    gold = Document.from_dict({**base, "entities": [
        {"id": "T1", "type": "PER", "start": 20, "end": 27, "text": "two men"},
        {"id": "T2", "type": "PER", "start": 32, "end": 39, "text": "a woman"}], "events": [
        {"id": "E1", "type": "Justice.Arrest", "trigger": {"start": 7, "end": 15, "text": "arrested"},
         "arguments": [{"role": "Detainee", "entity": "T1"}, {"role": "Detainee", "entity": "T2"}], "realis": "actual"}]})
    assert head_of(gold, (20, 27)) == (24, 27)

    def predicted(start, end):
        return Document.from_dict({**base, "entities": [{"id": "T1", "type": "PER", "start": start, "end": end, "text": text[start:end]}],
                                   "events": [{"id": "E1", "type": "Justice.Arrest", "trigger": {"start": 7, "end": 15, "text": "arrested"},
                                               "arguments": [{"role": "Detainee", "entity": "T1"}]}]})

    longer, both, headless = predicted(16, 27), predicted(16, 39), predicted(16, 23)   # "the two men", "...and a woman", "the two"
    assert score([gold], [longer], span_mode="head", bootstrap=0).metrics["AC+"].score.n_match == 1
    assert score([gold], [longer], span_mode="exact", bootstrap=0).metrics["AC+"].score.n_match == 0
    assert score([gold], [both], span_mode="head", bootstrap=0).metrics["AC+"].score.n_match == 0    # holds a second head
    assert score([gold], [headless], span_mode="head", bootstrap=0).metrics["AC+"].score.n_match == 0
    assert score([gold], [headless], span_mode="overlap", bootstrap=0).metrics["AC+"].score.n_match == 1
    assert HEAD.for_document(gold).compatible((20, 27), (24, 27))


def test_a_mention_only_prediction_is_warned_about_the_argument_entity_scope():
    """A NER-style prediction (mentions, no arguments) scores no entity under the default scope, and says so."""
    from newsevents.document import Argument, Document, EntityMention, EventMention, Span
    from newsevents.eval.score import score

    text = "Police arrested Omar in Lisbon."
    omar = EntityMention("T1", "PER", 16, 20, "Omar")
    arrest = EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested"), (Argument("Detainee", entity="T1"),))
    gold = [Document("d", text, entities=(omar,), events=(arrest,))]
    prediction = [Document("d", text, entities=(omar,))]
    report = score(gold, prediction, bootstrap=0)
    assert [w["code"] for w in report.warnings] == ["entities_fill_no_argument"]
    assert report.metrics["entities"].score.f1 == 0.0
    everything = score(gold, prediction, bootstrap=0, entity_scope="all")
    assert everything.warnings == [] and everything.metrics["entities"].score.f1 == 1.0
