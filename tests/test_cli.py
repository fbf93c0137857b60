"""The command line: help with an example on every command, one-line user errors, the demo."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from newsevents.cli import app


def _leaf_commands(command, path: tuple[str, ...] = ()) -> list[list[str]]:
    """Every runnable command of the app, found by walking it (so a new command cannot be forgotten)."""
    if getattr(command, "commands", None):
        return [leaf for name, sub in sorted(command.commands.items()) for leaf in _leaf_commands(sub, (*path, name))]
    return [list(path)]


COMMANDS = _leaf_commands(typer.main.get_command(app))


def test_the_walk_finds_every_stage():
    names = {" ".join(c) for c in COMMANDS}
    assert {"corpus build", "annotate push", "annotate pull", "annotate server", "eval score", "convert", "demo"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "Example: newsevents " + " ".join(command) in result.output


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "newsevents", *args], capture_output=True, text=True, cwd=cwd)


def test_user_errors_are_one_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "b", "text": \n', encoding="utf-8")
    run = _run("corpus", "validate", str(bad))
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: {bad}:2: malformed JSON: Expecting value at column 21"


def test_validate_lists_every_problem_and_exits_1(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        '{"id": "a", "text": "Police arrested him.", "entities": [{"id": "T1", "type": "PER", "start": 16, "end": 19, "text": "him"}],'
        ' "events": [{"id": "E1", "type": "Justice.Arest", "trigger": {"start": 7, "end": 15, "text": "arrested"},'
        ' "arguments": [{"role": "Detainee", "entity": "T9"}]}]}\n', encoding="utf-8")
    run = _run("corpus", "validate", str(docs))
    assert run.returncode == 1
    assert "problems in" in run.stderr and ": 2" in run.stderr.splitlines()[0]
    assert "did you mean 'Justice.Arrest'" in run.stderr and "'T9'" in run.stderr


def test_demo_runs_on_the_bundled_example(tmp_path):
    run = _run("demo", "--out", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert "ingested seed-000_fc58bcde01b77c5c: 2327 characters, 14 paragraphs" in run.stdout
    assert "20 sentences" in run.stdout
    assert "loads back with datasets.load_dataset" in run.stdout
    out = tmp_path / "out"
    # The predictions are the shipped crf's (no training step), and the printed score is theirs.
    from newsevents import read_documents
    from newsevents.baselines import load_shipped
    from newsevents.eval.score import score

    documents, gold = list(read_documents(out / "documents.jsonl")), list(read_documents(out / "gold.jsonl"))
    predictions = list(read_documents(out / "predictions.jsonl"))
    assert predictions == load_shipped("crf").predict(documents)
    tc = score(gold, predictions, bootstrap=0).metrics["TC"].score.f1
    assert "crf baseline (shipped model" in run.stdout and f"TC F1 {tc:.3f}" in run.stdout
    tasks = json.loads((out / "label-studio-tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == 1 and tasks[0]["predictions"][0]["model_version"] == "baseline-crf"
    for name in ("documents.jsonl", "gold.jsonl", "predictions.jsonl", "report.json", "report.md", "report.html", "dataset/README.md",
                 "label-studio-tasks.json"):
        assert (out / name).is_file(), name
        assert (out / name).stat().st_mode & 0o044 == 0o044, f"{name} is not readable by others (umask 022)"


def test_commands_work_from_any_folder(tmp_path):
    """Without --corpus a command finds the nearest corpus/ upward, else the project's own."""
    from newsevents.paths import find_corpus, project_path

    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_corpus(nested) == project_path("corpus")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "manifest.jsonl").write_text("", encoding="utf-8")
    assert find_corpus(nested) == tmp_path / "corpus"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = _run("annotate", "schema", "--as", "markdown", cwd=elsewhere)
    assert run.returncode == 0 and "### Justice.Arrest" in run.stdout
