"""Push 1,000 pre-annotated tasks to a real Label Studio and pull them back (tasks/s both ways).

A server is started from a migrated template on a free loopback port (installed on first use, as
``newsevents annotate server`` does). Each task is a synthetic document of about 60 words with 10
events and their arguments as a prediction; every task then gets one annotation equal to its
prediction (through the API, not timed), and the pull exports, converts and validates them all.

Reference measured in the same run: building the 1,000 tasks in Python without any server (the
conversion's share of the push).

Usage: python benchmarks/label_studio.py [--tasks 1000]
Last line: ``push_s=<s> push_tasks_per_s=<x> pull_s=<s> pull_tasks_per_s=<x> targets_met=<true|false>``
(targets: push <= 30 s, pull and convert <= 10 s).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()

    from synthetic import synthetic_document

    from newsevents.annotation.label_studio.projects import build_tasks, connect, pull, push
    from newsevents.annotation.label_studio.server import LabelStudioServer, ServerSettings, ensure_installed, migrated_template
    from newsevents.ontology import load_schema
    from newsevents.corpus.segment import Segmenter
    from newsevents.document import Segment

    schema = load_schema()
    rng = random.Random(5)
    segmenter = Segmenter()
    documents = []
    for i in range(args.tasks):
        doc = synthetic_document(rng, f"bench-{i:04d}", n_events=10, n_entities=15)
        # synthetic types must be the ontology's own for the pull's validation
        doc = replace(doc, entities=tuple(replace(m, type="PER") for m in doc.entities),
                      events=tuple(replace(e, type="Life.Die", arguments=tuple(replace(a, role="Victim") for a in e.arguments))
                                   for e in doc.events))
        paragraphs = (Segment(0, len(doc.text), "body"),)
        seg = segmenter.segment(doc.text, paragraphs)
        documents.append(replace(doc, paragraphs=paragraphs, sentences=seg.sentences, tokens=seg.tokens))

    start = time.perf_counter()
    tasks, _ = build_tasks(documents, {"bench": documents})
    build_s = time.perf_counter() - start
    print(f"reference: building {len(tasks)} tasks in Python (no server): {build_s:.2f} s")

    executable = ensure_installed()
    with tempfile.TemporaryDirectory() as tmp:
        template = migrated_template(Path(tmp) / "template", executable=executable)
        data = Path(tmp) / "data"
        shutil.copytree(template, data)
        with LabelStudioServer(ServerSettings(data), executable=executable) as server:
            client = connect(server.url, server.token)
            start = time.perf_counter()
            report = push(client, "benchmark", schema, documents, {"bench": documents})
            push_s = time.perf_counter() - start
            assert report.imported == len(tasks), report
            for task in client.tasks.list(project=report.project, fields="all"):
                prediction = task.predictions[0]
                result = prediction.result if hasattr(prediction, "result") else prediction["result"]
                client.annotations.create(id=task.id, result=result)
            start = time.perf_counter()
            pulled, problems = pull(client, "benchmark", schema)
            pull_s = time.perf_counter() - start
            assert not problems, problems[:3]
            assert sum(len(v) for v in pulled.values()) == len(documents)

    n = len(tasks)
    print(f"push: {n} tasks with predictions in {push_s:.2f} s ({n / push_s:.0f} tasks/s); "
          f"pull + convert + validate: {pull_s:.2f} s ({n / pull_s:.0f} tasks/s)")
    met = push_s <= 30 and pull_s <= 10
    print(f"push_s={push_s:.2f} push_tasks_per_s={n / push_s:.0f} pull_s={pull_s:.2f} pull_tasks_per_s={n / pull_s:.0f} "
          f"targets_met={str(met).lower()}")


if __name__ == "__main__":
    main()
