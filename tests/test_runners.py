"""Runners, each run for real: a Python extractor, a subprocess, an HTTP server on 127.0.0.1, a file."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

from helpers import write_jsonl
from fixtures import toy_extractor
from fixtures.toy_extractor import tag
from fixtures.toy_gold import gold_documents
from fixtures.toy_server import serve
from newsevents.errors import NewsEventsError
import newsevents.baselines  # noqa: F401  (registers the baseline runner, as the CLI does)
import newsevents.llm  # noqa: F401  (registers the llm runner)
from newsevents.extractors import (
    RUNNERS, Command, HttpEndpoint, PredictionsFile, PythonExtractor, make_runner, run_extractor, strip_gold,
)
from newsevents.eval.score import score

FIXTURES = Path(__file__).parent / "fixtures"
TOY_COMMAND = f"{sys.executable} {FIXTURES / 'toy_command.py'}"


@pytest.fixture()
def gold():
    return gold_documents()


@pytest.fixture(autouse=True)
def _clear_seen():
    toy_extractor.SEEN.clear()


def _expected(gold):
    return [tag(strip_gold(d)) for d in gold]


def _events(predictions):
    return {d.id: [(e.type, e.trigger) for e in d.events] for d in predictions}


def test_registry_names_and_closest_name_suggestion():
    assert RUNNERS.names() == ["baseline", "command", "http", "llm", "predictions", "python"]
    with pytest.raises(NewsEventsError, match=r"unknown runner 'comand'; available: baseline, command, http, llm, predictions, python; did you mean 'command'\?"):
        make_runner("comand", "true")
    with pytest.raises(NewsEventsError, match=r"the python runner takes no option 'timeout'; valid: none"):
        make_runner("python", "fixtures.toy_extractor:extract", timeout=3)
    with pytest.raises(NewsEventsError, match=r"the http runner takes no option 'retry'; did you mean 'retries'\? valid: timeout, retries, batch_size, backoff"):
        make_runner("http", "http://127.0.0.1:9/", retry=3)
    with pytest.raises(NewsEventsError, match=r"the python runner takes no option 'timeout'"):
        make_runner("python", "fixtures.toy_extractor:extract", timeout=3)
    # None means "the runner's default", so the CLI can pass every option it has.
    assert isinstance(make_runner("python", "fixtures.toy_extractor:extract", timeout=None, retries=None), PythonExtractor)


@pytest.mark.parametrize("spec", ["fixtures.toy_extractor:ToyExtractor", "fixtures.toy_extractor:extract"])
def test_python_extractor_class_or_function_never_sees_gold(gold, spec):
    assert any(d.events for d in gold) and any(d.entities for d in gold)
    result = run_extractor(PythonExtractor(spec), gold)
    assert _events(result.predictions) == _events(_expected(gold))
    assert [d.id for d in toy_extractor.SEEN] == ["d-arrest", "d-attack"]
    assert all(not d.events and not d.entities for d in toy_extractor.SEEN)
    assert [d.text for d in toy_extractor.SEEN] == [d.text for d in gold]
    assert result.runner["name"] == "python" and result.runner["extractor"] == spec
    assert result.stderr is None and result.seconds > 0 and result.documents_per_second == pytest.approx(2 / result.seconds)


def test_python_extractor_peak_memory_is_what_predict_allocates(gold):
    lean = run_extractor(PythonExtractor("fixtures.toy_extractor:extract"), gold)
    hungry = run_extractor(PythonExtractor("fixtures.toy_extractor:hungry"), gold)
    assert lean.peak_memory_mb < 1
    assert 32 <= hungry.peak_memory_mb < 33
    assert hungry.runner["peak_memory"].startswith("tracemalloc")


@pytest.mark.parametrize(("kind", "target", "message"), [
    ("python", "fixtures.toy_extractor", r"must be 'module:attr'"),
    ("python", "fixtures.no_such_module:x", r"cannot import 'fixtures.no_such_module'"),
    ("python", "fixtures.toy_extractor:extrat", r"has no attribute 'extrat' .*did you mean 'extract'\?"),
    ("python", "fixtures.toy_extractor:PATTERN", r"is a Pattern: neither callable nor an object with predict"),
    ("python", "fixtures.toy_extractor:broken", r"extractor 'fixtures.toy_extractor:broken' raised RuntimeError: the model file is missing"),
    ("python", "fixtures.toy_extractor:returns_junk", r"^output of extractor 'fixtures.toy_extractor:returns_junk':3: expected a document"),
    ("command", "", r"the command is empty"),
    ("command", "'unbalanced", r"cannot split command"),
    ("command", "/no/such/extractor --fast", r"cannot run command '/no/such/extractor --fast'"),
    ("http", "127.0.0.1:8000", r"URL '127.0.0.1:8000' must start with http:// or https://"),
])
def test_runner_errors_say_what_and_where(gold, kind, target, message):
    with pytest.raises(NewsEventsError, match=message):
        run_extractor(make_runner(kind, target), gold)


def test_command_runs_a_real_subprocess_and_keeps_its_stderr(gold):
    # The script exits 4 if it reads a document with gold annotations.
    result = run_extractor(Command(f"{TOY_COMMAND} --allocate 40", timeout=30), gold)
    assert _events(result.predictions) == _events(_expected(gold))
    assert result.stderr == "toy: read 2 documents"
    assert 40 <= result.peak_memory_mb < 100
    assert result.runner["peak_memory"].startswith("VmHWM")
    assert result.runner == {"name": "command", "command": f"{TOY_COMMAND} --allocate 40", "timeout": 30,
                             "peak_memory": result.runner["peak_memory"]}


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="peak memory of commands is read from /proc")
def test_command_peak_memory_is_the_commands_not_this_processes(gold):
    # On Linux a child's ru_maxrss (wait4, RUSAGE_CHILDREN) would include this process's 300 MiB.
    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])
    lean = run_extractor(Command(TOY_COMMAND), gold)
    del ballast
    assert 5 < lean.peak_memory_mb < 100
    # A descendant counts: the shell forks the toy (the `; true` keeps it from exec'ing it in place).
    nested = run_extractor(Command(f"sh -c '{TOY_COMMAND} --allocate 150; true'"), gold)
    assert 150 <= nested.peak_memory_mb < 250
    assert _events(nested.predictions) == _events(_expected(gold))


def test_command_timeout_kills_it(gold):
    started = time.monotonic()
    with pytest.raises(NewsEventsError, match=r"timed out after 0.5 s and was killed"):
        run_extractor(Command(f"{TOY_COMMAND} --sleep 30", timeout=0.5), gold)
    assert time.monotonic() - started < 10


def test_command_failure_shows_the_end_of_stderr_on_one_line(gold):
    with pytest.raises(NewsEventsError) as caught:
        run_extractor(Command(f"{TOY_COMMAND} --fail"), gold)
    assert str(caught.value).endswith("exited with status 3; stderr: toy: read 2 documents | toy: model file missing")


def test_command_malformed_stdout_line_is_named(gold):
    with pytest.raises(NewsEventsError) as caught:
        run_extractor(Command(f"{TOY_COMMAND} --garbage"), gold)
    assert str(caught.value) == (f"stdout of command '{TOY_COMMAND} --garbage':2: "
                                 "malformed JSON: Expecting property name enclosed in double quotes at column 2")


@pytest.mark.parametrize("behaviour", ["ok", "list"])
def test_http_endpoint_in_batches_never_sees_gold(gold, behaviour):
    with serve(behaviour) as endpoint:
        result = run_extractor(HttpEndpoint(endpoint.url, batch_size=1, timeout=5), gold)
    assert _events(result.predictions) == _events(_expected(gold))
    assert [[d["id"] for d in r["documents"]] for r in endpoint.requests] == [["d-arrest"], ["d-attack"]]
    assert all(not d["events"] and not d["entities"] for r in endpoint.requests for d in r["documents"])
    assert result.peak_memory_mb is None and result.runner["peak_memory"].startswith("not measured")


def test_http_endpoint_retries_5xx_with_backoff(gold):
    with serve("flaky") as endpoint:
        result = run_extractor(HttpEndpoint(endpoint.url, retries=2, backoff=0.01, timeout=5), gold)
    assert endpoint.statuses == [503, 503, 200]
    assert _events(result.predictions) == _events(_expected(gold))


def test_http_endpoint_gives_up_after_the_retries(gold):
    with serve("down") as endpoint, pytest.raises(NewsEventsError) as caught:
        run_extractor(HttpEndpoint(endpoint.url, retries=1, backoff=0.01, timeout=5), gold)
    assert endpoint.statuses == [503, 503]
    assert str(caught.value) == f'{endpoint.url} answered HTTP 503 Service Unavailable after 2 attempts: {{"error": "model loading"}}'


def test_http_endpoint_does_not_retry_a_client_error(gold):
    with serve("bad-request") as endpoint, pytest.raises(NewsEventsError, match=r"answered HTTP 400 Bad Request: .*must be a list"):
        run_extractor(HttpEndpoint(endpoint.url, retries=3, backoff=0.01, timeout=5), gold)
    assert endpoint.statuses == [400]


def test_http_endpoint_that_hangs_times_out(gold):
    started = time.monotonic()
    with serve("hang") as endpoint, pytest.raises(NewsEventsError) as caught:
        run_extractor(HttpEndpoint(endpoint.url, timeout=0.5, retries=3, backoff=0.01), gold)
    assert str(caught.value) == f"{endpoint.url} did not answer within the timeout of 0.5 s"
    assert time.monotonic() - started < 5 and len(endpoint.requests) == 1  # a timeout is not retried


def test_http_endpoint_connection_refused_is_retried_then_reported(gold):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NewsEventsError, match=rf"cannot reach http://127.0.0.1:{port}/ after 3 attempts: .*refused"):
        run_extractor(HttpEndpoint(f"http://127.0.0.1:{port}/", retries=2, backoff=0.01, timeout=5), gold)


def test_predictions_file_runner(gold, tmp_path):
    path = write_jsonl(tmp_path / "pred.jsonl", [d.to_dict() for d in _expected(gold)])
    result = run_extractor(PredictionsFile(path), gold)
    assert _events(result.predictions) == _events(_expected(gold))
    assert result.runner["path"] == str(path) and result.peak_memory_mb is None


def test_every_runner_gives_the_same_scores(gold, tmp_path):
    path = write_jsonl(tmp_path / "pred.jsonl", [d.to_dict() for d in _expected(gold)])
    with serve() as endpoint:
        runners = [PredictionsFile(path), PythonExtractor("fixtures.toy_extractor:ToyExtractor"),
                   Command(TOY_COMMAND, timeout=30), HttpEndpoint(endpoint.url, timeout=5)]
        reports = [score(gold, run_extractor(r, gold).predictions, bootstrap=0).to_dict()["metrics"] for r in runners]
    assert all(r == reports[0] for r in reports)
    assert (reports[0]["TC"]["precision"], reports[0]["TC"]["recall"], reports[0]["TC"]["f1"]) == (0.5, 0.25, 1 / 3)
