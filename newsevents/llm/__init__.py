"""Large language models as extractors of the harness, over the OpenAI Chat Completions protocol.

:mod:`.client` (HTTP, retries, structured output), :mod:`.cache` (answers on disk), :mod:`.prompts`
(templates filled from the ontology, few-shot examples from the train split), :mod:`.anchoring` (quotes to
offsets) and :mod:`.extractor` (:class:`LLMExtractor`, which puts them together).
"""

from newsevents.llm.extractor import GenerationStats, LLMExtractor

__all__ = ["GenerationStats", "LLMExtractor"]

# Registers the ``llm`` runner of the harness (newsevents eval run --llm MODEL).
from newsevents.llm import runner as _runner  # noqa: E402,F401
