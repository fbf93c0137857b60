"""``newsevents eval score|run|compare`` and ``newsevents convert``, through the real entry point.

Gold is the two-document toy set of :mod:`fixtures.toy_gold`; the toy extractor tags every
"arrested": right in ``d-arrest`` (whose other trigger, "detained", it misses), wrong in
``d-attack`` ("arrested traffic"), whose two Conflict.Attack triggers it misses. So for TI and TC:
4 gold triggers, 2 predicted, 1 matched: P = 1/2, R = 1/4, F1 = 2 * (1/2 * 1/4) / (1/2 + 1/4) = 1/3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import write_jsonl
from fixtures.toy_extractor import tag
from fixtures.toy_gold import gold_dicts, gold_documents, segmented_gold_documents
from fixtures.toy_server import serve
from newsevents import formats
from newsevents.cli import app
from newsevents.corpus.build import write_dataset
from newsevents.corpus.split import SplitAssignment
from newsevents.extractors import strip_gold

TOY_COMMAND = f"{sys.executable} {Path(__file__).parent / 'fixtures' / 'toy_command.py'}"
NEW_COMMANDS = [["eval", "score"], ["eval", "run"], ["eval", "compare"], ["convert"]]




def _toy_predictions() -> list[dict]:
    return [tag(strip_gold(d)).to_dict() for d in gold_documents()]


@pytest.fixture()
def gold(tmp_path):
    return write_jsonl(tmp_path / "gold.jsonl", gold_dicts())


@pytest.fixture()
def pred(tmp_path):
    return write_jsonl(tmp_path / "pred.jsonl", _toy_predictions())


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _prf(metric: dict) -> tuple:
    return metric["precision"], metric["recall"], metric["f1"], metric["n_gold"], metric["n_pred"], metric["n_match"]


def _error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("command", NEW_COMMANDS, ids=" ".join)
def test_every_new_command_has_help_with_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "Example: newsevents " + " ".join(command) in result.output


def test_score_hand_checked_numbers(cli, gold, pred, tmp_path):
    out = tmp_path / "out"
    status, stdout, _ = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0,
                            "--json", out / "r.json", "--markdown", out / "r.md", "--html", out / "r.html")
    assert status == 0
    report = _report(out / "r.json")
    assert _prf(report["metrics"]["TI"]) == (0.5, 0.25, 1 / 3, 4, 2, 1)
    assert _prf(report["metrics"]["TC"]) == (0.5, 0.25, 1 / 3, 4, 2, 1)
    # Per type: the one Justice.Arrest prediction that is right, the wrong one, the missed attacks.
    assert _prf(report["per_type"]["TC"]["Justice.Arrest"]) == (0.5, 0.5, 0.5, 2, 2, 1)
    assert _prf(report["per_type"]["TC"]["Conflict.Attack"]) == (0.0, 0.0, 0.0, 2, 0, 0)
    # No arguments and no entities predicted: 7 gold arguments and 7 gold mentions, nothing matched.
    assert _prf(report["metrics"]["AC"]) == (0.0, 0.0, 0.0, 7, 0, 0)
    assert _prf(report["metrics"]["entities"]) == (0.0, 0.0, 0.0, 7, 0, 0)
    assert report["documents"] == {"gold": 2, "predicted": 2, "without_prediction": []}
    assert report["metrics"]["TC"]["ci95"]["f1"] == [1 / 3, 1 / 3]  # no bootstrap: the point estimate
    assert "| TC " in (out / "r.md").read_text(encoding="utf-8")
    assert (out / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [line.split()[:4] for line in stdout.splitlines() if line.strip().startswith(("│ TC ", "│ AC "))] == \
           [["│", "TC", "│", "50.0"], ["│", "AC", "│", "0.0"]]
    assert "wrote " in stdout and not list(out.glob(".*.tmp"))


def test_prediction_for_an_unknown_document(cli, gold, tmp_path):
    pred = write_jsonl(tmp_path / "pred.jsonl", _toy_predictions() + [{"id": "d-nope", "text": ""}, {"id": "d-other", "text": ""}])
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0)
    assert status == 2
    # The first unknown prediction's line is named (it is line 3: two toy predictions come first).
    assert _error_line(err) == f"error: {pred}:3, document 'd-nope': predictions for documents not in gold: 'd-nope', 'd-other'"


def test_malformed_prediction_line(cli, gold, tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(_toy_predictions()[0]) + "\n{\"id\": \"d-attack\",\n", encoding="utf-8")
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred)
    assert status == 2
    assert _error_line(err) == f"error: {pred}:2: malformed JSON: Expecting property name enclosed in double quotes at column 19"


def test_span_that_does_not_match_the_gold_text(cli, gold, tmp_path):
    predictions = _toy_predictions()
    predictions[1]["events"][0]["trigger"]["start"] += 1  # "rrested " instead of "arrested"
    predictions[1]["events"][0]["trigger"]["end"] += 1
    pred = write_jsonl(tmp_path / "pred.jsonl", predictions)
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred)
    assert status == 2
    assert _error_line(err) == (
        f"error: {pred}:2, document 'd-attack', field events[0].trigger.text: text[55:63] is 'rrested ' "
        "but the span's text is 'arrested'; 'arrested' occurs at 54:62; fix the offsets or the text")


def test_gold_document_without_prediction_is_scored_as_empty(cli, gold, tmp_path):
    pred = write_jsonl(tmp_path / "pred.jsonl", _toy_predictions()[:1])
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0, "--json", tmp_path / "r.json")
    assert status == 0
    report = _report(tmp_path / "r.json")
    assert report["documents"] == {"gold": 2, "predicted": 1, "without_prediction": ["d-attack"]}
    assert _prf(report["metrics"]["TC"]) == (1.0, 0.25, 0.4, 4, 1, 1)
    assert "1 gold documents without prediction" in err and "d-attack" in err


def test_unknown_event_type_is_an_error_only_with_strict(cli, gold, tmp_path):
    predictions = _toy_predictions()
    predictions[0]["events"][0]["type"] = "Justice.Arest"
    pred = write_jsonl(tmp_path / "pred.jsonl", predictions)
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--strict")
    assert status == 2
    assert _error_line(err) == "error: labels not in the schema (event_types: Justice.Arest); drop --strict to score them as wrong"

    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0, "--json", tmp_path / "r.json")
    assert status == 0
    report = _report(tmp_path / "r.json")
    assert report["unknown_labels"] == {"event_types": ["Justice.Arest"], "roles": [], "entity_types": [], "realis": []}
    assert report["metrics"]["TC"]["n_match"] == 0 and report["metrics"]["TI"]["n_match"] == 1
    assert "Justice.Arest" in err


def test_score_on_a_dataset_folder_split(cli, tmp_path, schema):
    documents = segmented_gold_documents()
    assignment = SplitAssignment(splits={"d-arrest": "train", "d-attack": "test"}, groups={"d-arrest": "d-arrest", "d-attack": "d-attack"})
    dataset = write_dataset(documents, assignment, tmp_path / "dataset", schema, local_only=True).out_dir  # toy texts: no licence
    pred = write_jsonl(tmp_path / "pred.jsonl", _toy_predictions()[1:])

    status, _, err = cli("eval", "score", "--gold", dataset, "--pred", pred)
    assert status == 2
    assert _error_line(err) == f"error: {dataset}: the dataset has several splits (train, test); choose one with --split"
    status, _, err = cli("eval", "score", "--gold", dataset, "--split", "tset", "--pred", pred)
    assert status == 2 and "did you mean 'test'?" in err

    status, _, _ = cli("eval", "score", "--gold", dataset, "--split", "test", "--pred", pred, "--bootstrap", 0, "--json", tmp_path / "r.json")
    assert status == 0
    report = _report(tmp_path / "r.json")
    assert report["documents"]["gold"] == 1
    assert _prf(report["metrics"]["TC"]) == (0.0, 0.0, 0.0, 2, 1, 0)
    assert _prf(report["metrics"]["entities"])[3] == 3


def test_run_saves_predictions_that_score_rescores_identically(cli, gold, tmp_path):
    out = tmp_path / "run"
    status, stdout, _ = cli("eval", "run", "--gold", gold, "--extractor", "fixtures.toy_extractor:ToyExtractor",
                            "--out", out, "--bootstrap", 200, "--seed", 7)
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == ["predictions.jsonl", "report.html", "report.json", "report.md"]
    report = _report(out / "report.json")
    run = report["run"]
    assert run["runner"]["name"] == "python" and run["runner"]["extractor"] == "fixtures.toy_extractor:ToyExtractor"
    assert run["documents"] == 2 and run["predicted"] == 2 and run["seconds"] > 0 and run["documents_per_second"] > 0
    assert run["peak_memory_mb"] >= 0 and run["runner"]["peak_memory"].startswith("tracemalloc")
    assert run["gold"] == str(gold) and run["stderr"] is None
    assert "ran python on 2 documents" in stdout

    status, _, _ = cli("eval", "score", "--gold", gold, "--pred", out / "predictions.jsonl", "--bootstrap", 200,
                       "--seed", 7, "--json", tmp_path / "again.json")
    assert status == 0
    again = _report(tmp_path / "again.json")
    assert again["metrics"] == report["metrics"] and again["per_type"] == report["per_type"]
    assert _prf(report["metrics"]["TC"]) == (0.5, 0.25, 1 / 3, 4, 2, 1)


def test_run_a_command_keeps_its_stderr(cli, gold, tmp_path):
    status, _, _ = cli("eval", "run", "--gold", gold, "--command", TOY_COMMAND, "--timeout", 60, "--out", tmp_path / "run", "--bootstrap", 0)
    assert status == 0
    run = _report(tmp_path / "run" / "report.json")["run"]
    assert run["stderr"] == "toy: read 2 documents"
    assert run["runner"]["command"] == TOY_COMMAND and run["runner"]["timeout"] == 60
    assert run["peak_memory_mb"] > 0 and run["runner"]["peak_memory"].startswith("VmHWM")
    assert "toy: read 2 documents" in (tmp_path / "run" / "report.md").read_text(encoding="utf-8")


def test_run_a_command_that_times_out(cli, gold, tmp_path):
    status, _, err = cli("eval", "run", "--gold", gold, "--command", f"{TOY_COMMAND} --sleep 30", "--timeout", 0.5, "--out", tmp_path / "run")
    assert status == 2
    assert _error_line(err) == f"error: command '{TOY_COMMAND} --sleep 30' timed out after 0.5 s and was killed"
    assert not (tmp_path / "run").exists()


def test_run_an_http_endpoint(cli, gold, tmp_path):
    with serve("ok") as endpoint:
        status, _, _ = cli("eval", "run", "--gold", gold, "--url", endpoint.url, "--timeout", 5, "--retries", 0,
                           "--out", tmp_path / "run", "--bootstrap", 0)
    assert status == 0
    report = _report(tmp_path / "run" / "report.json")
    assert report["run"]["runner"] == {"name": "http", "url": endpoint.url, "timeout": 5.0, "retries": 0, "batch_size": 16,
                                       "peak_memory": "not measured: the extractor runs behind the endpoint"}
    assert _prf(report["metrics"]["TC"]) == (0.5, 0.25, 1 / 3, 4, 2, 1)


def test_run_a_span_error_names_the_saved_predictions(cli, gold, tmp_path):
    status, _, err = cli("eval", "run", "--gold", gold, "--extractor", "fixtures.toy_extractor:misaligned", "--out", tmp_path / "run")
    assert status == 2
    assert _error_line(err).startswith(f"error: {tmp_path / 'run' / 'predictions.jsonl'}:1, document 'd-arrest', "
                                       "field events[0].trigger.text: text[8:16] is 'rrested '")
    assert not (tmp_path / "run" / "report.json").exists()


def test_run_an_extractor_returning_junk(cli, gold, tmp_path):
    status, _, err = cli("eval", "run", "--gold", gold, "--extractor", "fixtures.toy_extractor:returns_junk", "--out", tmp_path / "run")
    assert status == 2
    assert _error_line(err) == "error: output of extractor 'fixtures.toy_extractor:returns_junk':3: expected a document (a JSON object), got str"


@pytest.mark.parametrize(("options", "got"), [
    ([], "got none"),
    (["--extractor", "fixtures.toy_extractor:extract", "--command", "true"], "got --extractor, --command"),
])
def test_run_needs_exactly_one_extractor(cli, gold, tmp_path, options, got):
    status, _, err = cli("eval", "run", "--gold", gold, *options, "--out", tmp_path / "run")
    assert status == 2
    assert _error_line(err) == f"error: give exactly one of --predictions, --extractor, --command, --url, --baseline, --llm ({got})"


def test_run_refuses_an_option_the_runner_does_not_take(cli, gold, tmp_path):
    status, _, err = cli("eval", "run", "--gold", gold, "--extractor", "fixtures.toy_extractor:extract", "--timeout", 3, "--out", tmp_path / "run")
    assert status == 2
    assert _error_line(err) == "error: the python runner takes no option 'timeout'; valid: none"


def test_compare_two_systems(cli, gold, pred, tmp_path):
    perfect = write_jsonl(tmp_path / "perfect.jsonl", gold_dicts())
    status, stdout, _ = cli("eval", "compare", "--gold", gold, pred, perfect, "--bootstrap", 100,
                            "--json", tmp_path / "c.json", "--markdown", tmp_path / "c.md")
    assert status == 0
    tc = _report(tmp_path / "c.json")["metrics"]["TC"]
    assert (tc["f1_a"], tc["f1_b"], tc["delta"]) == (1 / 3, 1.0, 1.0 - 1 / 3)
    assert "TC" in stdout and (tmp_path / "c.md").read_text(encoding="utf-8") in stdout


def test_compare_names_the_file_of_a_bad_prediction(cli, gold, pred, tmp_path):
    predictions = _toy_predictions()
    predictions[0]["events"][0]["trigger"]["text"] = "Arrested"
    bad = write_jsonl(tmp_path / "bad.jsonl", predictions)
    status, _, err = cli("eval", "compare", "--gold", gold, pred, bad)
    assert status == 2
    assert _error_line(err).startswith(f"error: {bad}:1, document 'd-arrest', field events[0].trigger.text:")


def test_convert_to_conll_and_wikievents_and_back(cli, tmp_path):
    source = write_jsonl(tmp_path / "gold.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    status, stdout, _ = cli("convert", source, tmp_path / "gold.conll", "--from", "newsevents", "--to", "conll", "--layer", "entities")
    assert status == 0 and "wrote 2 documents" in stdout
    conll = (tmp_path / "gold.conll").read_text(encoding="utf-8")
    assert "Police\tB-ORG" in conll and "Kabul\tB-GPE" in conll

    coref = tmp_path / "clusters.jsonl"
    status, _, _ = cli("convert", source, tmp_path / "gold.wikievents.jsonl", "--from", "newsevents", "--to", "wikievents", "--coref", coref)
    assert status == 0 and coref.is_file()
    status, _, _ = cli("convert", tmp_path / "gold.wikievents.jsonl", tmp_path / "back.jsonl", "--from", "wikievents", "--to", "newsevents",
                       "--coref", coref)
    assert status == 0
    back = [json.loads(line) for line in (tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["text"] for e in back[0]["entities"] if e.get("cluster")] == ["two men", "The men"]

    status, _, err = cli("convert", source, tmp_path / "x.jsonl", "--from", "newsevents", "--to", "textee", "--coref", coref)
    assert status == 2
    assert _error_line(err) == "error: --coref applies to the wikievents format, not to newsevents -> textee"


def test_score_predictions_in_another_format(cli, tmp_path):
    # TextEE counts in tokens: reading it back needs the gold texts, which eval score passes as the reference.
    gold = write_jsonl(tmp_path / "gold.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    status, _, _ = cli("convert", gold, tmp_path / "pred.textee.jsonl", "--from", "newsevents", "--to", "textee")
    assert status == 0
    status, _, _ = cli("eval", "score", "--gold", gold, "--pred", tmp_path / "pred.textee.jsonl", "--pred-format", "textee",
                       "--bootstrap", 0, "--json", tmp_path / "r.json")
    assert status == 0
    metrics = _report(tmp_path / "r.json")["metrics"]
    assert _prf(metrics["TC"]) == (1.0, 1.0, 1.0, 4, 4, 4) and _prf(metrics["AC"]) == (1.0, 1.0, 1.0, 7, 7, 7)


def test_score_conll_predictions_against_native_gold(cli, tmp_path):
    # The project's own CoNLL export of the gold, scored back: the gold texts are the reference the
    # CoNLL reader finds the tokens in, so the offsets are the gold's and every trigger matches.
    gold = write_jsonl(tmp_path / "gold.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    status, _, _ = cli("convert", gold, tmp_path / "pred.conll", "--from", "newsevents", "--to", "conll")
    assert status == 0
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", tmp_path / "pred.conll", "--pred-format", "conll",
                         "--bootstrap", 0, "--json", tmp_path / "r.json")
    assert status == 0, err
    metrics = _report(tmp_path / "r.json")["metrics"]
    assert _prf(metrics["TI"]) == (1.0, 1.0, 1.0, 4, 4, 4) and _prf(metrics["TC"]) == (1.0, 1.0, 1.0, 4, 4, 4)
    assert _prf(metrics["AC"]) == (0.0, 0.0, 0.0, 7, 0, 0)  # CoNLL holds no arguments


def test_score_conll_predictions_for_an_unknown_document(cli, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    pred = tmp_path / "pred.conll"
    pred.write_text("-DOCSTART- d-arest\n\nPolice\tO\narrested\tB-Justice.Arrest\n", encoding="utf-8")
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--pred-format", "conll")
    assert status == 2
    assert _error_line(err) == (f"error: {pred}:1, document 'd-arest': document 'd-arest' is not among the 2 reference "
                                "documents (its -DOCSTART- line names 'd-arest'); did you mean 'd-arrest'?")


def test_convert_refuses_a_textee_file_read_as_wikievents(cli, tmp_path):
    source = write_jsonl(tmp_path / "gold.jsonl", [d.to_dict() for d in segmented_gold_documents()])
    status, _, _ = cli("convert", source, tmp_path / "windows.jsonl", "--from", "newsevents", "--to", "textee")
    assert status == 0
    status, _, err = cli("convert", tmp_path / "windows.jsonl", tmp_path / "out.jsonl", "--from", "wikievents", "--to", "newsevents")
    assert status == 2
    assert _error_line(err) == (
        f"error: {tmp_path / 'windows.jsonl'}:1, document 'd-arrest': this is not wikievents input: the line looks like the "
        "textee format (TextEE / OneIE JSONL: one window (sentence or document) per line, token offsets); read the file "
        "as textee (convert --from textee, eval --gold-format/--pred-format textee)")
    assert not (tmp_path / "out.jsonl").exists()
    # The other way round, and our own format read as TextEE.
    status, _, err = cli("convert", source, tmp_path / "out.jsonl", "--from", "textee", "--to", "newsevents")
    assert status == 2 and "the line looks like the newsevents format" in _error_line(err)
    status, _, err = cli("eval", "score", "--gold", source, "--pred", tmp_path / "windows.jsonl", "--bootstrap", 0)
    assert status == 2 and "this is not newsevents input: the line looks like the textee format" in _error_line(err)


def test_convert_prints_its_summary_once(cli, tmp_path):
    documents = [d.to_dict() for d in segmented_gold_documents()]
    documents[0]["events"][1]["arguments"].append({"role": "Cause", "event": "E1"})  # TextEE has no event-valued arguments
    source = write_jsonl(tmp_path / "gold.jsonl", documents)
    status, out, err = cli("convert", source, tmp_path / "out.jsonl", "--from", "newsevents", "--to", "textee")
    assert status == 0
    [summary] = [line for line in (out + err).splitlines() if line.startswith("wrote ")]
    assert summary in out and summary.endswith("; dropped 1 items the format cannot hold: 1 event_argument")
    assert err.splitlines() == ["annotations textee cannot hold, dropped: 1",
                                ("  document 'd-arrest', mention 'E2': 'Cause' argument filled by event 'E1': TextEE has "
                                 "no event-valued arguments (event_argument)")]


def test_convert_validates_what_it_read(cli, tmp_path):
    documents = [d.to_dict() for d in segmented_gold_documents()]
    documents[1]["entities"][0]["text"] = "Gunmon"
    documents[1]["events"][0]["arguments"][0]["entity"] = "T9"
    source = write_jsonl(tmp_path / "gold.jsonl", documents)
    status, _, err = cli("convert", source, tmp_path / "out.jsonl", "--from", "newsevents", "--to", "newsevents")
    assert status == 2
    assert f"problems in {source} (nothing was written): 2" in err
    assert f"  {source}, document 'd-attack', field events[0].arguments[0].entity: no entity mention has id 'T9'" in err
    assert next(line for line in err.splitlines() if line.startswith("error:")).startswith(
        f"error: {source}, document 'd-attack', field entities[0].text: text[0:6] is 'Gunmen' but the span's text is 'Gunmon'")
    assert not (tmp_path / "out.jsonl").exists()


def test_convert_reads_a_dataset_folder_split(cli, tmp_path, schema):
    documents = segmented_gold_documents()
    assignment = SplitAssignment(splits={"d-arrest": "train", "d-attack": "test"}, groups={"d-arrest": "d-arrest", "d-attack": "d-attack"})
    dataset = write_dataset(documents, assignment, tmp_path / "dataset", schema, local_only=True).out_dir
    status, _, err = cli("convert", dataset, tmp_path / "x.jsonl", "--from", "newsevents", "--to", "textee")
    assert status == 2 and _error_line(err) == f"error: {dataset}: a dataset folder needs --split (train, validation or test)"
    status, _, _ = cli("convert", dataset, tmp_path / "test.textee.jsonl", "--from", "newsevents", "--to", "textee", "--split", "test")
    assert status == 0
    rows = [json.loads(line) for line in (tmp_path / "test.textee.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["doc_id"] for row in rows] == ["d-attack"]      # one window per document by default
    back = formats.read(tmp_path / "test.textee.jsonl", "textee")
    assert [(e.type, e.trigger.text) for e in back[0].events] == [(e.type, e.trigger.text) for e in documents[1].events]


def test_entity_scope_option_of_score_and_compare(cli, gold, tmp_path):
    # The gold's mentions, predicted by events without arguments: by default none of them fills a predicted
    # argument, so the entity metrics count nothing predicted; --entity-scope all counts every mention.
    from dataclasses import replace

    unattached = [replace(d, events=tuple(replace(e, arguments=()) for e in d.events)).to_dict() for d in gold_documents()]
    pred = write_jsonl(tmp_path / "unattached.jsonl", unattached)
    scored = {}
    for scope in ("arguments", "all"):
        status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--bootstrap", 0,
                             "--entity-scope", scope, "--json", tmp_path / f"{scope}.json")
        assert status == 0, err
        scored[scope] = _report(tmp_path / f"{scope}.json")
        assert scored[scope]["options"]["entity_scope"] == scope
        assert _prf(scored[scope]["metrics"]["TC"]) == (1.0, 1.0, 1.0, 4, 4, 4)
    assert _prf(scored["arguments"]["metrics"]["entities"]) == (0.0, 0.0, 0.0, 7, 0, 0)
    assert _prf(scored["all"]["metrics"]["entities"]) == (1.0, 1.0, 1.0, 7, 7, 7)
    status, _, err = cli("eval", "compare", "--gold", gold, pred, gold, "--bootstrap", 10, "--entity-scope", "all",
                         "--json", tmp_path / "c.json")
    assert status == 0, err
    comparison = _report(tmp_path / "c.json")
    assert comparison["options"]["entity_scope"] == "all" and comparison["metrics"]["entities"]["delta"] == 0.0
    status, _, err = cli("eval", "score", "--gold", gold, "--pred", pred, "--entity-scope", "named")
    assert status == 2 and "named" in err and "arguments" in err
