"""An LLM as an event extractor: prompts from the ontology, quotes anchored to offsets, everything counted.

:class:`LLMExtractor` sends each document (in paragraph chunks when long) to a Chat Completions
endpoint (:mod:`newsevents.llm.client`), reads the JSON answer, anchors every quoted trigger and argument
to character offsets (:mod:`newsevents.llm.anchoring`) and returns ordinary documents that
:func:`~newsevents.validation.validate` accepts. Nothing is guessed: a quote found nowhere or ambiguous,
a label outside the ontology, an answer that is not JSON, is dropped and counted in :attr:`stats_`
(``GenerationStats``), which the evaluation report shows in its section for generated systems.

Example
-------
>>> extractor = LLMExtractor("qwen2.5-7b-instruct", base_url="http://127.0.0.1:8000/v1", shots=2)  # doctest: +SKIP
>>> predictions = extractor.fit(train_documents).predict(test_documents)                        # doctest: +SKIP
>>> extractor.stats_.to_dict()["dropped"]                                                       # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsevents.document import Argument, Document, EntityMention, EventMention, Span
from newsevents.errors import NewsEventsError
from newsevents.llm.anchoring import anchor
from newsevents.llm.cache import AnswerCache, cache_key
from newsevents.llm.client import ChatClient, ChatReply, LLMError, parse_json_answer, redact
from newsevents.llm.prompts import Chunk, ShotSelector, chunks, guideline_excerpts, messages, system_message
from newsevents.ontology import Schema, load_schema
from newsevents.ontology_forms import answer_json_schema

#: Environment variables read when the option is not given (the key falls back to OPENAI_API_KEY).
BASE_URL_ENV, API_KEY_ENV, OPENAI_KEY_ENV = "NEWSEVENTS_LLM_BASE_URL", "NEWSEVENTS_LLM_API_KEY", "OPENAI_API_KEY"
#: Where answers are cached unless told otherwise.
DEFAULT_CACHE = Path(".cache") / "newsevents-llm"


@dataclass
class GenerationStats:
    """What a generated system did beyond its predictions: requests, tokens, time, and what was dropped.

    ``dropped`` counts quotes and answers by ``"<what>:<reason>"`` (``trigger:not_found``,
    ``argument:ambiguous``, ``answer:malformed`` ...); ``unknown`` counts labels outside the ontology by
    kind (``event_types``, ``roles``, ``entity_types``, ``realis``); ``documents`` holds one record per
    document (requests, cached answers, prompt and completion tokens, seconds of model time).
    """

    documents: list[dict[str, Any]] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    unknown: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in ("event_types", "roles", "entity_types", "realis")})
    wall_seconds: float = 0.0

    def totals(self) -> dict[str, float]:
        keys = ("requests", "cached", "prompt_tokens", "completion_tokens", "seconds")
        return {k: sum(d[k] for d in self.documents) for k in keys}

    def to_dict(self, *, price_prompt: float | None = None, price_completion: float | None = None) -> dict[str, Any]:
        """JSON-ready; with prices (currency units per million tokens) also the cost per 1,000 documents."""
        totals = self.totals()
        out: dict[str, Any] = {
            "documents": len(self.documents), "totals": totals, "wall_seconds": self.wall_seconds,
            "dropped": dict(sorted(self.dropped.items())),
            "unknown_labels": {k: dict(sorted(v.items())) for k, v in self.unknown.items()},
            "per_document": self.documents,
        }
        if price_prompt is not None or price_completion is not None:
            cost = (totals["prompt_tokens"] * (price_prompt or 0.0) + totals["completion_tokens"] * (price_completion or 0.0)) / 1e6
            out["cost"] = {"price_per_million_prompt_tokens": price_prompt, "price_per_million_completion_tokens": price_completion,
                           "total": cost, "per_1000_documents": 1000 * cost / max(1, len(self.documents))}
        return out


class LLMExtractor:
    """An extractor backed by a chat model behind an OpenAI-compatible endpoint.

    Parameters
    ----------
    model : str
        The model name the server knows.
    base_url : str, optional
        API root such as ``http://127.0.0.1:8000/v1``; default ``$NEWSEVENTS_LLM_BASE_URL``.
    api_key : str, optional
        Default ``$NEWSEVENTS_LLM_API_KEY``, then ``$OPENAI_API_KEY``; never printed or stored.
    shots : int, default 0
        Few-shot examples per request, from the documents given to :meth:`fit` (the train split).
    guidelines : bool, default False
        Put each event type's section of ``annotation/GUIDELINES.md`` into the prompt.
    concurrency : int, default 4
        Requests in flight at once.
    timeout, retries, backoff : float, int, float
        As for :class:`~newsevents.llm.client.ChatClient`.
    temperature : float, default 0.0; seed : int or None, default 0
        Deterministic by default.
    max_chars : int, default 6000
        Longer documents are sent in chunks of whole paragraphs of at most this many characters.
    cache_dir : path, default ``.cache/newsevents-llm``; use_cache : bool, default True
        Answers are cached by (endpoint, model, prompt, settings): a rerun sends no request.
    keep_unknown : bool, default False
        Keep labels outside the ontology (scored as wrong) instead of dropping them.
    schema : Schema, optional
        The ontology (default ``annotation/schema.yaml``).
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None, *, shots: int = 0,
                 guidelines: bool = False, concurrency: int = 4, timeout: float = 120.0, retries: int = 4,
                 backoff: float = 1.0, temperature: float = 0.0, seed: int | None = 0, max_chars: int = 6000,
                 cache_dir: str | Path | None = None, use_cache: bool = True, keep_unknown: bool = False,
                 schema: Schema | None = None) -> None:
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self.shots = shots
        self.guidelines = guidelines
        self.concurrency = concurrency
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.temperature = temperature
        self.seed = seed
        self.max_chars = max_chars
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.keep_unknown = keep_unknown
        self.schema = schema
        if concurrency < 1 or shots < 0 or max_chars < 1:
            raise NewsEventsError("--concurrency and --max-chars must be at least 1 and --shots at least 0")

    def __repr__(self) -> str:
        return f"LLMExtractor(model={self.model!r}, base_url={self.base_url!r}, shots={self.shots})"

    # -- setup ------------------------------------------------------------------------------------

    def client(self) -> ChatClient:
        """The chat client, with the base URL and key from the options or the environment."""
        base_url = self.base_url or os.environ.get(BASE_URL_ENV)
        if not base_url:
            raise NewsEventsError(f"no endpoint: give --base-url URL or set {BASE_URL_ENV}")
        api_key = self._api_key or os.environ.get(API_KEY_ENV) or os.environ.get(OPENAI_KEY_ENV)
        return ChatClient(base_url, self.model, api_key=api_key, timeout=self.timeout, retries=self.retries,
                          backoff=self.backoff, temperature=self.temperature, seed=self.seed)

    def fit(self, documents: Iterable[Document]) -> LLMExtractor:
        """Keep the training documents as the pool of few-shot examples (nothing else is learned)."""
        self.shot_selector_ = ShotSelector(list(documents))
        return self

    # -- prediction -------------------------------------------------------------------------------

    def predict(self, documents: Iterable[Document]) -> list[Document]:
        """Predicted documents (same text and structure, new entities and events); see :attr:`stats_`."""
        documents = list(documents)
        schema = self.schema or load_schema()
        if self.shots and not hasattr(self, "shot_selector_"):
            raise NewsEventsError(f"{type(self).__name__} with shots={self.shots} needs fit(train_documents) first")
        client = self.client()
        answer_schema = answer_json_schema(schema)
        system = system_message(schema, guideline_excerpts(schema) if self.guidelines else None)
        cache = AnswerCache(self.cache_dir or DEFAULT_CACHE) if self.use_cache else None
        stats = GenerationStats()
        work = [(doc, chunk) for doc in documents for chunk in chunks(doc, self.max_chars)]

        def ask(item: tuple[Document, Chunk]) -> tuple[ChatReply, bool]:
            document, chunk = item
            shots = self.shot_selector_.select(chunk.text, self.shots) if self.shots else []
            request = messages(system, chunk.text, shots)
            key = cache_key(client.endpoint, client.model, request, client.settings(), answer_schema)
            if cache is not None and (hit := cache.get(key)) is not None:
                return hit, True
            try:
                reply = client.complete(request, answer_schema)
            except LLMError as err:
                raise LLMError(redact(f"document {document.id!r} (chunk {chunk.index}): {err}", client.api_key)) from None
            if cache is not None:
                cache.put(key, reply)
            return reply, False

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            replies = list(pool.map(ask, work))
        stats.wall_seconds = time.perf_counter() - started

        out = []
        by_document: dict[str, list[tuple[Chunk, ChatReply, bool]]] = {}
        for (document, chunk), (reply, cached) in zip(work, replies):
            by_document.setdefault(document.id, []).append((chunk, reply, cached))
        for document in documents:
            parts = by_document.get(document.id, [])
            reader = _AnswerReader(schema, stats, self.keep_unknown)
            for chunk, reply, _ in parts:
                reader.read(reply.content, chunk)
            out.append(replace(document, **reader.mentions()))
            stats.documents.append({
                "id": document.id, "requests": sum(not c for _, _, c in parts), "cached": sum(c for _, _, c in parts),
                "prompt_tokens": sum(r.prompt_tokens for _, r, _ in parts),
                "completion_tokens": sum(r.completion_tokens for _, r, _ in parts),
                "seconds": sum(r.seconds for _, r, c in parts if not c),
            })
        self.stats_ = stats
        return out


class _AnswerReader:
    """Turns the JSON answers for one document's chunks into entity and event mentions."""

    def __init__(self, schema: Schema, stats: GenerationStats, keep_unknown: bool) -> None:
        self.schema, self.stats, self.keep_unknown = schema, stats, keep_unknown
        self.types = {e.name: e for e in schema.event_types}
        self.mention_types = set(schema.mention_type_names)
        self.entities: dict[tuple[int, int, str], EntityMention] = {}
        self.events: list[tuple[Span, str, str | None, list[tuple[str, str, tuple[int, int] | None, str | None]]]] = []

    def read(self, content: str, chunk: Chunk) -> None:
        try:
            answer = parse_json_answer(content)
        except LLMError:
            self.stats.dropped["answer:malformed"] += 1
            return
        items = answer.get("events") if isinstance(answer, dict) else answer if isinstance(answer, list) else None
        if not isinstance(items, list):
            self.stats.dropped["answer:malformed"] += 1
            return
        for item in items:
            self._read_event(item, chunk)

    def _read_event(self, item: Any, chunk: Chunk) -> None:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str) or not isinstance(item.get("trigger"), str):
            self.stats.dropped["event:malformed"] += 1
            return
        etype = item["type"]
        if etype not in self.types:
            self.stats.unknown["event_types"][etype] += 1
            if not self.keep_unknown:
                return
        context = item.get("context") if isinstance(item.get("context"), str) else None
        found = anchor(chunk.text, item["trigger"], context=context)
        if not found.found:
            self.stats.dropped[f"trigger:{found.reason}"] += 1
            return
        start, end = found.span[0] + chunk.start, found.span[1] + chunk.start
        realis = item.get("realis")
        if realis is not None and realis not in self.schema.realis:
            self.stats.unknown["realis"][str(realis)] += 1
            realis = None
        arguments = []
        for argument in item.get("arguments") or []:
            read = self._read_argument(argument, etype, chunk, found.span[0])
            if read is not None:
                arguments.append(read)
        self.events.append((Span(start, end, chunk.text[found.span[0]:found.span[1]]), etype, realis, arguments))

    def _read_argument(self, argument: Any, etype: str, chunk: Chunk, near: int):
        if not isinstance(argument, dict) or not isinstance(argument.get("role"), str) or not isinstance(argument.get("text"), str):
            self.stats.dropped["argument:malformed"] += 1
            return None
        role_name = argument["role"]
        event_type = self.types.get(etype)
        role = next((r for r in event_type.roles if r.name == role_name), None) if event_type else None
        if role is None:
            self.stats.unknown["roles"][f"{etype}.{role_name}"] += 1
            if not self.keep_unknown:
                return None
        found = anchor(chunk.text, argument["text"], near=near)
        if not found.found:
            self.stats.dropped[f"argument:{found.reason}"] += 1
            return None
        span = (found.span[0] + chunk.start, found.span[1] + chunk.start)
        entity_type = argument.get("entity_type") if isinstance(argument.get("entity_type"), str) else None
        if entity_type is not None and entity_type not in self.mention_types:
            self.stats.unknown["entity_types"][entity_type] += 1
            entity_type = entity_type if self.keep_unknown else None
        return role_name, chunk.text[found.span[0]:found.span[1]], span, entity_type

    def mentions(self) -> dict[str, tuple]:
        """The entities and events read so far, ids in text order, event-valued arguments resolved."""
        triggers = {span.offsets: index for index, (span, *_) in enumerate(self.events)}
        resolved: list[list[tuple[str, Any]]] = []
        for span, etype, _, arguments in self.events:
            roles = {r.name: r for r in self.types[etype].roles} if etype in self.types else {}
            out = []
            for role_name, text, at, entity_type in arguments:
                role = roles.get(role_name)
                if role is not None and role.event_valued and at in triggers and triggers[at] != triggers[span.offsets]:
                    out.append((role_name, ("event", triggers[at])))
                    continue
                admitted = role.entity_types if role is not None else ()
                if entity_type is None or (role is not None and entity_type not in admitted):
                    if not admitted:
                        self.stats.dropped["argument:no_filler_type"] += 1
                        continue
                    if entity_type is not None and not self.keep_unknown:
                        self.stats.dropped["argument:type_not_admitted"] += 1
                        continue
                    entity_type = entity_type or admitted[0]
                key = (at[0], at[1], entity_type)
                self.entities.setdefault(key, EntityMention("", entity_type, at[0], at[1], text))
                out.append((role_name, ("entity", key)))
            resolved.append(out)

        entity_ids = {key: f"T{i}" for i, key in enumerate(sorted(self.entities), start=1)}
        entities = tuple(replace(m, id=entity_ids[k]) for k, m in sorted(self.entities.items()))
        order = sorted(range(len(self.events)), key=lambda i: (self.events[i][0].start, self.events[i][0].end, self.events[i][1]))
        first: dict[tuple[tuple[int, int], str], int] = {}   # (trigger, type) -> the mention kept for it
        for index in order:
            span, etype = self.events[index][0], self.events[index][1]
            if (span.offsets, etype) in first:
                self.stats.dropped["event:duplicate"] += 1
            first.setdefault((span.offsets, etype), index)
        kept = [i for i in order if first[(self.events[i][0].offsets, self.events[i][1])] == i]
        kept_ids = {index: f"E{n}" for n, index in enumerate(kept, start=1)}
        event_ids = {i: kept_ids[first[(self.events[i][0].offsets, self.events[i][1])]] for i in order}
        events = []
        for index in kept:
            span, etype, realis, _ = self.events[index]
            arguments = tuple(
                Argument(role, event=event_ids[target]) if kind == "event" else Argument(role, entity=entity_ids[target])
                for role, (kind, target) in dict.fromkeys(resolved[index])
            )
            events.append(EventMention(event_ids[index], etype, span, arguments, realis))
        return {"entities": entities, "events": tuple(events)}
