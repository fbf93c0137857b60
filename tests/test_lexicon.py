"""The trigger-lexicon baseline: scikit-learn estimator conventions and hand-checked predictions."""

from __future__ import annotations

import pytest

from newsevents.baselines.lexicon import TriggerLexicon
from newsevents.corpus.normalize import normalize
from newsevents.corpus.segment import Segmenter
from newsevents.document import Document, EventMention, Span
from newsevents.errors import NewsEventsError


def _doc(doc_id: str, text: str, events=()) -> Document:
    normalized = normalize(text)
    seg = Segmenter().segment(normalized.text, normalized.paragraphs)
    return Document(doc_id, normalized.text, paragraphs=normalized.paragraphs, sentences=seg.sentences, tokens=seg.tokens, events=events)


def test_parameters_are_stored_unchanged_and_predict_needs_fit():
    lexicon = TriggerLexicon(use_schema_hints=False, min_count=2, realis=None)
    assert (lexicon.use_schema_hints, lexicon.min_count, lexicon.realis) == (False, 2, None)
    with pytest.raises(NewsEventsError, match="TriggerLexicon is not fitted yet"):
        lexicon.predict([_doc("d", "Police arrested him.")])


def test_training_triggers_override_schema_hints():
    doc = _doc("d", "Troops fired on the crowd and seized two men.")
    # "seized" is a Conflict.Kidnap hint in the schema; training says it is an arrest here.
    train = _doc("t", "Police seized him.", events=(EventMention("E1", "Justice.Arrest", Span(7, 13, "seized")),))
    hints_only = TriggerLexicon().fit([]).predict([doc])[0]
    trained = TriggerLexicon().fit([train]).predict([doc])[0]
    assert [(e.trigger.text, e.type) for e in hints_only.events] == [("seized", "Conflict.Kidnap")]
    assert [(e.trigger.text, e.type) for e in trained.events] == [("seized", "Justice.Arrest")]
    assert trained.text == doc.text and trained.entities == ()


def test_without_hints_only_training_words_are_known():
    train = _doc("t", "Rebels shelled the town.", events=(EventMention("E1", "Conflict.Attack", Span(7, 14, "shelled")),))
    lexicon = TriggerLexicon(use_schema_hints=False).fit([train])
    assert lexicon.lexicon_ == {"shelled": "Conflict.Attack"}
    assert [e.type for e in lexicon.predict([_doc("d", "They shelled it and arrested him.")])[0].events] == ["Conflict.Attack"]
