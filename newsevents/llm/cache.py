"""An on-disk cache of chat answers, so that a rerun costs nothing.

The key is the sha256 of (endpoint, model, messages, settings, structured-output schema): any change
to the prompt, the model or a generation setting is a different key. The API key is never part of
the key nor of the file. One JSON file per answer, written atomically, in two-character shards::

    CACHE_DIR/ab/abcdef...json   {"key_fields": {...}, "content": "...", "prompt_tokens": n, ...}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from newsevents.jsonl import atomic_write
from newsevents.llm.client import ChatReply

#: Bump when the file layout changes: older entries are then ignored, never misread.
CACHE_FORMAT = 1


def cache_key(endpoint: str, model: str, messages: list[dict[str, str]], settings: dict[str, Any],
              json_schema: dict[str, Any] | None) -> str:
    """The sha256 hex digest that names one request."""
    fields = {"format": CACHE_FORMAT, "endpoint": endpoint, "model": model, "messages": messages,
              "settings": settings, "schema": json_schema}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class AnswerCache:
    """Chat answers by :func:`cache_key`, under ``directory`` (created on first write)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> ChatReply | None:
        """The cached answer, or None (also for an unreadable or older-format entry)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("format") != CACHE_FORMAT:
            return None
        return ChatReply(data["content"], data.get("prompt_tokens", 0), data.get("completion_tokens", 0),
                         data.get("seconds", 0.0), 1, data.get("structured", False))

    def put(self, key: str, reply: ChatReply) -> None:
        with atomic_write(self._path(key)) as handle:
            json.dump({"format": CACHE_FORMAT, "content": reply.content, "prompt_tokens": reply.prompt_tokens,
                       "completion_tokens": reply.completion_tokens, "seconds": reply.seconds,
                       "structured": reply.structured}, handle, ensure_ascii=False)
