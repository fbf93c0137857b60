"""Issue #8: no input destroys data or prints a traceback (the evaluation and format side).

* Gold is checked before it is trusted (``eval score``, ``run``, ``compare``), realis is a label like
  the others, agreement without a common document is an error, an empty predictions file and gold
  without events are warnings in the report and on the terminal.
* Inputs that crashed with a traceback (nesting 100,000 deep, a lone surrogate escape, negative
  numbers of resamples, workers or bytes) give one error line naming the file or the flag, and a
  non-zero exit; the good files of a multi-file ingest are still ingested.
* A property: random bytes and random JSON values as input lines make ingest, validate and score
  raise nothing but the project's own errors.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.toy_gold import gold_dicts, gold_documents, segmented_gold_documents
from newsevents.corpus.ingest import ingest
from newsevents.errors import NewsEventsError
from newsevents.eval.score import score
from newsevents.formats.loading import load_predictions
from newsevents.jsonl import read_documents, write_documents
from newsevents.validation import validate_all

DEEP = '{"id": "deep", "text": "Police arrested him.", "meta": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}\n"
SURROGATE = '{"id": "lone", "text": "Police \\ud800 arrested him."}\n'
GOOD_ARTICLE = "Police arrested two men in Kabul on Monday.\n"




def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _error_lines(output: str) -> list[str]:
    """The lines of the command line's error, ``error: ...``."""
    return [line for line in output.splitlines() if line.startswith("error:")]


def _failure_lines(output: str) -> list[str]:
    """The lines that state a failure: an error, an input ingest skipped (listed under ``failed inputs``,
    indented), or a usage error of click's (``Invalid value for '--flag'``)."""
    return [line for line in output.splitlines()
            if line.startswith("error:") or re.match(r"  \S", line) or "Invalid value" in line]


# --- A. gold is checked before it is trusted ------------------------------------------------------


def _negative_offset(gold: list[dict]) -> None:
    gold[1]["entities"][0]["start"] = -1


def _missing_entity(gold: list[dict]) -> None:
    gold[1]["events"][0]["arguments"][0]["entity"] = "T9"


def _wrong_span_text(gold: list[dict]) -> None:
    gold[1]["entities"][0]["text"] = "Gunmon"


def _unknown_type(gold: list[dict]) -> None:
    gold[1]["events"][1]["type"] = "Conflict.Atack"
    gold[1]["events"][1]["hopper"] = None


GOLD_DEFECTS: dict[str, tuple[Callable[[list[dict]], None], str, str]] = {
    # defect -> (mutation of document 2 of the toy gold, field, what the message says)
    "negative offset": (_negative_offset, "entities[0].start", "start -1 is outside the text"),
    "missing entity": (_missing_entity, "events[0].arguments[0].entity", "no entity mention has id 'T9'"),
    "span text": (_wrong_span_text, "entities[0].text", "text[0:6] is 'Gunmen' but the span's text is 'Gunmon'"),
    "unknown type": (_unknown_type, "events[1].type", "'Conflict.Atack' is not an event type of the schema; did you mean 'Conflict.Attack'?"),
}


@pytest.mark.parametrize("command", ["score", "run", "compare"])
@pytest.mark.parametrize("defect", GOLD_DEFECTS)
def test_bad_gold_is_refused_naming_file_line_document_and_field(cli, tmp_path, command, defect):
    mutate, field, message = GOLD_DEFECTS[defect]
    rows = gold_dicts()
    mutate(rows)
    gold = write_jsonl(tmp_path / "gold.jsonl", rows)
    pred = write_jsonl(tmp_path / "pred.jsonl", gold_dicts())
    argv = {
        "score": ["eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0, "--json", tmp_path / "r.json"],
        "run": ["eval", "run", "--gold", gold, "--predictions", pred, "--out", tmp_path / "run", "--bootstrap", 0],
        "compare": ["eval", "compare", "--gold", gold, pred, pred, "--bootstrap", 10],
    }[command]
    status, _, err = cli(*argv)
    assert status == 2
    [line] = _error_lines(err)
    assert line.startswith(f"error: {gold}:2, document 'd-attack', field {field}: {message}")
    assert f"problems in the gold {gold} (fix them before scoring against it): 1\n  {gold}:2, document 'd-attack', field {field}: {message}" in err
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "run").exists()


def test_every_gold_problem_is_listed(cli, tmp_path):
    rows = gold_dicts()
    for defect in ("negative offset", "missing entity", "unknown type"):
        GOLD_DEFECTS[defect][0](rows)
    rows[0]["entities"][0]["end"] = 999
    rows[0]["entities"][1]["text"] = "two mem"
    gold = write_jsonl(tmp_path / "gold.jsonl", rows)
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", gold, "--bootstrap", 0)
    assert status == 2
    assert f"problems in the gold {gold} (fix them before scoring against it): 5" in err
    assert f"  {gold}:1, document 'd-arrest', field entities[0].end: end 999 is outside the text" in err
    assert _error_lines(err)[0].endswith("(and 4 more)")


def test_gold_in_another_format_keeps_its_own_type_names(cli, tmp_path):
    # TextEE, WikiEvents and CoNLL gold carry their corpus' type names (KAIROS, ACE): structure only.
    documents = segmented_gold_documents()
    rows = [d.to_dict() for d in documents]
    for event in rows[0]["events"]:
        event["type"] = "Justice.ArrestJailDetain.Unspecified"
    source = write_jsonl(tmp_path / "gold.jsonl", rows)
    status, _, _ = cli("convert", source, tmp_path / "gold.textee.jsonl", "--from", "newsevents", "--to", "textee")
    assert status == 0
    status, _, _ = cli("eval", "score", "--gold", tmp_path / "gold.textee.jsonl", "--gold-format", "textee",
                       "--pred", tmp_path / "gold.textee.jsonl", "--pred-format", "textee", "--bootstrap", 0,
                       "--json", tmp_path / "r.json")
    assert status == 0
    assert _report(tmp_path / "r.json")["metrics"]["TC"]["f1"] == 1.0


def test_invalid_realis_is_a_label_like_the_others(cli, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_dicts())
    predictions = gold_dicts()
    predictions[0]["events"][0]["realis"] = "maybe"
    pred = write_jsonl(tmp_path / "pred.jsonl", predictions)
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--strict")
    assert status == 2
    assert _error_lines(err) == ["error: labels not in the schema (realis: maybe); drop --strict to score them as wrong"]

    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0, "--json", tmp_path / "r.json")
    assert status == 0
    report = _report(tmp_path / "r.json")
    assert report["unknown_labels"] == {"event_types": [], "roles": [], "entity_types": [], "realis": ["maybe"]}
    assert report["realis"] == {"accuracy": 3 / 4, "n": 4}
    assert "labels the ontology lacks, scored as wrong: realis: maybe" in err


def test_agreement_without_a_common_document_is_an_error(cli, tmp_path):
    documents = [d.to_dict() for d in segmented_gold_documents()]
    a = write_jsonl(tmp_path / "alice.jsonl", documents[:1])
    b = write_jsonl(tmp_path / "bob.jsonl", documents[1:])
    status, out, err = cli("annotate", "agreement", a, b, "--json")
    assert status == 2 and "nan" not in out
    assert _error_lines(err) == [("error: annotators 'alice' (1 documents) and 'bob' (1 documents) have no document in "
                                  "common, so there is no agreement to measure; give passes over the same documents (same ids)")]


def test_agreement_refuses_one_annotator_given_twice(cli, tmp_path):
    a = write_jsonl(tmp_path / "alice.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    other = write_jsonl(tmp_path / "other" / "alice.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    for second in (a, other):
        status, _, err = cli("annotate", "agreement", a, second)
        assert status == 2
        assert _error_lines(err) == [(f"error: {second}: {a} and {second} both name annotator 'alice' (a file's name without "
                                      "its suffix names the annotator); give each annotator's file once, under its own name")]


def test_an_empty_predictions_file_is_a_warning_in_the_report_and_on_the_terminal(cli, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_dicts())
    pred = tmp_path / "pred.jsonl"
    pred.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0,
                         "--json", out / "r.json", "--markdown", out / "r.md", "--html", out / "r.html")
    assert status == 0
    message = ("there are no predictions at all (no document predicted), so every gold item counts as missed; "
               "check the predictions file or the extractor")
    assert _report(out / "r.json")["warnings"] == [{"code": "no_predictions", "message": message}]
    assert f"warning: {pred}: {message}" in err.splitlines()
    assert f"## Warnings\n\n| warning | what it means |\n| --- | --- |\n| no_predictions | {message} |" in (out / "r.md").read_text(encoding="utf-8")
    assert f"<td>no_predictions</td><td>{message}</td>" in (out / "r.html").read_text(encoding="utf-8")


def test_gold_without_events_is_a_warning(cli, tmp_path):
    rows = gold_dicts()
    for row in rows:
        row["events"] = []
    gold = write_jsonl(tmp_path / "gold.jsonl", rows)
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", gold, "--bootstrap", 0, "--markdown", tmp_path / "r.md")
    assert status == 0
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        (f"warning: {gold}: the gold has no event mention, so TI, TC, AI, AC, AI+ and AC+ have nothing to find (their "
         "recall and F1 are reported as zero_division); score against gold with events")]
    assert "| no_gold_events |" in (tmp_path / "r.md").read_text(encoding="utf-8")
    status, _, err = cli("eval", "compare", "--gold", gold, gold, gold, "--bootstrap", 10)
    assert status == 0 and f"warning: {gold}: the gold has no event mention" in err


def test_a_normal_report_has_no_warnings():
    report = score(gold_documents(), gold_documents(), bootstrap=0)
    assert report.warnings == [] and report.to_dict()["warnings"] == []


# --- B. no traceback, ever ------------------------------------------------------------------------


def _gold(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "gold.jsonl", gold_dicts())


def _file(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def _ingest_folder(content: str) -> Callable[[Path], tuple[list, Path, str]]:
    def setup(tmp_path: Path) -> tuple[list, Path, str]:
        bad = _file(tmp_path / "in", "bad.jsonl", content)
        _file(tmp_path / "in", "good.txt", GOOD_ARTICLE)
        return ["corpus", "ingest", tmp_path / "in", "--out", tmp_path / "docs.jsonl"], bad, "1 documents"
    return setup


def _on_file(content: str, argv: Callable[[Path, Path], list]) -> Callable[[Path], tuple[list, Path, None]]:
    def setup(tmp_path: Path) -> tuple[list, Path, None]:
        bad = _file(tmp_path, "bad.jsonl", content)
        return argv(tmp_path, bad), bad, None
    return setup


def _with_flag(argv: Callable[[Path], list], flag: str) -> Callable[[Path], tuple[list, str, None]]:
    return lambda tmp_path: (argv(tmp_path), flag, None)


TRACEBACK_CASES = {
    # case -> setup(tmp_path) giving (argv, what the error line must name, a line of stdout the good inputs give)
    "deep/ingest": _ingest_folder(DEEP),
    "deep/validate": _on_file(DEEP, lambda t, bad: ["corpus", "validate", bad]),
    "deep/score pred": _on_file(DEEP, lambda t, bad: ["eval", "score", "--gold", _gold(t), "--pred", bad]),
    "deep/score gold": _on_file(DEEP, lambda t, bad: ["eval", "score", "--gold", bad, "--pred", _gold(t)]),
    "deep/convert newsevents": _on_file(DEEP, lambda t, bad: ["convert", bad, t / "o.jsonl", "--from", "newsevents", "--to", "textee"]),
    "deep/convert textee": _on_file(DEEP, lambda t, bad: ["convert", bad, t / "o.jsonl", "--from", "textee", "--to", "newsevents"]),
    "deep/convert wikievents": _on_file(DEEP, lambda t, bad: ["convert", bad, t / "o.jsonl", "--from", "wikievents", "--to", "newsevents"]),
    "surrogate/ingest": _ingest_folder(SURROGATE),
    "surrogate/convert": _on_file(SURROGATE, lambda t, bad: ["convert", bad, t / "o.jsonl", "--from", "newsevents", "--to", "newsevents"]),
    "surrogate/score pred": _on_file(SURROGATE, lambda t, bad: ["eval", "score", "--gold", _gold(t), "--pred", bad]),
    "bootstrap -5": _with_flag(lambda t: ["eval", "score", "--gold", _gold(t), "--pred", _gold(t), "--bootstrap", -5], "'--bootstrap'"),
    "seed -1": _with_flag(lambda t: ["eval", "score", "--gold", _gold(t), "--pred", _gold(t), "--seed", -1], "'--seed'"),
    "compare bootstrap 0": _with_flag(lambda t: ["eval", "compare", "--gold", _gold(t), _gold(t), _gold(t), "--bootstrap", 0], "'--bootstrap'"),
    "retries -1": _with_flag(lambda t: ["eval", "run", "--gold", _gold(t), "--url", "http://127.0.0.1:9/", "--retries", -1, "--out", t / "run"], "'--retries'"),
    "jobs -1": _with_flag(lambda t: ["corpus", "ingest", _file(t, "a.txt", GOOD_ARTICLE), "--out", t / "o.jsonl", "--jobs", -1], "'--jobs'"),
    "max-bytes -1": _with_flag(lambda t: ["corpus", "ingest", _file(t, "a.txt", GOOD_ARTICLE), "--out", t / "o.jsonl", "--max-bytes", -1], "'--max-bytes'"),
}


@pytest.mark.parametrize("case", TRACEBACK_CASES)
def test_no_traceback_one_error_line_naming_the_file(cli, tmp_path, case):
    argv, named, good_output = TRACEBACK_CASES[case](tmp_path)
    status, out, err = cli(*argv)
    assert status != 0
    assert "Traceback" not in out + err
    lines = _failure_lines(err)
    assert len(lines) == 1, err
    [line] = lines
    assert str(named) in line, line
    if good_output is not None:  # the other files of the folder were still ingested
        assert good_output in out and (tmp_path / "docs.jsonl").is_file()


def test_ingest_reports_the_bad_record_and_keeps_the_good_file(cli, tmp_path):
    _file(tmp_path / "in", "deep.jsonl", DEEP)
    _file(tmp_path / "in", "lone.jsonl", SURROGATE)
    _file(tmp_path / "in", "good.txt", GOOD_ARTICLE)
    status, out, err = cli("corpus", "ingest", tmp_path / "in", "--out", tmp_path / "docs.jsonl")
    assert status == 1
    assert "ingested 1 documents, 2 failed" in out
    assert f"  {tmp_path / 'in' / 'deep.jsonl'}:1: malformed JSON: nested too deeply" in err
    assert f"  {tmp_path / 'in' / 'lone.jsonl'}:1: field text: the JSON escape \\ud800 (character 7 of " in err
    assert [d.id for d in read_documents(tmp_path / "docs.jsonl")] == ["good"]


def test_hints_name_the_command_line_flags(cli, tmp_path):
    big = _file(tmp_path, "big.txt", GOOD_ARTICLE * 10)
    keyless = _file(tmp_path, "keyless.jsonl", '{"id": "a", "body": "Police arrested him."}\n')
    status, _, err = cli("corpus", "ingest", big, keyless, "--out", tmp_path / "o.jsonl", "--max-bytes", 100)
    assert status == 1
    assert "over the limit of 100 bytes; split it or raise the limit with --max-bytes" in err
    assert "add it or choose the text column with --text-column" in err


def test_an_unterminated_string_is_reported_without_a_doubled_word(cli, tmp_path):
    bad = _file(tmp_path, "bad.jsonl", '{"id": "a", "text": "Police\n')
    status, _, err = cli("corpus", "validate", bad)
    assert status == 2
    assert _error_lines(err) == [f"error: {bad}:1: malformed JSON: Unterminated string starting at column 21"]


def test_nan_is_refused_like_every_other_non_json(cli, tmp_path):
    bad = _file(tmp_path, "bad.jsonl", '{"id": "a", "text": "x", "meta": {"score": NaN}}\n')
    status, _, err = cli("corpus", "validate", bad)
    assert status == 2
    assert _error_lines(err) == [f"error: {bad}:1: malformed JSON: NaN is not valid JSON; write null or a string instead"]


def test_score_api_refuses_negative_resamples():
    with pytest.raises(NewsEventsError, match="bootstrap=-5"):
        score(gold_documents(), gold_documents(), bootstrap=-5)


# --- D. random input lines raise only the project's errors ---------------------------------------

KEYS = ("id", "text", "meta", "entities", "events", "tokens", "sentences", "paragraphs", "start", "end", "type",
        "trigger", "arguments", "role", "entity", "event", "realis", "kind", "cluster", "hopper", "body")
ODD_CHARACTERS = ("a", " ", "é", "😀", "\n", "\u2028", '"', "\\", "\x00", "\ud800", "\udfff", "Police", "arrested")
scalars = (st.none() | st.booleans() | st.integers(min_value=-3, max_value=100) | st.floats(allow_nan=True)
           | st.lists(st.sampled_from(ODD_CHARACTERS), max_size=6).map("".join) | st.sampled_from(("actual", "PER", "Justice.Arrest", "d-arrest")))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), children, max_size=6),
    max_leaves=25,
)


def _json_line(value: object, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path into a JSON value."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [prefix] + [path for key, child in children for path in _paths(child, (*prefix, key))]


def _mutated_gold(document: int, which: int, value: object, ascii_only: bool) -> bytes:
    """A toy gold document with the value at one of its key paths replaced: nearly valid input."""
    row = gold_dicts()[document]
    *parents, last = _paths(row)[1:][which % (len(_paths(row)) - 1)]
    target = row
    for key in parents:
        target = target[key]
    target[last] = value
    return _json_line(row, ascii_only)


lines = st.one_of(
    st.binary(max_size=60),
    st.builds(_mutated_gold, st.integers(0, 1), st.integers(0, 500), json_values, st.booleans()),
    st.builds(_json_line, json_values, st.booleans()),
    st.builds(_json_line, st.fixed_dictionaries({"id": st.sampled_from(("d-arrest", "d-attack", "x")),
                                                 "text": st.sampled_from(("", "Police arrested two men.", "\ud800"))},
                                                optional={k: json_values for k in KEYS if k not in ("id", "text")}), st.booleans()),
)


def test_an_event_that_is_not_an_object_is_a_format_error(cli, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_dicts())
    pred = _file(tmp_path, "pred.jsonl", '{"id": "d-arrest", "text": "", "events": [null]}\n')
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred)
    assert status == 2 and _error_lines(err)[0].startswith(f"error: {pred}:1, document 'd-arrest', field events[0]:")


def _project_errors_only(call: Callable[[], object]) -> None:
    try:
        call()
    except NewsEventsError:
        pass


#: Nearly valid files: each line a toy gold document with one value replaced (most often by a scalar).
nearly_valid = st.lists(st.builds(_mutated_gold, st.integers(0, 1), st.integers(0, 500), scalars | json_values, st.booleans()),
                        min_size=1, max_size=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(lines, min_size=1, max_size=4), nearly_valid))
def test_random_lines_raise_only_project_errors(schema, content):
    data = b"\n".join(content) + b"\n"
    gold = gold_documents()
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".jsonl", ".csv", ".txt"):
            path = Path(folder) / f"input{suffix}"
            path.write_bytes(data)
            result = ingest([path], jobs=1)  # reports failures, never raises for a bad file
            assert len(result.documents) + len(result.failures) >= 1
            write_documents(Path(folder) / "ingested.jsonl", result.documents)  # what was read can be written
        path = Path(folder) / "input.jsonl"
        _project_errors_only(lambda: validate_all(list(read_documents(path)), schema))

        def score_as_predictions() -> None:
            predictions, _ = load_predictions(path)
            score(gold, predictions, schema=schema, bootstrap=5)

        def score_as_gold() -> None:
            from newsevents.formats.loading import check_documents, load_gold_with_lines

            documents, lines = load_gold_with_lines(path)
            check_documents(documents, file=path, lines=lines, schema=schema)
            score(documents, documents, schema=schema, bootstrap=5)

        _project_errors_only(score_as_predictions)
        _project_errors_only(score_as_gold)


def test_a_report_path_that_is_a_folder_overwrites_no_earlier_report(cli, tmp_path):
    """`eval score --json A --markdown B --html DIR`: one line, exit 2, A and B as they were."""
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_dicts())
    (tmp_path / "r.json").write_text("earlier", encoding="utf-8")
    (tmp_path / "r.md").write_text("earlier", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", gold, "--bootstrap", 0, "--json", tmp_path / "r.json",
                         "--markdown", tmp_path / "r.md", "--html", tmp_path / "folder")
    assert status == 2 and "Traceback" not in err
    assert _error_lines(err)[-1] == f"error: {tmp_path / 'folder'}: is a folder: give a file name for this report"
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "earlier" == (tmp_path / "r.md").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))
