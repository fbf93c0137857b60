"""The harness runner ``llm``: ``newsevents eval run ... --llm MODEL --base-url URL``.

Importing :mod:`newsevents.llm` registers it in :data:`newsevents.extractors.RUNNERS` (the upper layer
plugs into the lower layer's registry, as the baselines do); the top-level CLI imports the package.
Its :class:`~newsevents.extractors.Output` carries the generation record (requests, tokens, time,
dropped quotes, labels outside the ontology, cost when prices are given) that the report shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsevents.document import Document
from newsevents.extractors import RUNNERS, Output, Runner
from newsevents.llm.extractor import LLMExtractor


class LLMRunner(Runner):
    """A chat model behind an OpenAI-compatible endpoint (see :class:`~newsevents.llm.LLMExtractor`).

    ``train`` is the dataset folder whose train split gives the few-shot examples (only with ``shots``);
    ``price_prompt`` / ``price_completion`` are currency units per million tokens, for the report's cost.
    """

    peak_memory = "not measured: the model runs behind the endpoint"

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None, shots: int = 0,
                 concurrency: int = 4, timeout: float = 120.0, retries: int = 4, cache_dir: str | None = None,
                 use_cache: bool = True, keep_unknown: bool = False, guidelines: bool = False,
                 train: str | None = None, price_prompt: float | None = None, price_completion: float | None = None) -> None:
        self.extractor = LLMExtractor(model, base_url, api_key, shots=shots, concurrency=concurrency, timeout=timeout,
                                      retries=retries, cache_dir=cache_dir, use_cache=use_cache,
                                      keep_unknown=keep_unknown, guidelines=guidelines)
        self.train, self.prices = train, (price_prompt, price_completion)

    def describe(self) -> dict[str, Any]:
        e = self.extractor
        return {"model": e.model, "base_url": e.base_url, "shots": e.shots, "concurrency": e.concurrency,
                "temperature": e.temperature, "seed": e.seed, "cache": e.use_cache, "keep_unknown": e.keep_unknown,
                "guidelines": e.guidelines, "shots_from": f"{self.train} (train split)" if e.shots else None}

    def run(self, documents: Sequence[Document]) -> Output:
        if self.extractor.shots:
            from newsevents.formats.loading import load_gold

            if self.train is None:
                from newsevents.errors import NewsEventsError

                raise NewsEventsError("--shots needs the dataset folder whose train split gives the examples")
            self.extractor.fit(load_gold(Path(self.train), split="train"))
        predictions = self.extractor.predict(documents)
        generation = self.extractor.stats_.to_dict(price_prompt=self.prices[0], price_completion=self.prices[1])
        return Output(predictions, generation=generation)


if "llm" not in RUNNERS:
    RUNNERS.register("llm", LLMRunner)
    LLMRunner.name = "llm"
