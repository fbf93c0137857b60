"""The ``lexicon`` baseline: exact predictions on a hand-made document, hints, thresholds, the plain function."""

from __future__ import annotations

import pytest

from newsevents.baselines.lexicon import TriggerLexicon, predict_with_schema_hints
from newsevents.document import Argument, EntityMention, EventMention, Span
from newsevents.errors import NewsEventsError
from test_baselines import make_doc

TRAIN = [
    make_doc("a", "Police arrested two men in Kabul. The arrest was made on Monday.",
             [("T1", "ORG", "Police"), ("T2", "PER", "two men"), ("T3", "GPE", "Kabul"), ("T4", "TIME", "Monday")],
             [("E1", "Justice.Arrest", "arrested", [("Agent", "T1"), ("Detainee", "T2"), ("Place", "T3")], "actual"),
              ("E2", "Justice.Arrest", "arrest", [("Time", "T4")], "actual")]),
    make_doc("b", "Rebels attacked Herat. Police arrested a rebel.",
             [("T1", "ORG", "Rebels"), ("T2", "GPE", "Herat"), ("T3", "ORG", "Police"), ("T4", "PER", "a rebel")],
             [("E1", "Conflict.Attack", "attacked", [("Attacker", "T1"), ("Target", "T2")], "actual"),
              ("E2", "Justice.Arrest", "arrested", [("Agent", "T3"), ("Detainee", "T4")], "actual")]),
    make_doc("c", "Rebels said they would attack Kabul. Police watched the rebels.",
             [("T1", "ORG", "Rebels"), ("T2", "GPE", "Kabul")],
             [("E1", "Conflict.Attack", "attack", [("Attacker", "T1"), ("Target", "T2")], "other")]),
]
PARAMS = dict(use_schema_hints=False, min_count=1, min_precision=0.5, min_role_rate=0.5, gazetteer_precision=0.5)


def test_exact_predictions_on_a_hand_made_document():
    lexicon = TriggerLexicon(**PARAMS).fit(TRAIN)
    # "arrested", "arrest" -> lemma "arrest"; "attacked", "attack" -> "attack"; every occurrence is a trigger.
    assert lexicon.lexicon_ == {"arrest": "Justice.Arrest", "attack": "Conflict.Attack"}
    # "police": 3 of its 4 occurrences are mentions; "rebels": 2 of 3 ("the rebels" in c is not one).
    assert lexicon.gazetteer_.entries == {"a rebel": "PER", "herat": "GPE", "kabul": "GPE", "monday": "TIME",
                                          "police": "ORG", "rebels": "ORG", "two men": "PER"}
    doc = make_doc("d", "Police arrests in Herat followed. Rebels attacked Kabul and police watched.")
    prediction = lexicon.predict([doc])[0]
    # Arrest: Agent and Detainee are filled in 2 of 3 training arrests (>= 0.5), Place and Time in 1 of 3 (not
    # predicted); no PER mention for Detainee. Attack: Attacker (before the trigger in training) takes "Rebels",
    # Target (after) takes "Kabul"; the second "police" fills nothing and is not output.
    assert prediction.entities == (EntityMention("T1", "ORG", 0, 6, "Police"), EntityMention("T3", "ORG", 34, 40, "Rebels"),
                                   EntityMention("T4", "GPE", 50, 55, "Kabul"))
    assert prediction.events == (
        EventMention("E1", "Justice.Arrest", Span(7, 14, "arrests"), (Argument("Agent", entity="T1"),), "actual", "H1"),
        EventMention("E2", "Conflict.Attack", Span(41, 49, "attacked"),
                     (Argument("Attacker", entity="T3"), Argument("Target", entity="T4")), "actual", "H2"),
    )


def test_min_count_counts_training_occurrences():
    # The old lexicon weighed each gold trigger 1000 times, so min_count=2 kept words seen once.
    once = [make_doc("o", "Rebels shelled the town.", [], [("E1", "Conflict.Attack", "shelled", [], "actual")])]
    twice = once + [make_doc("p", "Troops shelled a village.", [], [("E1", "Conflict.Attack", "shelled", [], "actual")])]
    assert TriggerLexicon(use_schema_hints=False, min_count=2, min_precision=0.0).fit(once).lexicon_ == {}
    assert TriggerLexicon(use_schema_hints=False, min_count=2, min_precision=0.0).fit(twice).lexicon_ == {"shell": "Conflict.Attack"}


def test_min_precision_drops_words_that_are_rarely_triggers():
    train = [make_doc("s", "The strike killed one. A strike began. The strike ended.", [],
                      [("E1", "Conflict.Attack", "strike", [], "actual")])]
    assert TriggerLexicon(use_schema_hints=False, min_count=1, min_precision=0.3).fit(train).lexicon_ == {"strik": "Conflict.Attack"}  # the lemma key
    assert TriggerLexicon(use_schema_hints=False, min_count=1, min_precision=0.5).fit(train).lexicon_ == {}


def test_training_triggers_override_schema_hints():
    doc = make_doc("d", "Troops fired on the crowd and seized two men.")
    # "seized" is a Conflict.Kidnap hint in the schema; training says it is an arrest here (the tie of one
    # hint and one training trigger goes to training).
    train = [make_doc("t", "Police seized him.", [], [("E1", "Justice.Arrest", "seized", [], "actual")])]
    hints_only = TriggerLexicon(min_count=1, min_precision=0.0).fit([]).predict([doc])[0]
    trained = TriggerLexicon(min_count=1, min_precision=0.0).fit(train).predict([doc])[0]
    assert [(e.trigger.text, e.type) for e in hints_only.events] == [("seized", "Conflict.Kidnap")]
    assert [(e.trigger.text, e.type) for e in trained.events] == [("seized", "Justice.Arrest")]
    assert trained.text == doc.text and trained.entities == ()


def test_predict_with_schema_hints_is_the_untrained_word_lexicon():
    doc = make_doc("d", "Police arrested him after the attack. Two were killed.")
    predicted = predict_with_schema_hints([doc])[0]
    assert [(e.trigger.text, e.type, e.realis, e.arguments) for e in predicted.events] == [
        ("arrested", "Justice.Arrest", "actual", ()), ("attack", "Conflict.Attack", "actual", ()), ("killed", "Life.Die", "actual", ())]


def test_parameters_are_stored_unchanged_and_a_document_needs_tokens():
    lexicon = TriggerLexicon(use_schema_hints=False, min_count=2, realis=None)
    assert (lexicon.use_schema_hints, lexicon.min_count, lexicon.realis) == (False, 2, None)
    bare = make_doc("d", "Police arrested him.").__class__("d", "Police arrested him.")
    with pytest.raises(NewsEventsError, match="no tokens or sentences"):
        TriggerLexicon().fit([]).predict([bare])
