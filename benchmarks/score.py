"""Scorer speed and memory, each against a reference measured in the same run, on one core.

1. BIO span scoring: ``newsevents.eval.bio_metrics.bio_score`` against ``seqeval`` (strict IOB2)
   on the same generated tag sequences: identical precision, recall and F1, and the speed ratio.
2. A full report (every metric, per-type tables, error analysis, 1,000 bootstrap resamples, JSON
   and Markdown rendered) on 10,000 generated documents (about 100,000 events).
3. Peak memory (maximum resident set size of a child process) of scoring 1,000,000 events
   (100,000 documents), reported against the same child's resident size after generating the
   documents, before scoring.

Usage: python benchmarks/score.py [--quick]    (--quick skips step 3, which takes a few minutes)
The last line is machine-readable:
``speedup_vs_seqeval=<x> identical=<true|false> bootstrap_10k_s=<s> peak_mb_1m_events=<mb>``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core: no BLAS threads
    os.environ[_var] = "1"

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def pin_to_one_core() -> int:
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def generated_tags(n_sentences: int, length: int, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    """Gold tags with spans of 1-3 tokens over 8 labels; predictions with 20% of spans perturbed."""
    rng = random.Random(seed)
    labels = [f"L{i}" for i in range(8)]
    gold, pred = [], []
    for _ in range(n_sentences):
        g = ["O"] * length
        i = 0
        while i < length:
            if rng.random() < 0.15:
                label, size = rng.choice(labels), rng.randint(1, 3)
                for k in range(i, min(length, i + size)):
                    g[k] = ("B-" if k == i else "I-") + label
                i += size
            i += 1
        p = list(g)
        for k in range(length):
            if rng.random() < 0.05:
                p[k] = rng.choice(["O", "B-" + rng.choice(labels), "I-" + rng.choice(labels)])
        gold.append(g)
        pred.append(p)
    return gold, pred


def bio_versus_seqeval() -> tuple[float, bool]:
    from seqeval.metrics.v1 import precision_recall_fscore_support  # what f1_score(mode='strict') calls
    from seqeval.scheme import IOB2

    from newsevents.eval.bio_metrics import bio_score

    gold, pred = generated_tags(20_000, 30, seed=1)
    ours_s = min(_timed(lambda: bio_score(gold, pred))[0] for _ in range(3))
    ours = bio_score(gold, pred)
    # One seqeval call that computes precision, recall and F1 together, as bio_score does.
    seqeval_s, (p, r, f, _) = _timed(lambda: precision_recall_fscore_support(
        gold, pred, average="micro", scheme=IOB2, zero_division=0))
    reference = (float(p), float(r), float(f))
    identical = (ours.precision, ours.recall, ours.f1) == reference
    print(f"BIO span P/R/F1 on 20,000 sentences x 30 tags: newsevents {ours_s:.3f} s (best of 3), seqeval {seqeval_s:.3f} s "
          f"(one precision_recall_fscore_support call, strict IOB2), ratio {seqeval_s / ours_s:.1f}x, identical={identical} "
          f"(F1 {ours.f1:.6f} vs {reference[2]:.6f})")
    return seqeval_s / ours_s, identical


def _timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def full_report_10k() -> float:
    from synthetic import synthetic_corpus

    from newsevents.eval.render import to_json, to_markdown
    from newsevents.eval.score import score

    gold, pred = synthetic_corpus(10_000, seed=2)
    events = sum(len(d.events) for d in gold)
    seconds, report = _timed(lambda: (lambda r: (to_json(r), to_markdown(r), r)[-1])(score(gold, pred, bootstrap=1000)))
    no_bootstrap, _ = _timed(lambda: score(gold, pred, bootstrap=0, errors=False))
    print(f"full report, 10,000 documents ({events:,} gold events), 1,000 resamples, errors, JSON + Markdown: {seconds:.2f} s "
          f"(reference in the same run: the scores alone, no bootstrap, no error analysis: {no_bootstrap:.2f} s); "
          f"TC F1 {report.f1('TC'):.3f}")
    return seconds


CHILD = """
import json, resource, sys
sys.path.insert(0, {here!r})
from synthetic import synthetic_corpus
from newsevents.eval.score import score
gold, pred = synthetic_corpus(100_000, seed=3)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
report = score(gold, pred, bootstrap=1000)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"events": sum(len(d.events) for d in gold), "rss_after_generation_mb": before, "peak_mb": after, "tc_f1": report.f1("TC")}}))
"""


def peak_memory_1m_events(core: int) -> float:
    start = time.perf_counter()
    out = subprocess.run(["taskset", "-c", str(core), sys.executable, "-c", CHILD.format(here=str(HERE))],
                         capture_output=True, text=True, check=True)
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"1,000,000-event scoring ({facts['events']:,} gold events, 100,000 documents) in a child process: peak RSS "
          f"{facts['peak_mb']:.0f} MB, of which {facts['rss_after_generation_mb']:.0f} MB held the generated documents "
          f"before scoring; {time.perf_counter() - start:.0f} s in all")
    return facts["peak_mb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="Skip the 1,000,000-event memory measurement.")
    args = parser.parse_args()
    core = pin_to_one_core()
    print(f"pinned to core {core} of {os.cpu_count()}")
    speedup, identical = bio_versus_seqeval()
    seconds = full_report_10k()
    peak = float("nan") if args.quick else peak_memory_1m_events(core)
    print(f"speedup_vs_seqeval={speedup:.1f} identical={str(identical).lower()} bootstrap_10k_s={seconds:.2f} peak_mb_1m_events={peak:.0f}")


if __name__ == "__main__":
    main()
