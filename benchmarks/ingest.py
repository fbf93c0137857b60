"""Ingest + segmentation throughput over the Wikinews texts, against bare spaCy in the same run.

What is timed: ``newsevents.corpus.ingest.ingest`` on a folder of ``.txt`` articles (read, decode,
normalise, segment into paragraphs, sentences and tokens, build Documents), with 1 and 2 worker
processes, on the 270 Wikinews articles and on the same replicated 10 times (2,700 files).

The reference: ``spacy.blank("en")`` + ``sentencizer`` piping the raw file texts, in one process,
measured in the same run: the floor any spaCy-based segmenter pays. ``ratio_vs_spacy`` is our
articles/s divided by the reference's (above 1 means faster than the single-process reference).

Usage: python benchmarks/ingest.py [--sources ../shared/sources] [--repeat 3]
The last line is machine-readable:
``articles_per_s=<x> tokens_per_s=<y> articles_per_s_10x=<x> jobs=2 target_met=<true|false>``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

TARGET_ARTICLES_PER_S = 300


def best_of(repeat: int, fn):  # type: ignore[no-untyped-def]
    """The fastest of ``repeat`` runs: ``(seconds, result)``."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best[0]:
            best = (elapsed, result)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "sources")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measurement; the fastest counts.")
    args = parser.parse_args()

    import spacy

    from newsevents.corpus.ingest import ingest

    wikinews = args.sources / "wikinews"
    files = sorted(wikinews.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {wikinews}")
    with tempfile.TemporaryDirectory() as tmp:
        single = Path(tmp) / "x1"
        replicated = Path(tmp) / "x10"
        single.mkdir()
        replicated.mkdir()
        for f in files:
            shutil.copy(f, single / f.name)
            for i in range(10):
                shutil.copy(f, replicated / f"{i}-{f.name}")

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        texts = [f.read_text(encoding="utf-8") for f in files]
        list(nlp.pipe(texts))  # warm the vocabulary, as ingest's workers warm up on their first batch
        ref_s, _ = best_of(args.repeat, lambda: list(nlp.pipe(texts)))
        ref_rate = len(files) / ref_s
        print(f"cores available: {os.cpu_count()}")
        print(f"reference spacy.blank('en')+sentencizer, 1 process: {len(files)} articles in {ref_s:.2f} s = {ref_rate:.0f} articles/s")

        rows = {}
        for label, folder, n in (("x1", single, len(files)), ("x10", replicated, 10 * len(files))):
            for jobs in (1, 2):
                seconds, result = best_of(args.repeat if label == "x1" else 1, lambda: ingest([folder], jobs=jobs))
                assert not result.failures, result.failures[:3]
                tokens = sum(len(d.tokens) for d in result.documents)
                rows[label, jobs] = (n / seconds, tokens / seconds)
                print(f"newsevents ingest {label} jobs={jobs}: {n} articles, {tokens} tokens in {seconds:.2f} s = "
                      f"{n / seconds:.0f} articles/s, {tokens / seconds:,.0f} tokens/s, ratio_vs_spacy={n / seconds / ref_rate:.2f}")

    articles, tokens = rows["x1", 2]
    articles_10x, _ = rows["x10", 2]
    met = min(articles, articles_10x) >= TARGET_ARTICLES_PER_S
    print(f"articles_per_s={articles:.0f} tokens_per_s={tokens:.0f} articles_per_s_10x={articles_10x:.0f} jobs=2 target_met={str(met).lower()}")


if __name__ == "__main__":
    main()
