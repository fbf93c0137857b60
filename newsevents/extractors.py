"""Any extractor behind one interface: ``run_extractor(runner, documents) -> RunResult``.

A runner is a small object that turns documents into predicted documents. Four kinds are
registered by name (:data:`RUNNERS`; :func:`make_runner` builds one and suggests the closest name
for an unknown one):

========================  ============================================================================
``predictions``           :class:`PredictionsFile`: a predictions JSONL file made earlier.
``python``                :class:`PythonExtractor`: ``"module:attr"``, an object with ``predict`` or a callable.
``command``               :class:`Command`: a command (no shell), documents JSONL on stdin, predictions on stdout.
``http``                  :class:`HttpEndpoint`: POST ``{"documents": [...]}``, answer ``{"predictions": [...]}``.
========================  ============================================================================

:func:`run_extractor` strips the gold annotations (entities and events) from the documents before
any runner sees them, times the run, and returns the predictions with the run facts.

Peak memory (``RunResult.peak_memory_mb``, MiB) means something different per runner, and each says
what in ``RunResult.runner["peak_memory"]``: ``python`` counts allocations through Python's allocators
while ``predict`` runs (``tracemalloc``: NumPy yes, PyTorch tensors no); ``command`` samples the largest
``VmHWM`` of the command's process tree every :attr:`Command.POLL` seconds (Linux; ``ru_maxrss`` would
report this process's own peak); ``predictions`` and ``http`` measure nothing (``None``).

Example
-------
>>> result = run_extractor(make_runner("python", "mypackage.extractors:RuleBased"), gold)  # doctest: +SKIP
>>> result.documents_per_second, result.peak_memory_mb                                     # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import http.client
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from newsevents.errors import suggest
from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.formats.loading import document_from_record, load_predictions
from newsevents.jsonl import dumps, read_records
from newsevents.registry import Registry, check_options, keyword_options

#: Bytes in a MiB, the unit of ``peak_memory_mb``.
MIB = 2**20
#: Where Linux shows each process's memory; without it a command's peak memory is not measured.
PROC = Path("/proc")
#: How much of a command's stderr is kept (the end of it), in characters.
STDERR_KEPT = 20_000
#: How much of stderr or of an HTTP error body goes into an error message, in characters.
ERROR_TAIL = 500


def _tail(text: str, limit: int) -> str:
    """The last ``limit`` characters of ``text``, saying how many were cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} characters cut]\n{text[-limit:]}"


def _one_line(text: str) -> str:
    """The end of ``text`` (:data:`ERROR_TAIL` characters) on one line, its lines joined by `` | ``."""
    return " | ".join(line.strip() for line in _tail(text, ERROR_TAIL).splitlines() if line.strip()) or "(empty)"


@dataclass(frozen=True)
class Output:
    """What a runner returns: the predictions, the extractor's stderr, its peak memory in MiB, and for a
    generative extractor its ``generation`` record (requests, tokens, time, dropped quotes; JSON-ready)."""

    predictions: list[Document]
    stderr: str | None = None
    peak_memory_mb: float | None = None
    generation: dict[str, Any] | None = None


class Runner(ABC):
    """An extractor behind one interface.

    Subclasses set :attr:`name` (by :func:`register`), :attr:`peak_memory` (what their peak memory
    number measures) and implement :meth:`run` and :meth:`describe`.
    """

    name: ClassVar[str]
    #: What ``peak_memory_mb`` measures for this runner, written into the report.
    peak_memory: ClassVar[str]

    @abstractmethod
    def run(self, documents: Sequence[Document]) -> Output:
        """Predictions for ``documents`` (already stripped of gold)."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """The runner's identity and options, JSON-ready, for the report."""


#: Registered runners by name (``@register("name")`` on a :class:`Runner` subclass).
RUNNERS: Registry[type[Runner]] = Registry("runner")


def register(name: str) -> Callable[[type[Runner]], type[Runner]]:
    """Class decorator: register a runner under ``name`` (and set its :attr:`Runner.name`)."""

    def decorate(cls: type[Runner]) -> type[Runner]:
        RUNNERS.register(name, cls)
        cls.name = name
        return cls

    return decorate


def make_runner(name: str, target: str, **options: Any) -> Runner:
    """Build the runner ``name`` for ``target`` (a path, ``module:attr``, a command or a URL).

    Options that are ``None`` are left at the runner's default; an option the runner's ``__init__``
    does not take raises naming the options it does take.
    """
    cls = RUNNERS.get(name)
    given = {k: v for k, v in options.items() if v is not None}
    check_options(f"the {name} runner", keyword_options(cls.__init__, skip=2), given)
    return cls(target, **given)


@dataclass(frozen=True)
class RunResult:
    """Predictions of one run and its facts.

    Attributes
    ----------
    predictions : list of Document
    seconds : float
        Wall-clock time of the whole run: for a Python extractor including importing it, for a
        command including starting the process, for an endpoint including the network and JSON.
    documents_per_second : float
        Documents sent divided by ``seconds`` (0.0 when no document was sent).
    peak_memory_mb : float or None
        In MiB; what it measures depends on the runner (see the module docstring and
        ``runner["peak_memory"]``); ``None`` when not measured.
    stderr : str or None
        The end of a command's stderr (:data:`STDERR_KEPT` characters); ``None`` for other runners.
    runner : dict
        The runner's name, target and options, and what its peak memory measures.
    documents : int
        How many documents were sent to the extractor.
    generation : dict or None
        A generative extractor's record (see :class:`Output`); ``None`` for the others.
    """

    predictions: list[Document]
    seconds: float
    documents_per_second: float
    peak_memory_mb: float | None
    stderr: str | None
    runner: dict[str, Any]
    documents: int = 0
    generation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The run facts for ``Report.run`` (everything but the predictions)."""
        return {
            "runner": self.runner,
            "documents": self.documents,
            "predicted": len(self.predictions),
            "seconds": self.seconds,
            "documents_per_second": self.documents_per_second,
            "peak_memory_mb": self.peak_memory_mb,
            "stderr": self.stderr,
            **({"generation": self.generation} if self.generation is not None else {}),
        }


def strip_gold(document: Document) -> Document:
    """The document as an extractor may see it: text, structure and metadata, no entities or events."""
    return replace(document, entities=(), events=())


def run_extractor(runner: Runner, documents: Iterable[Document]) -> RunResult:
    """Run ``runner`` on ``documents`` with their gold annotations removed; time it.

    Returns
    -------
    RunResult
        ``predictions`` as the extractor returned them (validated against gold only when scored).
    """
    inputs = [strip_gold(d) for d in documents]
    started = time.perf_counter()
    output = runner.run(inputs)
    seconds = time.perf_counter() - started
    return RunResult(
        predictions=output.predictions,
        seconds=seconds,
        documents_per_second=len(inputs) / seconds if seconds > 0 and inputs else 0.0,
        peak_memory_mb=output.peak_memory_mb,
        stderr=output.stderr,
        runner={"name": runner.name, **runner.describe(), "peak_memory": runner.peak_memory},
        documents=len(inputs),
        generation=output.generation,
    )


@register("predictions")
class PredictionsFile(Runner):
    """Predictions made earlier, read from a JSONL file (the documents passed in are not used)."""

    peak_memory = "not measured: the predictions were made beforehand"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path)}

    def run(self, documents: Sequence[Document]) -> Output:
        return Output(load_predictions(self.path)[0])


@register("python")
class PythonExtractor(Runner):
    """An extractor imported from ``"module:attr"`` and called in this process.

    ``attr`` (dotted names allowed) may be an object with ``predict(documents)`` (scikit-learn
    style; it is used as it is, fitted or not), a class (instantiated without arguments), or a
    plain callable ``f(documents)``. It returns :class:`Document` objects or dicts of the format.
    The current directory is put on ``sys.path`` first, so a module beside the user's files imports.
    """

    peak_memory = ("tracemalloc: peak of memory allocated through Python's allocators while predict ran, "
                   "above what was allocated when it started; allocations bypassing them (e.g. torch) are not counted")

    def __init__(self, spec: str) -> None:
        module, sep, attr = spec.partition(":")
        if not sep or not module or not attr:
            raise NewsEventsError(f"extractor {spec!r} must be 'module:attr', for example 'mypackage.extractors:RuleBased'")
        self.spec, self.module, self.attr = spec, module, attr

    def describe(self) -> dict[str, Any]:
        return {"extractor": self.spec}

    def load(self) -> Callable[[list[Document]], Any]:
        """The function to call with the documents: ``obj.predict`` or the callable itself."""
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            obj: Any = importlib.import_module(self.module)
        except ImportError as err:
            raise NewsEventsError(f"cannot import {self.module!r} for extractor {self.spec!r}: {err}") from None
        for part in self.attr.split("."):
            if not hasattr(obj, part):
                names = [n for n in dir(obj) if not n.startswith("_")]
                raise NewsEventsError(f"{self.module!r} has no attribute {part!r} for extractor {self.spec!r}; {suggest(part, names)}")
            obj = getattr(obj, part)
        if isinstance(obj, type):
            obj = obj()
        if callable(getattr(obj, "predict", None)):
            return obj.predict
        if callable(obj):
            return obj
        raise NewsEventsError(f"extractor {self.spec!r} is a {type(obj).__name__}: neither callable nor an object with predict(documents)")

    def run(self, documents: Sequence[Document]) -> Output:
        predict = self.load()
        tracing = tracemalloc.is_tracing()
        if not tracing:
            tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        try:
            returned = predict(list(documents))
            peak = tracemalloc.get_traced_memory()[1]
        except NewsEventsError:
            raise
        except Exception as err:
            raise NewsEventsError(f"extractor {self.spec!r} raised {type(err).__name__}: {err}") from err
        finally:
            if not tracing:
                tracemalloc.stop()
        if returned is None or isinstance(returned, (str, bytes, dict, Document)):
            raise NewsEventsError(f"extractor {self.spec!r} returned a {type(returned).__name__}; expected a list of documents")
        source = f"output of extractor {self.spec!r}"
        predictions = [document_from_record(obj, source=source, line=i) for i, obj in enumerate(returned, start=1)]
        return Output(predictions, peak_memory_mb=max(peak - baseline, 0) / MIB)


def _peak_kib(pid: int) -> int:
    """``VmHWM`` of a running process in KiB; 0 when it has gone or exited (a zombie has no memory)."""
    try:
        with open(PROC / str(pid) / "status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its living descendants (from ``/proc/<pid>/task/<tid>/children``)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        try:
            tasks = os.listdir(PROC / str(current) / "task")
        except OSError:
            continue
        for task in tasks:
            try:
                pending += [int(child) for child in (PROC / str(current) / "task" / task / "children").read_text().split()]
            except OSError:
                pass
    return tree


@register("command")
class Command(Runner):
    """A command run without a shell: documents JSONL on its stdin, predictions JSONL on its stdout.

    Parameters
    ----------
    command : str
        Split with :func:`shlex.split` (quote arguments with spaces); run with no shell.
    timeout : float, optional
        Seconds before the command and its process group are killed (default: no limit).

    Notes
    -----
    stderr is captured and kept (its last :data:`STDERR_KEPT` characters). A non-zero exit raises
    with the end of stderr; a stdout line that is not a document raises naming the line.
    """

    peak_memory = ("VmHWM from /proc: the peak resident set size of the largest process of the command's process tree, "
                   "sampled while it runs")
    #: Seconds between checks whether the command has ended (and samples of its memory).
    POLL = 0.005

    def __init__(self, command: str, timeout: float | None = None) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as err:
            raise NewsEventsError(f"cannot split command {command!r}: {err}") from None
        if not self.argv:
            raise NewsEventsError("the command is empty")
        self.command, self.timeout = command, timeout

    def describe(self) -> dict[str, Any]:
        return {"command": self.command, "timeout": self.timeout}

    def run(self, documents: Sequence[Document]) -> Output:
        with tempfile.TemporaryDirectory(prefix="newsevents-command-") as folder:
            stdin, stdout, stderr = (Path(folder) / name for name in ("stdin.jsonl", "stdout.jsonl", "stderr.txt"))
            stdin.write_text("".join(dumps(d.to_dict()) + "\n" for d in documents), encoding="utf-8")
            with stdin.open("rb") as i, stdout.open("wb") as o, stderr.open("wb") as e:
                status, peak_kib = self._wait(i, o, e)
            err_text = stderr.read_text(encoding="utf-8", errors="replace")
            if status != 0:
                how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
                raise NewsEventsError(f"command {self.command!r} {how}; stderr: {_one_line(err_text)}")
            source = f"stdout of command {self.command!r}"
            predictions = [document_from_record(obj, source=source, line=n) for n, obj in self._records(stdout, source)]
        peak = None if peak_kib is None else peak_kib * 1024 / MIB
        return Output(predictions, stderr=_tail(err_text, STDERR_KEPT), peak_memory_mb=peak)

    def _wait(self, stdin: Any, stdout: Any, stderr: Any) -> tuple[int, int | None]:
        """Start the command and wait for it, sampling its memory; returns its status and peak in KiB (``None``: not seen).

        After the timeout its process group (its own session) is killed.
        """
        try:
            process = subprocess.Popen(self.argv, stdin=stdin, stdout=stdout, stderr=stderr, start_new_session=True)
        except OSError as err:
            raise NewsEventsError(f"cannot run command {self.command!r}: {err.strerror or err}") from None
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        measured = PROC.joinpath("self", "status").is_file()
        peak_kib = 0
        while True:
            if measured:
                peak_kib = max(peak_kib, *(_peak_kib(pid) for pid in _process_tree(process.pid)))
            if process.poll() is not None:
                return process.returncode, peak_kib or None
            if deadline is not None and time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise NewsEventsError(f"command {self.command!r} timed out after {self.timeout:g} s and was killed")
            time.sleep(self.POLL)

    @staticmethod
    def _records(stdout: Path, source: str) -> list[tuple[int, dict[str, Any]]]:
        """The JSON objects of the command's stdout; a malformed line raises naming the line."""
        try:
            return list(read_records(stdout))
        except NewsEventsError as err:
            raise NewsEventsError(err.message, file=source, line=err.line) from None


@register("http")
class HttpEndpoint(Runner):
    """An extractor behind an HTTP endpoint: POST ``{"documents": [...]}`` in batches.

    The answer is ``{"predictions": [...]}`` or a bare list of documents (dicts of the format).

    Parameters
    ----------
    url : str
    timeout : float, default 60
        Seconds to wait for each answer. A timeout is not retried: it raises at once.
    retries : int, default 3
        Further attempts after a connection error or a 5xx answer, waiting ``backoff * 2**attempt``
        seconds before each. A 4xx answer raises at once.
    batch_size : int, default 16
        Documents per request.
    backoff : float, default 0.5
        Seconds before the first retry.
    """

    peak_memory = "not measured: the extractor runs behind the endpoint"

    def __init__(self, url: str, timeout: float = 60.0, retries: int = 3, batch_size: int = 16, backoff: float = 0.5) -> None:
        if not url.startswith(("http://", "https://")):
            raise NewsEventsError(f"URL {url!r} must start with http:// or https://")
        if batch_size < 1 or retries < 0:
            raise NewsEventsError(f"batch_size must be at least 1 and retries at least 0, got {batch_size} and {retries}")
        self.url, self.timeout, self.retries, self.batch_size, self.backoff = url, timeout, retries, batch_size, backoff

    def describe(self) -> dict[str, Any]:
        return {"url": self.url, "timeout": self.timeout, "retries": self.retries, "batch_size": self.batch_size}

    def run(self, documents: Sequence[Document]) -> Output:
        predictions: list[Document] = []
        for first in range(0, len(documents), self.batch_size):
            batch = documents[first:first + self.batch_size]
            source = f"answer of {self.url} to documents {first + 1}-{first + len(batch)}"
            answer = self._post(json.dumps({"documents": [d.to_dict() for d in batch]}, ensure_ascii=False).encode("utf-8"))
            predictions += [document_from_record(obj, source=source, line=i) for i, obj in enumerate(self._items(answer), start=1)]
        return Output(predictions)

    def _post(self, body: bytes) -> bytes:
        """POST with retries; returns the answer's body."""
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return answer.read()
            except urllib.error.HTTPError as err:
                if err.code < 500 or last:
                    detail = _one_line(err.read().decode("utf-8", errors="replace"))
                    raise NewsEventsError(f"{self.url} answered HTTP {err.code} {err.reason}"
                                          f"{f' after {attempt + 1} attempts' if attempt else ''}: {detail}") from None
            except TimeoutError:
                raise self._timed_out() from None
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as err:
                reason = getattr(err, "reason", err)
                if isinstance(reason, TimeoutError):
                    raise self._timed_out() from None
                if last:
                    raise NewsEventsError(f"cannot reach {self.url} after {attempt + 1} attempts: {reason}") from None
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _timed_out(self) -> NewsEventsError:
        return NewsEventsError(f"{self.url} did not answer within the timeout of {self.timeout:g} s")

    def _items(self, body: bytes) -> list[Any]:
        try:
            answer = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise NewsEventsError(f"{self.url} answered with something that is not JSON ({err}): {body[:200]!r}") from None
        if isinstance(answer, dict) and isinstance(answer.get("predictions"), list):
            return answer["predictions"]
        if isinstance(answer, list):
            return answer
        raise NewsEventsError(f"{self.url} answered {type(answer).__name__} {_tail(str(answer), 200)}; "
                              'expected {"predictions": [...]} or a list of documents')


__all__ = ["RUNNERS", "Command", "HttpEndpoint", "Output", "PredictionsFile", "PythonExtractor", "RunResult", "Runner",
           "make_runner", "register", "run_extractor", "strip_gold"]
