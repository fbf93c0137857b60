"""LLM extractor throughput against a scripted local Chat Completions server with a fixed delay.

    python benchmarks/llm.py [--documents 64] [--delay 0.05]

The server (tests/fixtures/chat_server.py, a real HTTP server on 127.0.0.1) answers every request after
``--delay`` seconds, like a model whose generation takes that long. For concurrency 1, 4 and 16 it
prints documents/s and the ratio to the ideal speed-up (concurrency x the speed at concurrency 1), then
the cost of a fully cached rerun (no request sent) as a share of the first run. The reference is the
concurrency-1 run of the same process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fixtures.chat_server import ChatServer, Reply, completion  # noqa: E402

from newsevents.document import Document, Segment  # noqa: E402
from newsevents.llm import LLMExtractor  # noqa: E402

ANSWER = json.dumps({"events": [{"type": "Justice.Arrest", "trigger": "arrested", "realis": "actual",
                                 "arguments": [{"role": "Agent", "text": "Police", "entity_type": "ORG"}]}]})


def documents(n: int) -> list[Document]:
    out = []
    for i in range(n):
        text = f"Police arrested {i + 2} men in Kabul on Monday."
        out.append(Document(f"d{i}", text, paragraphs=(Segment(0, len(text), "body"),)))
    return out


def run(server: ChatServer, docs: list[Document], concurrency: int, cache_dir: Path | None) -> float:
    extractor = LLMExtractor("stand-in", base_url=server.base_url, concurrency=concurrency,
                             cache_dir=cache_dir, use_cache=cache_dir is not None)
    started = time.perf_counter()
    extractor.predict(docs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=64)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds the server takes per request")
    args = parser.parse_args()
    docs = documents(args.documents)
    with ChatServer(lambda body, n: Reply(200, completion(ANSWER).body, delay=args.delay)) as server:
        base = None
        for concurrency in (1, 4, 16):
            seconds = run(server, docs, concurrency, None)
            rate = len(docs) / seconds
            base = base or rate
            ideal = min(concurrency, len(docs)) * base
            print(f"concurrency {concurrency:>2}: {rate:8.1f} documents/s  ({rate / ideal:.2f} of the ideal {ideal:.1f})")
        with tempfile.TemporaryDirectory() as cache:
            before = len(server.requests)
            first = run(server, docs, 4, Path(cache))
            rerun = run(server, docs, 4, Path(cache))
            sent = len(server.requests) - before
    print(f"cached rerun: {rerun:.3f} s vs {first:.3f} s for the first run ({rerun / first:.3f} of it); "
          f"requests sent by both runs: {sent} for {len(docs)} documents")


if __name__ == "__main__":
    main()
