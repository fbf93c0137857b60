"""A small client of the OpenAI Chat Completions protocol over plain HTTP (no vendor SDK).

It speaks ``POST {base_url}/chat/completions`` to any compatible server (a hosted API, vLLM, llama.cpp's
server, Ollama) and adds what a benchmark run needs:

* deterministic settings by default (``temperature`` 0, a ``seed``);
* a structured-output request (``response_format`` with a JSON schema) that falls back, once per client,
  to plain text when the server refuses it (HTTP 400/404/422 naming ``response_format``, or any 400/422 to a
  request that carried it);
* retries with exponential backoff and jitter on 429, 5xx, timeouts and connection errors, honouring
  ``Retry-After``; after the last try a :class:`LLMError` says what happened;
* the API key is sent as ``Authorization: Bearer ...`` and never appears in any message, repr or record:
  :func:`redact` removes it from everything this module returns or raises.

Example
-------
>>> client = ChatClient("http://127.0.0.1:8000/v1", model="qwen2.5-0.5b-instruct")   # doctest: +SKIP
>>> reply = client.complete([{"role": "user", "content": "Hi"}])                      # doctest: +SKIP
>>> reply.content, reply.prompt_tokens, reply.completion_tokens                      # doctest: +SKIP
"""

from __future__ import annotations

import email.utils
import json
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from newsevents.errors import NewsEventsError

#: HTTP statuses worth another try: rate limits and server errors.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
#: Longest wait between two tries, in seconds (Retry-After included).
MAX_WAIT = 60.0


class LLMError(NewsEventsError):
    """A chat request that failed for good (after every retry), or an answer that is not usable."""


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` (the API key) replaced by ``***``."""
    return text.replace(secret, "***") if secret else text


@dataclass(frozen=True)
class ChatReply:
    """One answer: its text, token usage (as the server reported it; 0 when it did not) and timing."""

    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    attempts: int = 1
    structured: bool = False


@dataclass
class ChatClient:
    """A Chat Completions endpoint with one model and fixed generation settings.

    Parameters
    ----------
    base_url : str
        The API root, e.g. ``http://127.0.0.1:8000/v1`` (``/chat/completions`` is appended).
    model : str
        The model name the server knows.
    api_key : str, optional
        Sent as a bearer token; never printed, logged or stored.
    timeout : float, default 120.0
        Seconds to wait for one answer.
    retries : int, default 4
        Further tries after the first, on 429/5xx/timeouts/connection errors.
    backoff : float, default 1.0
        Seconds before the first retry; doubled each time, with up to 50% random jitter.
    temperature : float, default 0.0
    seed : int or None, default 0
        Sent when not None (servers that take one are then reproducible).
    max_tokens : int or None, default None
    """

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 120.0
    retries: int = 4
    backoff: float = 1.0
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int | None = None
    #: False once the server has refused ``response_format``: later requests go without it.
    structured_output: bool = True
    sleep: Any = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise LLMError(f"--base-url {self.base_url!r} must start with http:// or https://")
        self.base_url = self.base_url.rstrip("/")
        if self.retries < 0 or self.timeout <= 0:
            raise LLMError("retries must be >= 0 and timeout > 0")

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"

    def settings(self) -> dict[str, Any]:
        """The generation settings sent with every request (part of the cache key)."""
        return {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens}

    def body(self, messages: list[dict[str, str]], json_schema: dict[str, Any] | None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.seed is not None:
            body["seed"] = self.seed
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        if json_schema is not None and self.structured_output:
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "events", "schema": json_schema, "strict": False}}
        return body

    def complete(self, messages: list[dict[str, str]], json_schema: dict[str, Any] | None = None) -> ChatReply:
        """Send one chat request (retrying as documented) and return the first choice's text."""
        started = time.perf_counter()
        attempts = 0
        while True:
            body = self.body(messages, json_schema)
            structured = "response_format" in body
            attempts += 1
            try:
                status, payload, headers = self._post(body)
            except (TimeoutError, socket.timeout, urllib.error.URLError, ConnectionError, OSError) as err:
                reason = getattr(err, "reason", err)
                if attempts > self.retries:
                    raise LLMError(self._say(f"no answer from {self.endpoint} after {attempts} tries ({reason})")) from None
                self.sleep(self._wait(attempts, None))
                continue
            if status == 200:
                return self._reply(payload, time.perf_counter() - started, attempts, structured)
            text = payload.decode("utf-8", "replace")
            if structured and status in (400, 404, 422):
                # The server does not take structured output: ask for plain JSON text from now on.
                self.structured_output = False
                attempts -= 1
                continue
            if status in RETRY_STATUSES and attempts <= self.retries:
                self.sleep(self._wait(attempts, headers.get("Retry-After")))
                continue
            tries = f" after {attempts} tries" if attempts > 1 else ""
            raise LLMError(self._say(f"{self.endpoint} answered HTTP {status}{tries}: {_one_line(text)}"))

    def _post(self, body: dict[str, Any]) -> tuple[int, bytes, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.endpoint, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the user's URL)
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before try ``attempt + 1``: ``Retry-After`` when given, else backoff with jitter."""
        if retry_after:
            try:
                return min(MAX_WAIT, max(0.0, float(retry_after)))
            except ValueError:
                moment = email.utils.parsedate_to_datetime(retry_after)
                if moment is not None:
                    return min(MAX_WAIT, max(0.0, moment.timestamp() - time.time()))
        return min(MAX_WAIT, self.backoff * 2 ** (attempt - 1) * (1 + 0.5 * random.random()))

    def _reply(self, payload: bytes, seconds: float, attempts: int, structured: bool) -> ChatReply:
        try:
            data = json.loads(payload)
            content = data["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError(self._say(f"{self.endpoint} answered 200 but not a chat completion: {_one_line(payload.decode('utf-8', 'replace'))}")) from None
        usage = data.get("usage") or {}
        return ChatReply(content, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                         seconds, attempts, structured)

    def _say(self, message: str) -> str:
        return redact(message, self.api_key)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def parse_json_answer(content: str) -> Any:
    """The JSON value in a model's answer: the whole text, a fenced block, or the first balanced object.

    Raises :class:`LLMError` when there is none.
    """
    text = content.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    if "```" in text:
        for block in text.split("```")[1::2]:
            block = block.split("\n", 1)[1] if block.lstrip().lower().startswith("json") else block
            try:
                return json.loads(block)
            except ValueError:
                continue
    decoder = json.JSONDecoder()
    for start, char in enumerate(text):
        if char in "{[":
            try:
                return decoder.raw_decode(text, start)[0]
            except ValueError:
                continue
    raise LLMError(f"the answer holds no JSON: {_one_line(content, 120)!r}")
