"""A trigger-lexicon baseline: the most frequent event type of each trigger word.

The classic floor of event detection (ACE papers report it as the "most frequent type" baseline):
a token that was a trigger in training is predicted as a trigger of the type it had most often. The
lexicon starts from the schema's ``triggers`` hints (single words only) and ``fit`` adds the gold
triggers of training documents, which win over hints. It predicts no arguments, so its argument
scores are zero by construction: it measures how far trigger words alone go.

The estimator follows scikit-learn's conventions: hyper-parameters are stored unchanged by
``__init__``, ``fit(documents)`` returns ``self``, learned state ends in ``_``, and ``predict``
before ``fit`` raises naming the class.

Example
-------
>>> from newsevents.document import Document, Segment
>>> doc = Document("d1", "Police arrested him.", tokens=(Segment(0, 6), Segment(7, 15), Segment(16, 19), Segment(19, 20)))
>>> [e.type for e in TriggerLexicon().fit([]).predict([doc])[0].events]
['Justice.Arrest']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from newsevents.ontology import Schema, load_schema
from newsevents.document import Document, EventMention, Span
from newsevents.errors import NewsEventsError


class TriggerLexicon:
    """Predict events from a lexicon of trigger words.

    Parameters
    ----------
    use_schema_hints : bool, default True
        Seed the lexicon with the single-word ``triggers`` of each event type in the schema.
    min_count : int, default 1
        A word seen as a trigger fewer times than this in training is left out (hints count once).
    realis : str or None, default "actual"
        The realis given to every predicted event (``None`` predicts none).
    schema : Schema, optional
        The ontology; ``None`` loads ``annotation/schema.yaml`` at ``fit``.
    """

    def __init__(self, use_schema_hints: bool = True, min_count: int = 1, realis: str | None = "actual",
                 schema: Schema | None = None) -> None:
        self.use_schema_hints = use_schema_hints
        self.min_count = min_count
        self.realis = realis
        self.schema = schema

    def fit(self, documents: Iterable[Document]) -> TriggerLexicon:
        """Learn ``lexicon_``: lower-cased word -> the event type it triggers most often."""
        counts: dict[str, Counter] = defaultdict(Counter)
        if self.use_schema_hints:
            schema = self.schema or load_schema()
            for event_type in schema.event_types:
                for word in event_type.triggers:
                    if " " not in word:
                        counts[word.lower()][event_type.name] += 1
        for document in documents:
            for event in document.events:
                # Gold triggers weigh more than any number of schema hints for the same word.
                counts[event.trigger.text.lower()][event.type] += 1000
        self.lexicon_ = {
            word: types.most_common(1)[0][0]
            for word, types in sorted(counts.items())
            if sum(types.values()) >= self.min_count
        }
        return self

    def predict(self, documents: Sequence[Document]) -> list[Document]:
        """Copies of ``documents`` (text and tokens kept, gold dropped) with the predicted events.

        Raises
        ------
        NewsEventsError
            Before ``fit``, or for a document without tokens (ingest or segment it first).
        """
        if not hasattr(self, "lexicon_"):
            raise NewsEventsError(f"this {type(self).__name__} is not fitted yet: call fit(documents) first")
        predictions = []
        for document in documents:
            if document.text and not document.tokens:
                raise NewsEventsError("the document has no tokens: ingest or segment it first", document=document.id)
            events = []
            for token in document.tokens:
                word = document.text[token.start:token.end]
                event_type = self.lexicon_.get(word.lower())
                if event_type is not None:
                    events.append(EventMention(f"E{len(events) + 1}", event_type, Span(token.start, token.end, word), realis=self.realis))
            predictions.append(Document(document.id, document.text, sentences=document.sentences, tokens=document.tokens,
                                        events=tuple(events)))
        return predictions


def predict_with_schema_hints(documents: Sequence[Document]) -> list[Document]:
    """The untrained lexicon (schema hints only) as a plain function, for ``--extractor`` options:
    ``newsevents annotate push ... --extractor newsevents.baselines.lexicon:predict_with_schema_hints``."""
    return TriggerLexicon().fit([]).predict(documents)
