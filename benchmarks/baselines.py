"""Baseline speed on two cores, against spaCy's blank tokenizer over the same documents in the same run.

For each baseline that can run here (``lexicon``, ``crf``, ``minilm`` when installed):

1. training time: a fit from scratch on the train split with the hyper-parameters of its model
   (the shipped one; for ``minilm``, which does not ship, the seed-0 model that
   ``newsevents baselines results`` trains into ``build/baselines/minilm-seed0``; or ``--models DIR/<name>``),
   no search;
2. prediction speed on the dev + test documents (best of ``--repeat`` passes): documents/s and
   tokens/s, and the cost as a multiple of tokenisation: the seconds of a prediction pass divided by
   the seconds of ``spacy.blank("en").tokenizer.pipe`` over the same texts (the same tokenizer the
   corpus was segmented with), measured in this run.

Usage: python benchmarks/baselines.py [--corpus build/newsevents] [--repeat 3] [--json out.json]
The last line is machine-readable: ``<name>_train_s=<s> <name>_docs_per_s=<x> <name>_x_tokenizer=<x> ...``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # two cores: at most two BLAS threads
    os.environ[_var] = "2"

import argparse
import json
import sys
import time
from pathlib import Path


def pin_to_two_cores() -> list[int]:
    cores = sorted(os.sched_getaffinity(0))[:2]
    os.sched_setaffinity(0, set(cores))
    return cores


def best_of(repeat: int, run) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="build/newsevents", help="A corpus built by `newsevents corpus build`.")
    parser.add_argument("--models", default=None, help="A folder with <name>/ model folders (default: the shipped models).")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None, help="Also write the results here.")
    args = parser.parse_args()
    cores = pin_to_two_cores()

    import spacy

    from newsevents.baselines import ORDER, baseline_class, has_shipped, load_extractor
    from newsevents.baselines.results import availability, model_folders
    from newsevents.baselines.training import load_corpus_splits

    corpus = load_corpus_splits(args.corpus, test=True)
    documents = [*corpus.dev, *(corpus.test or [])]
    texts = [d.text for d in documents]
    tokens = sum(len(d.tokens) for d in documents)
    nlp = spacy.blank("en")
    tokenizer_s = best_of(args.repeat, lambda: list(nlp.tokenizer.pipe(texts)))
    results: dict[str, dict[str, float]] = {"tokenizer": {"seconds": tokenizer_s, "docs_per_s": len(texts) / tokenizer_s,
                                                          "tokens_per_s": tokens / tokenizer_s}}
    print(f"{len(documents)} documents ({tokens} tokens; dev + test) on cores {cores}")
    print(f"spacy blank tokenizer: {len(texts) / tokenizer_s:,.0f} docs/s, {tokens / tokenizer_s:,.0f} tokens/s")
    for name in ORDER:
        missing = availability(name)
        folder = Path(args.models) / name if args.models else None
        if folder is None and not missing and baseline_class(name).stochastic:
            folder = model_folders(name)[0][1]
        if missing or (folder is None and not has_shipped(name)) or (folder is not None and not folder.is_dir()):
            print(f"{name}: skipped ({missing or 'no model'})")
            continue
        model = load_extractor(str(folder) if folder is not None else name)
        cls = baseline_class(name)
        cls.clear_caches()
        started = time.perf_counter()
        cls(**model.get_params()).fit(corpus.train)
        train_s = time.perf_counter() - started
        model.predict(documents[:2])  # warm-up: lazily opened taggers, imports
        predict_s = best_of(args.repeat, lambda: model.predict(documents))
        results[name] = {"train_seconds": train_s, "predict_seconds": predict_s, "docs_per_s": len(documents) / predict_s,
                         "tokens_per_s": tokens / predict_s, "x_tokenizer": predict_s / tokenizer_s}
        print(f"{name}: trained in {train_s:.1f} s on {len(corpus.train)} documents; predicts {len(documents) / predict_s:,.0f} docs/s, "
              f"{tokens / predict_s:,.0f} tokens/s = {predict_s / tokenizer_s:.0f}x the tokenizer's time")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(" ".join(f"{name}_train_s={r['train_seconds']:.2f} {name}_docs_per_s={r['docs_per_s']:.1f} {name}_x_tokenizer={r['x_tokenizer']:.1f}"
                   for name, r in results.items() if name != "tokenizer"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
