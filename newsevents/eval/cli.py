"""``newsevents eval``: score predictions, run any extractor and score it, compare two systems.

Gold is a documents JSONL file, a dataset folder built by ``newsevents corpus build`` (pick the
split with ``--split``), or a file in another format (``--gold-format``). Problems with the
predictions (an unknown document id, a malformed line, a span that does not fit the gold text)
are user errors: one line naming file, line and document, exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from newsevents.ontology import load_schema
from newsevents.console import console, errors, print_problems
from newsevents.document import Document
from newsevents.errors import NewsEventsError, ValidationError
from newsevents.formats.loading import (
    NATIVE_FORMAT, check_documents, load_gold_with_lines, load_predictions, located_in_predictions, problem_lines,
)
from newsevents.eval.items import DEFAULT_ENTITY_SCOPE, EntityScope
from newsevents.eval.metrics import metric_names
from newsevents.eval.report import Report
from newsevents.extractors import make_runner, run_extractor
from newsevents.eval.score import input_warnings, score, validate_predictions
from newsevents.eval.statistics import DEFAULT_RESAMPLES
from newsevents.jsonl import atomic_write, write_documents

app = typer.Typer(help="Evaluate extractors: score predictions, run an extractor and score it, compare two systems.",
                  no_args_is_help=True)

#: ``eval run`` options that choose the extractor, and the runner (newsevents.extractors) each one builds.
RUNNER_OPTIONS = {"--predictions": "predictions", "--extractor": "python", "--command": "command", "--url": "http",
                  # Registered by newsevents.baselines and newsevents.llm (above this layer; the top-level CLI
                  # imports them), not named here.
                  "--baseline": "baseline", "--llm": "llm"}
#: The files ``eval run`` writes into its --out folder.
RUN_FILES = {"predictions": "predictions.jsonl", "json": "report.json", "markdown": "report.md", "html": "report.html"}

GOLD_OPTION = typer.Option(..., "--gold", help="Gold: documents JSONL, a dataset folder (see --split), or a file in --gold-format. "
                           "It is validated first (structure; types, roles and realis against --schema unless in another format).")
SPLIT_OPTION = typer.Option(None, "--split", help="Split of a dataset folder; required when it has several.")
GOLD_FORMAT_OPTION = typer.Option(NATIVE_FORMAT, "--gold-format", help="Format of --gold: newsevents, textee, wikievents or conll.")
PRED_FORMAT_OPTION = typer.Option(NATIVE_FORMAT, "--pred-format", help="Format of the predictions: newsevents, textee, wikievents or conll.")
SPAN_MODE_OPTION = typer.Option("exact", "--span-mode", help="exact (spans equal), overlap (spans share a character) or head (the prediction holds the gold head word and no other gold head).")
#: --entity-scope, shared by every command that scores (eval score, run, compare; annotate agreement); its
#: parameter is annotated :data:`~newsevents.eval.items.EntityScope`, whose values are the choices.
ENTITY_SCOPE_OPTION = typer.Option(
    DEFAULT_ENTITY_SCOPE, "--entity-scope",
    help="Entity mentions the entity metrics count: arguments (default: on each side, the mentions that fill an "
         "argument of that side's events; the gold entity layer is argument entities) or all (every mention).")
SCHEMA_OPTION = typer.Option(None, "--schema", help="Ontology the labels are checked against (default: annotation/schema.yaml).")
STRICT_OPTION = typer.Option(False, "--strict", help="Labels the ontology lacks are an error (default: scored as wrong and listed in the report).")
BOOTSTRAP_OPTION = typer.Option(DEFAULT_RESAMPLES, "--bootstrap", min=0, help="Bootstrap resamples for the 95% intervals; 0 skips them.")
SEED_OPTION = typer.Option(0, "--seed", min=0, help="Seed of the bootstrap (0 or more).")
JSON_OPTION = typer.Option(None, "--json", help="Write the report as JSON here.")
MARKDOWN_OPTION = typer.Option(None, "--markdown", help="Write the report as Markdown here.")
HTML_OPTION = typer.Option(None, "--html", help="Write the report as HTML here.")


@dataclass(frozen=True)
class Scoring:
    """The scoring options the commands share (see :func:`newsevents.eval.score.score`)."""

    span_mode: str = "exact"
    schema: Path | None = None
    strict: bool = False
    bootstrap: int = DEFAULT_RESAMPLES
    seed: int = 0
    entity_scope: EntityScope = DEFAULT_ENTITY_SCOPE

    def score(self, gold: Sequence[Document], predictions: Sequence[Document], file: str | Path, lines: dict[str, int]) -> Report:
        """Score, naming ``file`` and the line of the offending prediction in any error."""
        with located_in_predictions(file, lines):
            return score(gold, predictions, span_mode=self.span_mode, schema=load_schema(self.schema),
                         strict_labels=self.strict, bootstrap=self.bootstrap, seed=self.seed, entity_scope=self.entity_scope)


def _load_gold(gold: Path, split: str | None, gold_format: str, schema: Path | None) -> list[Document]:
    """Read the gold and check it before trusting it: every problem is listed, the first one is the error.

    Gold in our format is checked against the ontology too; other formats keep their own type names
    (KAIROS, ACE), so only their structure is checked.
    """
    documents, lines = load_gold_with_lines(gold, split=split, fmt=gold_format)
    if not documents:
        raise NewsEventsError("no gold documents; give a file with at least one document", file=str(gold))
    try:
        check_documents(documents, file=gold, lines=lines, schema=load_schema(schema) if gold_format == NATIVE_FORMAT else None)
    except ValidationError as err:
        print_problems(f"problems in the gold {gold} (fix them before scoring against it)", problem_lines(err.problems, gold, lines))
        raise
    return documents


def print_warnings(warnings: Sequence[dict[str, str]], files: dict[str, Path]) -> None:
    """Each warning of :func:`newsevents.eval.score.input_warnings` as one line on stderr, naming its file."""
    for warning in warnings:
        where = files.get(warning["code"])
        errors.print(f"warning: {f'{where}: ' if where else ''}{warning['message']}")


def _percent(value: float) -> str:
    return f"{100 * value:.1f}"


def print_headline(report: Report, files: dict[str, Path] | None = None) -> None:
    """The headline metrics as a table on stdout; documents without prediction, unknown labels and
    warnings on stderr (``files`` maps a warning code to the file it is about)."""
    table = Table(title="Scores (micro, %; 95% bootstrap interval of F1)", title_justify="left")
    for column in ("metric", "P", "R", "F1", "F1 95% CI", "gold", "pred", "match"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name in metric_names("headline", "entities"):
        result = report.metrics[name]
        s = result.score
        low, high = result.ci95["f1"]
        table.add_row(name, _percent(s.precision), _percent(s.recall), _percent(s.f1),
                      f"{_percent(low)}-{_percent(high)}", str(s.n_gold), str(s.n_pred), str(s.n_match))
    console.print(table)
    missing = report.documents["without_prediction"]
    if missing:
        errors.print(f"note: {len(missing)} gold documents without prediction, scored as predicting nothing: "
                     + ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else ""))
    unknown = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in report.unknown_labels.items() if names)
    if unknown:
        errors.print(f"note: labels the ontology lacks, scored as wrong: {unknown}")
    print_warnings(report.warnings, files or {})


def write_reports(report: Report, outputs: dict[str, Path | None]) -> list[Path]:
    """Write the report in each requested rendering (``json``, ``markdown``, ``html``), all or nothing:
    every rendering is made first, and the files replace earlier ones only when all could be written."""
    from newsevents.eval import render
    from newsevents.jsonl import write_texts_atomically

    renderers = {"json": render.to_json, "markdown": render.to_markdown, "html": render.to_html}
    return write_texts_atomically({path: renderers[kind](report) for kind, path in outputs.items() if path is not None})


def _done(written: Sequence[Path]) -> None:
    if written:
        console.print("wrote " + ", ".join(map(str, written)))


@app.command("score")
def score_command(
    gold: Path = GOLD_OPTION,
    split: str | None = SPLIT_OPTION,
    pred: Path = typer.Option(..., "--pred", help="Predictions: documents JSONL (or --pred-format)."),
    gold_format: str = GOLD_FORMAT_OPTION,
    pred_format: str = PRED_FORMAT_OPTION,
    span_mode: str = SPAN_MODE_OPTION,
    entity_scope: EntityScope = ENTITY_SCOPE_OPTION,
    schema: Path | None = SCHEMA_OPTION,
    strict: bool = STRICT_OPTION,
    bootstrap: int = BOOTSTRAP_OPTION,
    seed: int = SEED_OPTION,
    json_out: Path | None = JSON_OPTION,
    markdown_out: Path | None = MARKDOWN_OPTION,
    html_out: Path | None = HTML_OPTION,
) -> None:
    """Score predictions against gold; print the headline table, write the requested reports.

    A gold document without prediction is scored as predicting nothing and listed in the report
    (documents.without_prediction). Predictions for unknown documents, malformed lines and spans that
    do not fit the gold text are errors naming file, line and document.

    Example: newsevents eval score --gold build/newsevents --split test --pred predictions.jsonl --json report.json
    """
    gold_docs = _load_gold(gold, split, gold_format, schema)
    predictions, lines = load_predictions(pred, pred_format, reference=gold_docs)
    report = Scoring(span_mode, schema, strict, bootstrap, seed, entity_scope).score(gold_docs, predictions, pred, lines)
    print_headline(report, {"no_predictions": pred, "no_gold_events": gold})
    _done(write_reports(report, {"json": json_out, "markdown": markdown_out, "html": html_out}))


@app.command("run")
def run_command(
    gold: Path = GOLD_OPTION,
    split: str | None = SPLIT_OPTION,
    gold_format: str = GOLD_FORMAT_OPTION,
    predictions: Path | None = typer.Option(None, "--predictions", help="A predictions JSONL file made earlier."),
    extractor: str | None = typer.Option(None, "--extractor", help="module:attr of an object with predict(documents), or a callable."),
    baseline: str | None = typer.Option(None, "--baseline", help="A baseline name (its shipped model: lexicon, crf) or a model folder (newsevents baselines train)."),
    command: str | None = typer.Option(None, "--command", help="A command reading documents JSONL on stdin, writing predictions JSONL on stdout."),
    url: str | None = typer.Option(None, "--url", help='An HTTP endpoint answering POST {"documents": [...]} with {"predictions": [...]}.'),
    llm: str | None = typer.Option(None, "--llm", help="A chat model's name at an OpenAI-compatible endpoint (--base-url)."),
    base_url: str | None = typer.Option(None, "--base-url", help="--llm: the API root, e.g. http://127.0.0.1:8000/v1 (default $NEWSEVENTS_LLM_BASE_URL)."),
    shots: int | None = typer.Option(None, "--shots", min=0, help="--llm: few-shot examples per request, from the train split of --gold (a dataset folder)."),
    concurrency: int | None = typer.Option(None, "--concurrency", min=1, help="--llm: requests in flight at once (default 4)."),
    cache_dir: str | None = typer.Option(None, "--cache-dir", help="--llm: where answers are cached (default .cache/newsevents-llm)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="--llm: neither read nor write the answer cache."),
    keep_unknown: bool = typer.Option(False, "--keep-unknown", help="--llm: keep labels outside the ontology (scored as wrong) instead of dropping them."),
    guidelines: bool = typer.Option(False, "--guidelines", help="--llm: put each type's section of the guidelines into the prompt."),
    price_prompt: float | None = typer.Option(None, "--price-prompt", min=0, help="--llm: price per million prompt tokens, for the report's cost per 1,000 documents."),
    price_completion: float | None = typer.Option(None, "--price-completion", min=0, help="--llm: price per million completion tokens."),
    timeout: float | None = typer.Option(None, "--timeout", min=0.001, help="Seconds: --command is killed after it; --url waits this long per request (default 60)."),
    retries: int | None = typer.Option(None, "--retries", min=0, help="--url: further attempts after a connection error or a 5xx answer (default 3)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for predictions.jsonl, report.json, report.md and report.html."),
    span_mode: str = SPAN_MODE_OPTION,
    entity_scope: EntityScope = ENTITY_SCOPE_OPTION,
    schema: Path | None = SCHEMA_OPTION,
    strict: bool = STRICT_OPTION,
    bootstrap: int = BOOTSTRAP_OPTION,
    seed: int = SEED_OPTION,
) -> None:
    """Run an extractor on the gold texts (gold annotations removed), save its predictions and score them.

    Give exactly one of --predictions, --extractor, --command, --url, --baseline and --llm. The API key of
    --llm comes from $NEWSEVENTS_LLM_API_KEY (or $OPENAI_API_KEY) and is written nowhere. OUT/predictions.jsonl can be
    re-scored with `newsevents eval score`; the reports carry the run facts (runner, seconds,
    documents per second, peak memory and what it measures, the command's stderr) under "run".

    Example: newsevents eval run --gold build/newsevents --split test --command "python my_extractor.py" --out runs/mine
    """
    chosen = {flag: value for flag, value in zip(RUNNER_OPTIONS, (predictions, extractor, command, url, baseline, llm)) if value is not None}
    if len(chosen) != 1:
        given = f"got {', '.join(chosen)}" if chosen else "got none"
        raise NewsEventsError(f"give exactly one of {', '.join(RUNNER_OPTIONS)} ({given})")
    (flag, target), = chosen.items()
    options: dict[str, Any] = {"timeout": timeout, "retries": retries}
    if flag == "--llm":
        options.update(base_url=base_url, shots=shots, concurrency=concurrency, cache_dir=cache_dir, use_cache=not no_cache,
                       keep_unknown=keep_unknown, guidelines=guidelines, train=str(gold) if shots else None,
                       price_prompt=price_prompt, price_completion=price_completion)
    runner = make_runner(RUNNER_OPTIONS[flag], str(target), **options)
    gold_docs = _load_gold(gold, split, gold_format, schema)
    result = run_extractor(runner, gold_docs)
    saved = out / RUN_FILES["predictions"]
    write_documents(saved, result.predictions)
    lines = {d.id: line for line, d in enumerate(result.predictions, start=1)}
    report = Scoring(span_mode, schema, strict, bootstrap, seed, entity_scope).score(gold_docs, result.predictions, saved, lines)
    report.run = {"gold": str(gold), "split": split, **result.to_dict()}
    print_headline(report, {"no_predictions": saved, "no_gold_events": gold})
    memory = "not measured" if result.peak_memory_mb is None else f"{result.peak_memory_mb:.1f} MiB peak"
    console.print(f"ran {result.runner['name']} on {len(gold_docs)} documents in {result.seconds:.2f} s "
                  f"({result.documents_per_second:.1f} documents/s, memory {memory})")
    written = write_reports(report, {kind: out / RUN_FILES[kind] for kind in ("json", "markdown", "html")})
    _done([saved, *written])


@app.command("compare")
def compare_command(
    system_a: Path = typer.Argument(..., help="Predictions of system A."),
    system_b: Path = typer.Argument(..., help="Predictions of system B."),
    gold: Path = GOLD_OPTION,
    split: str | None = SPLIT_OPTION,
    gold_format: str = GOLD_FORMAT_OPTION,
    pred_format: str = PRED_FORMAT_OPTION,
    span_mode: str = SPAN_MODE_OPTION,
    entity_scope: EntityScope = ENTITY_SCOPE_OPTION,
    schema: Path | None = SCHEMA_OPTION,
    bootstrap: int = typer.Option(DEFAULT_RESAMPLES, "--bootstrap", min=1, help="Paired bootstrap resamples (1 or more)."),
    seed: int = SEED_OPTION,
    json_out: Path | None = JSON_OPTION,
    markdown_out: Path | None = MARKDOWN_OPTION,
) -> None:
    """Compare two systems on the same gold with a paired bootstrap over documents; print the table.

    Example: newsevents eval compare --gold build/newsevents --split test runs/a/predictions.jsonl runs/b/predictions.jsonl --markdown compare.md
    """
    from newsevents.eval import compare as comparing, render

    gold_docs = _load_gold(gold, split, gold_format, schema)
    systems = []
    for path in (system_a, system_b):
        predictions, lines = load_predictions(path, pred_format, reference=gold_docs)
        with located_in_predictions(path, lines):
            validate_predictions(gold_docs, predictions)
        systems.append(predictions)
        warnings = [w for w in input_warnings(gold_docs, predictions) if w["code"] == "no_predictions"]
        print_warnings(warnings, {"no_predictions": path})
    print_warnings([w for w in input_warnings(gold_docs, systems[0]) if w["code"] == "no_gold_events"], {"no_gold_events": gold})
    comparison = comparing.compare(gold_docs, systems[0], systems[1], resamples=bootstrap, seed=seed, span_mode=span_mode,
                                    entity_scope=entity_scope)
    markdown = render.comparison_markdown(comparison)
    console.print(markdown, markup=False)
    written = []
    if json_out is not None:
        with atomic_write(json_out) as handle:
            handle.write(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n")
        written.append(json_out)
    if markdown_out is not None:
        with atomic_write(markdown_out) as handle:
            handle.write(markdown)
        written.append(markdown_out)
    _done(written)
