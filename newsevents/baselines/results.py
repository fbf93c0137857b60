"""``newsevents baselines results``: train what is stale, score every baseline, write RESULTS.md and the leaderboard.

:func:`regenerate` is the one command behind both generated files:

1. :func:`ensure_models`: a model whose training data (sha256 of the train split) or ontology differs
   from the current corpus is retrained (:func:`newsevents.baselines.training.train`: fit on train,
   hyper-parameters on dev). ``lexicon`` and ``crf`` are the shipped models in
   ``newsevents/baselines/models/``; a stochastic baseline (``minilm``) has one model per seed of
   :data:`SEEDS` in ``work_dir`` (``build/baselines/<name>-seed<N>``).
2. :func:`collect`: every model predicts dev and test; each split is scored with every metric and 95%
   bootstrap intervals (1000 resamples, seed 0: the numbers ``newsevents eval run`` prints); each
   baseline is compared with the next weaker one by a paired bootstrap; costs are measured (training
   time from the model's config, prediction documents/s and tokens/s, peak Python memory while
   predicting (tracemalloc), model size on disk). Stochastic baselines report the mean and standard
   deviation over seeds; their comparisons use seed 0's predictions.
3. :func:`write`: ``eval/leaderboard.json`` holds everything; ``baselines/RESULTS.md`` is rendered from
   it alone (:func:`render`), so a test can check it is what this command generates.
"""

from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsevents.baselines import ORDER, baseline_class, shipped_path
from newsevents.baselines.base import Baseline, card_scores, corpus_version, model_card, read_config, today
from newsevents.baselines.training import DEFAULT_CORPUS, Corpus, load_corpus_splits, train
from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.jsonl import atomic_write
from newsevents.ontology import load_schema
from newsevents.paths import REPO_ROOT

RESULTS_PATH = REPO_ROOT / "baselines" / "RESULTS.md"
LEADERBOARD_PATH = REPO_ROOT / "eval" / "leaderboard.json"
#: Seeds of stochastic baselines (mean and standard deviation over these).
SEEDS = (0, 1, 2)
#: Where stochastic baselines' per-seed models are kept (they do not ship).
WORK_DIR = Path("build/baselines")
HEADLINE = ("TI", "TC", "AI", "AC", "AI+", "AC+")
VARIANTS = {
    "headline": HEADLINE,
    "strict": tuple(f"{m}-strict" for m in HEADLINE),
    "coreference": tuple(f"{m}-coref" for m in ("AI", "AC", "AI+", "AC+")),
}
#: The metrics a comparison table shows (the JSON has all).
COMPARED = ("TC", "AC+")
BOOTSTRAP = 1000
LEADERBOARD_FORMAT = "newsevents-leaderboard/1"


def model_folders(name: str, work_dir: Path = WORK_DIR) -> list[tuple[int | None, Path]]:
    """``(seed, folder)`` of each model of ``name``: the shipped one, or one per seed when stochastic."""
    cls = baseline_class(name)
    if cls.stochastic:
        return [(seed, Path(work_dir) / f"{name}-seed{seed}") for seed in SEEDS]
    return [(None, shipped_path(name))]


def is_current(folder: Path, corpus: Corpus) -> bool:
    """The folder holds a model trained on this corpus's train split, on the installed ontology, and by
    this version of its baseline: the same hyper-parameter names (a baseline that gained or lost one,
    a decoding threshold say, selects anew)."""
    try:
        config = read_config(folder)
        params = set(baseline_class(config["name"])().get_params())
    except (NewsEventsError, ImportError, KeyError):
        return False
    schema = load_schema()
    trained = config.get("training_data") or {}
    return (trained.get("sha256") == corpus.describe()["train"]["sha256"]
            and (config["schema"].get("name"), config["schema"].get("version")) == (schema.name, schema.version)
            and set(config.get("params") or {}) == params)


def availability(name: str) -> str | None:
    """``None`` when baseline ``name`` can run here, else why not ("not installed: ...")."""
    try:
        baseline_class(name)
    except (NewsEventsError, ImportError) as err:
        return f"not installed ({str(err).rsplit(': ', 1)[-1]})"
    return None


def ensure_models(corpus: Corpus, names: Sequence[str] = ORDER, *, retrain: bool | None = None, work_dir: Path = WORK_DIR,
                  on_step: Callable[[str], None] | None = None,
                  on_progress: Callable[[int, int], None] | None = None) -> dict[str, str]:
    """Train the models of ``names`` that are missing or stale (all with ``retrain=True``, none with False).

    ``on_step`` gets a line per model trained, ``on_progress(done, total)`` the steps within a fit.

    Returns name -> status: "current", "trained", "not installed (...)" or "not trained".
    """
    status = {}
    for name in names:
        missing = availability(name)
        if missing:
            status[name] = missing
            continue
        trained_any, absent = False, False
        for seed, folder in model_folders(name, work_dir):
            stale = not is_current(folder, corpus)
            if retrain or (retrain is None and stale):
                if on_step is not None:
                    on_step(f"training {name}" + (f" (seed {seed})" if seed is not None else ""))
                outcome = train(name, corpus, seed=seed or 0, on_progress=on_progress)
                outcome.estimator.save(folder, scores={corpus.dev_split: card_scores(outcome.dev_report)})
                trained_any = True
            elif stale:
                absent = True
        status[name] = "not trained" if absent else "trained" if trained_any else "current"
    return status


def _cells(report: Any) -> dict[str, dict[str, float]]:
    out = {}
    for name, result in report.metrics.items():
        s = result.score
        out[name] = {"f1": round(s.f1, 4), "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                     "low": round(result.ci95["f1"][0], 4), "high": round(result.ci95["f1"][1], 4),
                     "gold": s.n_gold, "pred": s.n_pred, "match": s.n_match}
    return out


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(estimator: Baseline, documents: Sequence[Document]) -> dict[str, float]:
    """Prediction speed (documents/s, tokens/s; one untraced pass) and peak Python memory (MiB, a traced pass)."""
    started = time.perf_counter()
    estimator.predict(documents)
    seconds = time.perf_counter() - started
    tokens = sum(len(d.tokens) for d in documents)
    tracemalloc.start()
    try:
        estimator.predict(documents)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {"documents_per_second": round(len(documents) / seconds, 1), "tokens_per_second": round(tokens / seconds),
            "peak_memory_mb": round(peak / 2**20, 1)}


def collect(corpus: Corpus, names: Sequence[str] = ORDER, *, work_dir: Path = WORK_DIR, bootstrap: int = BOOTSTRAP,
            status: dict[str, str] | None = None, on_step: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Score every available model on dev and test and compare neighbours: the leaderboard (JSON-ready)."""
    from newsevents.eval.compare import compare
    from newsevents.eval.score import score

    if corpus.test is None:
        raise NewsEventsError("the corpus has no test split to report", file=str(corpus.path))
    splits = {corpus.dev_split: corpus.dev, "test": corpus.test}
    entries, predictions = [], {}
    for name in names:
        cls_missing = availability(name)
        folders = [] if cls_missing else [(seed, folder) for seed, folder in model_folders(name, work_dir) if is_current(folder, corpus)]
        entry: dict[str, Any] = {"name": name, "status": (status or {}).get(name, "current")}
        if cls_missing or not folders:
            entry["status"] = cls_missing or "not trained"
            entries.append(entry)
            continue
        cls = baseline_class(name)
        per_seed: dict[str, list[dict[str, Any]]] = {split: [] for split in splits}
        per_type, realis, costs = {}, {}, []
        for seed, folder in folders:
            if on_step is not None:
                on_step(f"scoring {name}" + (f" (seed {seed})" if seed is not None else ""))
            estimator = Baseline.load(folder)
            config = read_config(folder)
            for split, gold in splits.items():
                predicted = estimator.predict(gold)
                report = score(gold, predicted, bootstrap=bootstrap, seed=0, errors=False)
                per_seed[split].append(_cells(report))
                if seed in (None, SEEDS[0]):
                    predictions[(name, split)] = predicted
                    per_type[split] = {t: {"f1": round(s.f1, 4), "gold": s.n_gold, "pred": s.n_pred}
                                       for t, s in sorted(report.per_type["TC"].items())}
                    realis[split] = round(report.realis["accuracy"], 4)
            costs.append({"training_seconds": round(float(config.get("fit_seconds", 0.0)), 2),
                          "selection_seconds": (config.get("selection") or {}).get("seconds"),
                          "model_size_kb": round(_folder_size(folder) / 1024, 1),
                          **measure(estimator, [*corpus.dev, *corpus.test])})
            if seed is None:
                _refresh_card(folder, config, {split: _card(per_seed[split][-1]) for split in splits})
        first = read_config(folders[0][1])
        entry.update({
            "summary": cls.summary,
            "stochastic": cls.stochastic,
            "seeds": [s for s, _ in folders if s is not None],
            "model": _relative(folders[0][1]),
            "params": first.get("params"),
            "selection": first.get("selection"),
            "training_data": first.get("training_data"),
            "scores": {split: _aggregate(rows) for split, rows in per_seed.items()},
            "per_type_tc": per_type,
            "realis_accuracy": realis,
            "costs": _mean_costs(costs),
        })
        entries.append(entry)
    ran = [e["name"] for e in entries if "scores" in e]
    for weaker, stronger in zip(ran, ran[1:]):
        entry = next(e for e in entries if e["name"] == stronger)
        entry["compared_with"] = {"baseline": weaker, "splits": {}}
        for split, gold in splits.items():
            comparison = compare(gold, predictions[(weaker, split)], predictions[(stronger, split)], resamples=bootstrap, seed=0)
            entry["compared_with"]["splits"][split] = {
                m: {"delta": round(c.delta, 4), "low": round(c.ci95[0], 4), "high": round(c.ci95[1], 4), "p_value": round(c.p_value, 4)}
                for m, c in comparison.metrics.items()}
    schema = load_schema()
    return {
        "format": LEADERBOARD_FORMAT,
        "generated": today(),
        "corpus": {"path": str(corpus.path), "version": corpus_version(), "dev_split": corpus.dev_split, "splits": corpus.describe()},
        "ontology": f"{schema.name} {schema.version}",
        "bootstrap": {"resamples": bootstrap, "seed": 0},
        "commands": {"regenerate": f"newsevents baselines results --corpus {corpus.path}",
                     "build": f"newsevents corpus build --texts ../shared/sources --out {corpus.path}"},
        "baselines": entries,
    }


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _card(cells: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {m: {"f1": round(100 * cells[m]["f1"], 1), "low": round(100 * cells[m]["low"], 1), "high": round(100 * cells[m]["high"], 1)}
            for m in HEADLINE}


def _refresh_card(folder: Path, config: dict[str, Any], scores: dict[str, Any]) -> None:
    """Rewrite a model folder's card with its dev and test scores (the state is not touched)."""
    with atomic_write(folder / "README.md") as handle:
        handle.write(model_card(config, scores))


def _aggregate(rows: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, Any]]:
    """One seed: its cells. Several: mean and sample standard deviation of F1 per metric, and each seed's F1."""
    if len(rows) == 1:
        return rows[0]
    out = {}
    for metric in rows[0]:
        values = [r[metric]["f1"] for r in rows]
        out[metric] = {"f1": round(statistics.fmean(values), 4), "sd": round(statistics.stdev(values), 4), "seeds": values}
    return out


def _mean_costs(costs: list[dict[str, Any]]) -> dict[str, Any]:
    if len(costs) == 1:
        return costs[0]
    return {k: (round(statistics.fmean(c[k] for c in costs), 2) if all(isinstance(c[k], (int, float)) for c in costs) else None)
            for k in costs[0]}


# ------------------------------------------------------------------------------------------ render
def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _cell(cell: dict[str, Any]) -> str:
    if "sd" in cell:
        return f"{_pct(cell['f1'])} ± {_pct(cell['sd'])}"
    return f"{_pct(cell['f1'])} [{_pct(cell['low'])}, {_pct(cell['high'])}]"


def _p(p: float) -> str:
    return "< 0.001" if p == 0 else f"{p:.3f}"


def render(leaderboard: dict[str, Any]) -> str:
    """``baselines/RESULTS.md`` from the leaderboard alone (deterministic: same leaderboard, same text)."""
    corpus = leaderboard["corpus"]
    gold = corpus["path"]
    dev = corpus["dev_split"]
    resamples = leaderboard["bootstrap"]["resamples"]
    entries = leaderboard["baselines"]
    ran = [e for e in entries if "scores" in e]
    lines = [
        "# Baseline results",
        "",
        f"Generated on {leaderboard['generated']} by `{leaderboard['commands']['regenerate']}` from the newsevents corpus "
        f"({corpus['version']}; ontology {leaderboard['ontology']}). Do not edit: `tests/test_baselines_results.py` checks that this "
        "file is what the command renders from `eval/leaderboard.json`.",
        "",
        "Corpus: " + ", ".join(f"{split} {info['documents']} documents (sha256 `{info['sha256'][:12]}`)" for split, info in corpus["splits"].items())
        + f". Build it with `{leaderboard['commands']['build']}`.",
        "",
        f"Every baseline is fit on `train`; its hyper-parameters are chosen on `{dev}` only (the grid and each candidate's dev F1 "
        "are in the model's `config.json` and in `eval/leaderboard.json`); `test` is only scored, here. F1 in percent with the 95% "
        f"bootstrap interval over documents ({resamples} resamples, seed 0); a stochastic baseline shows mean ± standard deviation "
        f"over seeds {', '.join(map(str, SEEDS))}. Metric definitions: `eval/METRICS.md`.",
        "",
    ]
    unavailable = [e for e in entries if "scores" not in e]
    if unavailable:
        lines += ["Not in the tables: " + "; ".join(f"`{e['name']}` {e['status']}" for e in unavailable) + ".", ""]
    titles = {"headline": "TextEE metrics", "strict": "Strict variants (one-to-one matching)", "coreference": "Coreference-aware argument credit"}
    for variant, metrics in VARIANTS.items():
        for split in ("test", dev):
            lines += [f"## {titles[variant]}, {split}", "", "| baseline | " + " | ".join(metrics) + " | reproduce |",
                      "| --- |" + " ---: |" * len(metrics) + " --- |"]
            for e in ran:
                command = f"`newsevents eval run --gold {gold} --split {split} --baseline {e['name'] if not e['stochastic'] else e['model']} --out runs/{e['name']}-{split}`"
                lines.append(f"| `{e['name']}` | " + " | ".join(_cell(e["scores"][split][m]) for m in metrics) + f" | {command} |")
            lines.append("")
    lines += ["## Paired bootstrap: each baseline against the next weaker one", "",
              "Delta = F1 of the stronger minus F1 of the weaker (points), its 95% interval and the two-sided paired-bootstrap "
              f"p-value ({resamples} resamples; definitions in `newsevents.eval.compare`).", "",
              "| comparison | split | " + " | ".join(f"Δ{m} [95% CI] | p ({m})" for m in COMPARED) + " | reproduce |",
              "| --- | --- |" + " ---: | ---: |" * len(COMPARED) + " --- |"]
    for e in ran:
        if "compared_with" not in e:
            continue
        weaker = e["compared_with"]["baseline"]
        for split in ("test", dev):
            c = e["compared_with"]["splits"][split]
            cells = " | ".join(f"{100 * c[m]['delta']:+.1f} [{100 * c[m]['low']:+.1f}, {100 * c[m]['high']:+.1f}] | {_p(c[m]['p_value'])}" for m in COMPARED)
            command = (f"`newsevents eval compare --gold {gold} --split {split} runs/{weaker}-{split}/predictions.jsonl "
                       f"runs/{e['name']}-{split}/predictions.jsonl`")
            lines.append(f"| `{e['name']}` vs `{weaker}` | {split} | {cells} | {command} |")
    lines.append("")
    types = sorted({t for e in ran for t in e["per_type_tc"]["test"]})
    lines += ["## TC F1 per event type, test", "", "Gold mentions per type in brackets; reproduce with the `eval run` commands above "
              "(`report.md`, per-type table).", "", "| event type | " + " | ".join(f"`{e['name']}`" for e in ran) + " |",
              "| --- |" + " ---: |" * len(ran)]
    for t in types:
        support = next((e["per_type_tc"]["test"][t]["gold"] for e in ran if t in e["per_type_tc"]["test"]), 0)
        lines.append(f"| {t} ({support}) | " + " | ".join(_pct(e["per_type_tc"]["test"][t]["f1"]) if t in e["per_type_tc"]["test"] else "-" for e in ran) + " |")
    lines.append("")
    lines += ["## Entities, realis and costs", "",
              "Entity mention F1 (exact span and type) and realis accuracy on matched triggers (test); training time is a fit of the "
              "chosen hyper-parameters from scratch (the dev search took the time in brackets); prediction speed over dev + test in "
              "one process; peak memory allocated through Python while predicting (tracemalloc); model size on disk. Speed against a "
              "tokenizer reference: `python benchmarks/baselines.py`.", "",
              "| baseline | entities F1 (test) | realis acc. (test) | training s (search s) | docs/s | tokens/s | peak MiB | model KiB | hyper-parameters (chosen on dev) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for e in ran:
        c = e["costs"]
        search = c.get("selection_seconds")
        lines.append(f"| `{e['name']}` | {_cell(e['scores']['test']['entities'])} | {_pct(e['realis_accuracy']['test'])} | "
                     f"{c['training_seconds']:.1f} ({'-' if search is None else f'{search:.0f}'}) | {c['documents_per_second']:.0f} | "
                     f"{c['tokens_per_second']:.0f} | {c['peak_memory_mb']:.1f} | {c['model_size_kb']:.0f} | "
                     f"`{json.dumps((e.get('selection') or {}).get('chosen', e['params']), sort_keys=True)}` |")
    lines.append("")
    return "\n".join(lines)


def write(leaderboard: dict[str, Any], results_path: Path = RESULTS_PATH, leaderboard_path: Path = LEADERBOARD_PATH) -> list[Path]:
    """Write the leaderboard JSON and the Markdown rendered from it, atomically."""
    with atomic_write(leaderboard_path) as handle:
        handle.write(json.dumps(leaderboard, indent=2, ensure_ascii=False) + "\n")
    with atomic_write(results_path) as handle:
        handle.write(render(leaderboard))
    return [results_path, leaderboard_path]


def regenerate(corpus: str | Path = DEFAULT_CORPUS, *, retrain: bool | None = None, work_dir: Path = WORK_DIR,
               bootstrap: int = BOOTSTRAP, on_step: Callable[[str], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None,
               results_path: Path = RESULTS_PATH, leaderboard_path: Path = LEADERBOARD_PATH) -> dict[str, Any]:
    """Train stale models, score all, write both files; returns the leaderboard."""
    splits = load_corpus_splits(corpus, test=True)
    status = ensure_models(splits, retrain=retrain, work_dir=work_dir, on_step=on_step, on_progress=on_progress)
    leaderboard = collect(splits, work_dir=work_dir, bootstrap=bootstrap, status=status, on_step=on_step)
    write(leaderboard, results_path, leaderboard_path)
    return leaderboard


__all__ = ["LEADERBOARD_PATH", "RESULTS_PATH", "SEEDS", "collect", "ensure_models", "regenerate", "render", "write"]
