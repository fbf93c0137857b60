"""``newsevents baselines``: list, train, predict with, and report the baselines.

The commands parse, call the library (:mod:`newsevents.baselines.training`,
:mod:`newsevents.baselines.results`) and print; nothing here computes anything the library lacks.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from newsevents.baselines import BASELINES, ORDER, has_shipped, load_extractor
from newsevents.baselines.base import card_scores
from newsevents.console import console, errors, progress_bar, progress_display

app = typer.Typer(help="The baselines: list them, train one, predict with one, regenerate baselines/RESULTS.md.",
                  no_args_is_help=True)

CORPUS_OPTION = typer.Option(Path("build/newsevents"), "--corpus",
                             help="A corpus built by `newsevents corpus build` (train and dev splits are used).")


def _names() -> list[str]:
    return [n for n in ORDER if n in BASELINES] + [n for n in BASELINES.names() if n not in ORDER]


@app.command("list")
def list_command() -> None:
    """List the baselines: name, what each is, whether a shipped model exists.

    Example: newsevents baselines list
    """
    from newsevents.baselines.results import availability

    table = Table(title="Baselines (weakest first)", title_justify="left")
    for column in ("name", "what it is", "shipped model"):
        table.add_column(column)
    for name in _names():
        missing = availability(name)
        if missing:
            table.add_row(name, "-", escape(missing))
            continue
        cls = BASELINES.get(name)
        shipped = f"yes (newsevents/baselines/models/{name})" if has_shipped(name) else f"no (train one: newsevents baselines train {name} --out DIR)"
        table.add_row(name, cls.summary, shipped)
    console.print(table)


@app.command("train")
def train_command(
    name: str = typer.Argument(..., help="The baseline to train (see `newsevents baselines list`)."),
    corpus: Path = CORPUS_OPTION,
    out: Path = typer.Option(..., "--out", "-o", help="The model folder to write (config.json, state, README.md)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the baselines that take one."),
    no_search: bool = typer.Option(False, "--no-search", help="Fit the default hyper-parameters (no search on dev)."),
    settings: list[str] = typer.Option([], "--set", metavar="NAME=VALUE",
                                       help="Fix a hyper-parameter (repeatable; the value is read as JSON, else a string)."),
) -> None:
    """Train a baseline: fit on train, choose hyper-parameters on dev, score on dev, write a model folder.

    Example: newsevents baselines train crf --corpus build/newsevents --out models/crf --seed 0
    Example: newsevents baselines train minilm --no-search --set epochs=6 --set lr=5e-5 --out build/minilm-e6
    """
    from newsevents.baselines import baseline_class
    from newsevents.baselines.base import grid_size
    from newsevents.baselines.training import fixed_params, load_corpus_splits, train

    if name not in BASELINES:
        raise BASELINES.error(BASELINES.unknown(name))
    cls = baseline_class(name)
    params = fixed_params(cls, dict(_setting(text) for text in settings))
    started = time.perf_counter()
    splits = load_corpus_splits(corpus)
    steps = (0 if no_search else grid_size(cls)) + 1
    with progress_display() as progress:
        candidates = progress.add_task(f"training {name}: dev search and scoring", total=steps)
        fitting = progress.add_task("  steps of the current fit", total=None, visible=False)

        def on_progress(done: int, total: int) -> None:
            progress.update(fitting, completed=done, total=total, visible=True)

        outcome = train(name, splits, seed=seed, select_on_dev=not no_search, params=params,
                        on_step=lambda _: progress.advance(candidates, 1), on_progress=on_progress)
    folder = outcome.estimator.save(out, scores={splits.dev_split: card_scores(outcome.dev_report)})
    total = time.perf_counter() - started
    dev = ", ".join(f"{m} {100 * outcome.dev_report.f1(m):.1f}" for m in ("TI", "TC", "AC", "AC+"))
    chosen = (getattr(outcome.estimator, "selection_", None) or {}).get("chosen", {})
    console.print(f"trained {name} on {len(splits.train)} train documents in {outcome.training_seconds:.1f} s "
                  f"(dev search {outcome.selection_seconds:.1f} s, {total:.1f} s in all); {splits.dev_split} F1: {dev}")
    if chosen:
        console.print("chosen on dev: " + ", ".join(f"{k}={v}" for k, v in chosen.items()))
    console.print(f"wrote {folder}")


def _setting(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` -> (name, value): the value read as JSON (numbers, true/false), else kept as a string."""
    import json

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise typer.BadParameter(f"{text!r} is not NAME=VALUE (for example --set epochs=6)", param_hint="--set")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


@app.command("predict")
def predict_command(
    model: str = typer.Argument(..., help="A baseline name (its shipped model) or a model folder."),
    documents: Path = typer.Argument(..., help="Documents JSONL (segmented: `newsevents corpus ingest` output)."),
    out: Path = typer.Option(..., "--out", "-o", help="Predictions JSONL to write."),
) -> None:
    """Predict events with a baseline, streaming documents in and predictions out.

    Example: newsevents baselines predict crf docs.jsonl --out predictions.jsonl
    """
    from newsevents.jsonl import atomic_write, dumps, read_records
    from newsevents.jsonl import read_documents

    extractor = load_extractor(model)
    total = sum(1 for _ in read_records(documents))
    count = 0
    started = time.perf_counter()
    with atomic_write(out) as handle, progress_bar(f"predicting with {extractor.name}", total) as advance:
        for prediction in extractor.predict_iter(read_documents(documents)):
            handle.write(dumps(prediction.to_dict()) + "\n")
            count += 1
            advance(1)
    seconds = time.perf_counter() - started
    rate = count / seconds if seconds > 0 else 0.0
    console.print(f"predicted {count} documents with {extractor.name} in {seconds:.2f} s ({rate:.1f} docs/s); wrote {out}")


@app.command("results")
def results_command(
    corpus: Path = CORPUS_OPTION,
    retrain: bool | None = typer.Option(None, "--retrain/--no-retrain",
                                        help="Retrain every model / none (default: only models not trained on this corpus)."),
    work_dir: Path = typer.Option(Path("build/baselines"), "--work-dir", help="Per-seed models of stochastic baselines."),
    bootstrap: int = typer.Option(1000, "--bootstrap", help="Bootstrap resamples of the intervals and comparisons."),
) -> None:
    """Regenerate baselines/RESULTS.md and eval/leaderboard.json: retrain stale models, score dev and test, compare.

    Example: newsevents baselines results --corpus build/newsevents
    """
    from newsevents.baselines.results import LEADERBOARD_PATH, RESULTS_PATH, regenerate

    def every_tenth(done: int, total: int) -> None:  # a log line per tenth of a long fit (minilm's steps)
        if total >= 10 and done % (total // 10) == 0:
            errors.print(f"  step {done}/{total} after {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    leaderboard = regenerate(corpus, retrain=retrain, work_dir=work_dir, bootstrap=bootstrap,
                             on_step=lambda step: errors.print(f"{step} ..."), on_progress=every_tenth)
    for entry in leaderboard["baselines"]:
        if "scores" in entry:
            test = entry["scores"]["test"]
            console.print(f"{entry['name']}: test TC F1 {100 * test['TC']['f1']:.1f}, AC+ F1 {100 * test['AC+']['f1']:.1f}")
        else:
            console.print(f"{entry['name']}: {entry['status']}", markup=False)
    console.print(f"wrote {RESULTS_PATH}, {LEADERBOARD_PATH} in {time.perf_counter() - started:.0f} s")


__all__ = ["app"]
