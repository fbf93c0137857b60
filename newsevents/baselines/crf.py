"""The ``crf`` baseline: crfsuite BIO taggers for triggers and mentions, logistic-regression roles and realis.

A pipeline of four learned parts and one rule, all fit on the training documents:

1. **Trigger tagger**: a linear-chain CRF (``sklearn-crfsuite``, L-BFGS with L1 ``trigger_c1`` and L2
   ``trigger_c2``) over each sentence's tokens, IOB2 labels ``B-<event type>`` / ``I-<event type>``
   (:func:`newsevents.bio.sentence_views`). A decoded span is a trigger of its type.
2. **Mention tagger**: the same kind of CRF (``entity_c1``, ``entity_c2``) with IOB2 labels over the
   entity and value types. The corpus annotates the mentions that fill roles, so this tagger learns
   argument-like mentions.
3. **Role classifier**: a multinomial :class:`~sklearn.linear_model.LogisticRegression` (``role_C``)
   over every (trigger, mention) pair in one sentence, classes the role names and ``NONE``
   (features: :func:`newsevents.baselines.arguments.pair_features`: types, order, distance, words
   between, trigger lemma, mention head and context). A pair gets the most probable role the schema
   allows for its event type and mention type when that probability is at least ``role_threshold``.
   Trained on gold triggers and gold mentions.
   A role that no training event of the type fills twice keeps its most probable filler
   (``single_fillers``).
4. **Realis classifier**: a logistic regression (``realis_C``) over the event type, the trigger lemma,
   the lemmas within three tokens and cue words (modals, negation, attempt, threat) in the sentence.
5. **Hoppers** by :func:`newsevents.baselines.arguments.assign_hoppers`.

Token features (:func:`newsevents.baselines.features.token_features`): bias, lower-cased word, simple
lemma, shape, prefixes of 2-3 and suffixes of 2-4 characters, title case, upper case, digits, the
lower-cased words two tokens either side, the lemmas and title case of the adjacent tokens, the
bigrams with each neighbour, sentence start/end, and the schema's trigger hint type of the token and
of its neighbours (``use_hints``).

The learned state is stored safely: the two crfsuite model files as crfsuite writes them
(``triggers.crfsuite``, ``mentions.crfsuite``) and the two linear models as plain JSON
(``roles.json``, ``realis.json``: vocabulary, classes, coefficients, intercepts). L-BFGS and
``lbfgs`` logistic regression are deterministic; ``seed`` is passed to scikit-learn all the same.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsevents.baselines.arguments import TokenView, assign_hoppers, entity_mentions, pair_features
from newsevents.baselines.base import Baseline, data_fingerprint
from newsevents.baselines.decoding import recall_boost
from newsevents.baselines.features import lemma, schema_hints, token_features, trigger_lexicon
from newsevents.bio import sentence_views, tags_to_spans
from newsevents.document import Argument, Document, EntityMention, EventMention, Span
from newsevents.errors import import_optional
from newsevents.ontology import Schema

NONE = "NONE"
#: Fitted parts kept by :meth:`CRFExtractor._memo` (process-wide, oldest dropped first).
MEMO_SIZE = 24
_MEMO: dict[tuple[Any, ...], Any] = {}
#: Words whose presence in the sentence the realis classifier sees.
REALIS_CUES = frozenset("will would could may might should plan plans planned planning threat threatened threatens "
                        "if not no never failed attempt attempted attempting foiled alleged allegedly suspected "
                        "possible potential intend intended vowed warned".split())


def _crfsuite() -> Any:
    return import_optional("sklearn_crfsuite", extra="baselines", purpose="the crf baseline")


def _pycrfsuite() -> Any:
    return import_optional("pycrfsuite", extra="baselines", purpose="the crf baseline")


@dataclass
class LinearModel:
    """A fitted linear classifier as plain arrays: vocabulary, classes, coefficients, intercepts.

    Trained by :meth:`fit` with scikit-learn (``DictVectorizer`` + ``LogisticRegression``) and stored
    as JSON (:meth:`to_dict`); :meth:`predict_proba` computes the same probabilities with NumPy.
    """

    vocabulary: dict[str, int]
    classes: list[str]
    coef: np.ndarray        # (n_classes, n_features), or (1, n_features) for two classes
    intercept: np.ndarray   # (n_classes,) or (1,)

    @classmethod
    def fit(cls, X: Sequence[dict[str, float]], y: Sequence[str], *, C: float, seed: int, min_count: int = 2) -> LinearModel:
        """Fit on feature dicts ``X`` and labels ``y``; features seen in fewer than ``min_count`` samples are dropped.

        One BLAS thread (``threadpoolctl``): on this problem size more threads only add contention.
        """
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        counts = Counter(k for x in X for k in x)
        X = [{k: v for k, v in x.items() if counts[k] >= min_count} for x in X]
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform(X)
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        classes = sorted(set(y))
        if len(classes) < 2:  # one class seen (a tiny corpus): always predict it
            return cls(vocabulary, classes or [NONE], np.zeros((1, len(vocabulary))), np.zeros(1))
        with threadpool_limits(1):
            model = LogisticRegression(C=C, max_iter=500, random_state=seed).fit(matrix, list(y))
        # Rounded here, not only when saved, so that a loaded model predicts exactly as the fitted one.
        return cls(vocabulary, [str(c) for c in model.classes_], np.round(model.coef_, 5), np.round(model.intercept_, 5))

    def predict_proba(self, X: Sequence[dict[str, float]]) -> np.ndarray:
        """Probabilities, shape ``(len(X), len(classes))``, columns in :attr:`classes` order."""
        scores = np.tile(self.intercept, (len(X), 1)).astype(np.float64)
        for i, x in enumerate(X):
            index = [self.vocabulary[k] for k in x if k in self.vocabulary]
            if index:
                values = np.array([x[k] for k in x if k in self.vocabulary])
                scores[i] += self.coef[:, index] @ values
        if len(self.classes) == 1:
            return np.ones((len(X), 1))
        if self.coef.shape[0] == 1:  # binary: one logit for classes[1]
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1 - p, p], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict[str, Any]:
        return {"classes": self.classes, "vocabulary": self.vocabulary, "coef": self.coef.tolist(), "intercept": self.intercept.tolist()}

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> LinearModel:
        return cls(obj["vocabulary"], obj["classes"], np.asarray(obj["coef"], dtype=np.float64), np.asarray(obj["intercept"], dtype=np.float64))


class CRFExtractor(Baseline):
    """CRF trigger and mention taggers, logistic-regression roles and realis (see the module docstring).

    Parameters
    ----------
    trigger_c1, trigger_c2 : float, default 0.05, 0.05
        L1 and L2 regularisation of the trigger CRF.
    entity_c1, entity_c2 : float, default 0.05, 0.05
        L1 and L2 regularisation of the mention CRF.
    max_iterations : int, default 50
        L-BFGS iterations of each CRF.
    role_C : float, default 1.0
        Inverse regularisation of the role classifier.
    role_threshold : float, default 0.4
        Lowest probability of a predicted role.
    realis_C : float, default 1.0
        Inverse regularisation of the realis classifier.
    use_hints : bool, default True
        The schema's trigger hints as token features.
    lexicon_folds : int, default 0
        The training trigger lexicon as a feature of the trigger tagger (``lex=<type>``), cross-fitted
        over this many folds of the training documents (0: no such feature).
    lexicon_precision : float, default 0.2
        The lexicon feature's precision threshold (:func:`~newsevents.baselines.features.trigger_lexicon`).
    o_threshold : float, default 0.9
        Recall boost of the trigger tagger (:func:`~newsevents.baselines.decoding.recall_boost`, one-token
        triggers only); 0.5 leaves the Viterbi path as it is.
    entity_o_threshold : float, default 0.9
        The same for the mention tagger (the role classifier filters the extra candidates).
    single_fillers : bool, default True
        A role that no training event of the type fills with two mentions (``multi_roles_`` lists
        those that some do) keeps only its most probable filler per event.
    seed : int, default 0
    """

    name = "crf"
    summary = ("sklearn-crfsuite BIO taggers for triggers (with type) and entity mentions, a logistic-regression role "
               "classifier over (trigger, mention) pairs in a sentence, a realis classifier, hoppers by rule.")
    # Decoding thresholds are cheap to try (no refit); each CRF or classifier parameter refits one part.
    param_grid = {
        "o_threshold": (0.5, 0.7, 0.8, 0.9, 0.95),
        "trigger_c1": (0.05, 0.2),
        "trigger_c2": (0.01, 0.05),
        "lexicon_folds": (0, 5),
        "entity_o_threshold": (0.5, 0.8, 0.9, 0.95),
        "entity_c1": (0.0, 0.05),
        "role_C": (0.3, 1.0),
        "role_threshold": (0.3, 0.4, 0.5),
        "single_fillers": (True, False),
    }
    decoding_params = ("o_threshold", "entity_o_threshold", "role_threshold", "single_fillers")
    state_files = ("triggers.crfsuite", "mentions.crfsuite", "lexicon.json", "roles.json", "realis.json")

    def __init__(self, trigger_c1: float = 0.05, trigger_c2: float = 0.05, entity_c1: float = 0.05, entity_c2: float = 0.05,
                 max_iterations: int = 50, role_C: float = 1.0, role_threshold: float = 0.4, realis_C: float = 1.0,
                 use_hints: bool = True, lexicon_folds: int = 0, lexicon_precision: float = 0.2, o_threshold: float = 0.9,
                 entity_o_threshold: float = 0.9, single_fillers: bool = True, seed: int = 0) -> None:
        self.trigger_c1 = trigger_c1
        self.trigger_c2 = trigger_c2
        self.entity_c1 = entity_c1
        self.entity_c2 = entity_c2
        self.max_iterations = max_iterations
        self.role_C = role_C
        self.role_threshold = role_threshold
        self.realis_C = realis_C
        self.use_hints = use_hints
        self.lexicon_folds = lexicon_folds
        self.lexicon_precision = lexicon_precision
        self.o_threshold = o_threshold
        self.entity_o_threshold = entity_o_threshold
        self.single_fillers = single_fillers
        self.seed = seed

    # ----------------------------------------------------------------------------------- training
    def _sequences(self, document: Document, schema: Schema, lexicon: dict[str, str] | None = None) -> list[tuple[Any, list[dict[str, Any]]]]:
        hints = schema_hints(schema) if self.use_hints else {}
        return [(view, token_features(view.tokens, hints, lexicon=lexicon)) for view in sentence_views(document) if view.tokens]

    def _fold_lexicons(self, documents: list[Document]) -> list[dict[str, str] | None]:
        """Per training document, the trigger lexicon of the other folds (cross-fitting, so the ``lex``
        feature is as reliable in training as on new text); ``None`` when ``lexicon_folds`` is 0."""
        if self.lexicon_folds < 2:
            return [None] * len(documents)
        order = sorted(range(len(documents)), key=lambda i: documents[i].id)
        fold = {i: rank % self.lexicon_folds for rank, i in enumerate(order)}
        tables = [trigger_lexicon([d for i, d in enumerate(documents) if fold[i] != k], min_precision=self.lexicon_precision)
                  for k in range(self.lexicon_folds)]
        return [tables[fold[i]] for i in range(len(documents))]

    def _train_crf(self, X: list[list[dict[str, Any]]], y: list[list[str]], c1: float, c2: float) -> bytes:
        with tempfile.TemporaryDirectory(prefix="newsevents-crf-") as folder:
            path = os.path.join(folder, "model.crfsuite")
            crf = _crfsuite().CRF(algorithm="lbfgs", c1=c1, c2=c2, max_iterations=self.max_iterations,
                                  all_possible_transitions=True, model_filename=path)
            crf.fit(X, y)
            return Path(path).read_bytes()

    @classmethod
    def clear_caches(cls) -> None:
        _MEMO.clear()

    def _memo(self, part: str, data: str, params: tuple[Any, ...], make: Any) -> Any:
        """``make()``, memoised on (part, training data hash, the part's parameters).

        Fitting is deterministic, so a part whose inputs did not change is the same model: dev
        selection (:func:`~newsevents.baselines.base.select`) varies one parameter at a time and
        refits only the part it affects. At most :data:`MEMO_SIZE` parts are kept.
        """
        key = (part, data, params)
        if key not in _MEMO:
            _MEMO[key] = make()
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.pop(next(iter(_MEMO)))
        return _MEMO[key]

    def _fit(self, documents: list[Document], schema: Schema) -> None:
        data = data_fingerprint(documents)["sha256"]
        X, y_triggers, y_entities = [], [], []
        role_X, role_y, realis_X, realis_y = [], [], [], []
        X_mentions = []
        multi: dict[str, set[str]] = {}
        for doc, lexicon in zip(documents, self._fold_lexicons(documents)):
            plain = self._sequences(doc, schema)
            with_lexicon = self._sequences(doc, schema, lexicon) if lexicon is not None else plain
            for (view, features), (_, trigger_features) in zip(plain, with_lexicon):
                X.append(trigger_features)
                X_mentions.append(features)
                y_triggers.append(list(view.trigger_tags))
                y_entities.append(list(view.argument_entity_tags))
            tv = TokenView(doc)
            entities = {m.id: m for m in doc.entities}
            spans = {m.id: tv.tokens(m.start, m.end) for m in doc.entities}
            triggers = [tv.tokens(e.trigger.start, e.trigger.end) for e in doc.events]
            for event, trigger in zip(doc.events, triggers):
                if trigger is None:
                    continue
                sentence = tv.sentence_of[trigger[0]]
                others = [t for t in triggers if t is not None and t != trigger and tv.sentence_of[t[0]] == sentence]
                roles = {}
                for a in event.arguments:
                    if a.entity is not None:
                        roles.setdefault(a.entity, a.role)
                for role, n in Counter(a.role for a in event.arguments if a.entity is not None).items():
                    if n > 1:
                        multi.setdefault(event.type, set()).add(role)
                for mention_id, span in spans.items():
                    if span is None or tv.sentence_of[span[0]] != sentence:
                        continue
                    role_X.append(pair_features(tv, event.type, trigger, entities[mention_id], span, others))
                    role_y.append(roles.get(mention_id, NONE))
                if event.realis is not None:
                    realis_X.append(self._realis_features(tv, event.type, trigger))
                    realis_y.append(event.realis)
        self.multi_roles_ = {t: sorted(r) for t, r in sorted(multi.items())}
        self.lexicon_ = trigger_lexicon(documents, min_precision=self.lexicon_precision) if self.lexicon_folds >= 2 else {}
        crf = (self.max_iterations, self.use_hints)
        self.triggers_crf_ = self._memo("triggers", data, (self.trigger_c1, self.trigger_c2, self.lexicon_folds, self.lexicon_precision, *crf),
                                        lambda: self._train_crf(X, y_triggers, self.trigger_c1, self.trigger_c2))
        self.mentions_crf_ = self._memo("mentions", data, (self.entity_c1, self.entity_c2, *crf),
                                        lambda: self._train_crf(X_mentions, y_entities, self.entity_c1, self.entity_c2))
        self.roles_ = self._memo("roles", data, (self.role_C, self.seed),
                                 lambda: LinearModel.fit(role_X, role_y, C=self.role_C, seed=self.seed))
        self.realis_ = LinearModel.fit(realis_X, realis_y or ["actual"], C=self.realis_C, seed=self.seed) if realis_X else \
            LinearModel({}, ["actual"], np.zeros((1, 0)), np.zeros(1))
        self._taggers = None

    @staticmethod
    def _realis_features(tv: TokenView, event_type: str, trigger: tuple[int, int]) -> dict[str, float]:
        words = tv.words
        sentence = tv.sentence_tokens[tv.sentence_of[trigger[0]]]
        f = {f"E={event_type}": 1.0, f"T={lemma(words[trigger[0]])}": 1.0}
        for offset in (-3, -2, -1, 1, 2, 3):
            j = trigger[0] + offset if offset < 0 else trigger[1] - 1 + offset
            if j in sentence:
                f[f"W{offset:+d}={lemma(words[j])}"] = 1.0
                f[f"W{'-' if offset < 0 else '+'}={lemma(words[j])}"] = 1.0
        for j in sentence:
            w = words[j].lower()
            if w in REALIS_CUES:
                f[f"cue={w}"] = 1.0
                f[f"cue{'<' if j < trigger[0] else '>'}={w}"] = 1.0
        return f

    # --------------------------------------------------------------------------------- prediction
    def _tagger(self, which: str) -> Any:
        taggers = getattr(self, "_taggers", None)
        if taggers is None:
            pycrfsuite = _pycrfsuite()
            taggers = {}
            for key, blob in (("triggers", self.triggers_crf_), ("mentions", self.mentions_crf_)):
                tagger = pycrfsuite.Tagger()
                tagger.open_inmemory(blob)
                taggers[key] = tagger
            self._taggers = taggers
        return taggers[which]

    def _predict_document(self, document: Document, schema: Schema) -> Document:
        tv = TokenView(document)
        index = {start: i for i, start in enumerate(tv.starts)}
        trigger_spans: list[tuple[int, int, str]] = []
        mention_spans: list[tuple[int, int, str]] = []
        plain = self._sequences(document, schema)
        with_lexicon = self._sequences(document, schema, self.lexicon_) if self.lexicon_ else plain
        for (view, features), (_, trigger_features) in zip(plain, with_lexicon):
            base = index[view.token_starts[0]]
            tagger = self._tagger("triggers")
            trigger_tags = tagger.tag(trigger_features)
            if self.o_threshold > 0.5:
                trigger_tags = self._boost(tagger, trigger_tags, self.o_threshold, begin_only=True)
            tagger = self._tagger("mentions")
            mention_tags = tagger.tag(features)
            if self.entity_o_threshold > 0.5:
                mention_tags = self._boost(tagger, mention_tags, self.entity_o_threshold, begin_only=False)
            for spans, tags in ((trigger_spans, trigger_tags), (mention_spans, mention_tags)):
                spans += [(base + first, base + last, label) for label, first, last in tags_to_spans(tags)]
        mentions = entity_mentions(tv, mention_spans)
        by_sentence: dict[int, list[tuple[tuple[int, int], EntityMention]]] = defaultdict(list)
        for (first, last, _), mention in zip(mention_spans, mentions):
            by_sentence[tv.sentence_of[first]].append(((first, last), mention))
        roles = {e.name: {r.name: set(r.entity_types) for r in e.roles} for e in schema.event_types}
        role_index = {c: i for i, c in enumerate(self.roles_.classes)}
        triggers = [(first, last) for first, last, _ in trigger_spans]
        events = []
        for first, last, event_type in trigger_spans:
            if event_type not in roles:
                continue
            sentence = tv.sentence_of[first]
            candidates = by_sentence[sentence]
            arguments = []
            if candidates:
                others = [t for t in triggers if t != (first, last) and tv.sentence_of[t[0]] == sentence]
                X = [pair_features(tv, event_type, (first, last), m, span, others) for span, m in candidates]
                proba = self.roles_.predict_proba(X)
                chosen = []
                for (span, mention), p in zip(candidates, proba):
                    allowed = [r for r, kinds in roles[event_type].items() if mention.type in kinds and r in role_index]
                    if not allowed:
                        continue
                    best = max(allowed, key=lambda r: p[role_index[r]])
                    if p[role_index[best]] >= self.role_threshold:
                        chosen.append((float(p[role_index[best]]), best, mention.id))
                if self.single_fillers:  # a role that training never fills twice in one event keeps its most probable filler
                    multi = set(self.multi_roles_.get(event_type, ()))
                    best_of = {}
                    for probability, role, mention_id in chosen:
                        if role not in multi and (role not in best_of or probability > best_of[role][0]):
                            best_of[role] = (probability, mention_id)
                    chosen = [c for c in chosen if c[1] in multi or best_of[c[1]][1] == c[2]]
                arguments = [Argument(role, entity=mention_id) for _, role, mention_id in chosen]
            realis_p = self.realis_.predict_proba([self._realis_features(tv, event_type, (first, last))])[0]
            realis = self.realis_.classes[int(np.argmax(realis_p))]
            start, end, text = tv.span(first, last)
            events.append(EventMention(f"E{len(events) + 1}", event_type, Span(start, end, text), tuple(arguments), realis))
        return self._output(document, mentions, assign_hoppers(events, mentions))

    @staticmethod
    def _boost(tagger: Any, tags: list[str], threshold: float, *, begin_only: bool) -> list[str]:
        """:func:`~newsevents.baselines.decoding.recall_boost` with the CRF's marginals (the tagger must
        have just tagged the sentence: ``tag`` sets it)."""
        return recall_boost(tags, tagger.marginal, tagger.labels(), threshold, begin_only=begin_only)

    # ---------------------------------------------------------------------------------- state
    def _save_state(self, folder: Path) -> None:
        (folder / "triggers.crfsuite").write_bytes(self.triggers_crf_)
        (folder / "mentions.crfsuite").write_bytes(self.mentions_crf_)
        (folder / "lexicon.json").write_text(json.dumps(self.lexicon_, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        for name, model, extra in (("roles.json", self.roles_, {"multi_roles": self.multi_roles_}), ("realis.json", self.realis_, {})):
            (folder / name).write_text(json.dumps({**model.to_dict(), **extra}, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")

    def _load_state(self, folder: Path) -> None:
        self.triggers_crf_ = (folder / "triggers.crfsuite").read_bytes()
        self.mentions_crf_ = (folder / "mentions.crfsuite").read_bytes()
        self.lexicon_ = json.loads((folder / "lexicon.json").read_text(encoding="utf-8"))
        roles = json.loads((folder / "roles.json").read_text(encoding="utf-8"))
        self.roles_, self.multi_roles_ = LinearModel.from_dict(roles), roles["multi_roles"]
        self.realis_ = LinearModel.from_dict(json.loads((folder / "realis.json").read_text(encoding="utf-8")))
        self._taggers = None


__all__ = ["CRFExtractor", "LinearModel"]
