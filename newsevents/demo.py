"""``newsevents demo``: the main job on the bundled example, with no arguments and no network.

1. Ingest the bundled seed article (normalise, segment) into ``OUT/documents.jsonl``.
2. Join it with its gold annotation (sha256 checked) into ``OUT/gold.jsonl``. The seed is not part
   of the corpus: it is third-party text that may not be redistributed, so its manifest entry, gold
   and split live beside the text, in the example corpus :data:`EXAMPLE_CORPUS`.
3. Build a local-only Hugging Face dataset folder ``OUT/dataset`` (its card says it must not be
   shared) and load it back with ``load_dataset``.
4. Extract events with the shipped ``crf`` baseline (trained on the corpus's train split, which the
   seed is not part of) into ``OUT/predictions.jsonl`` and score them: ``OUT/report.json``, ``.md``,
   ``.html``. One article gives no interval to speak of: these numbers show the pipeline working.
5. Write the Label Studio tasks of the seed with the ``crf`` predictions as pre-annotations,
   ``OUT/label-studio-tasks.json`` (Label Studio's JSON import), the same tasks that
   ``newsevents annotate push OUT/documents.jsonl --predictions OUT/predictions.jsonl`` sends.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer

from newsevents.ontology import load_schema
from newsevents.console import console
from newsevents.corpus.build import CorpusLayout, load_corpus, resolve_splits, write_dataset
from newsevents.corpus.ingest import ingest
from newsevents.corpus.manifest import load_manifest
from newsevents.annotation.label_studio.projects import build_tasks
from newsevents.baselines import load_shipped
from newsevents.errors import NewsEventsError
from newsevents.eval.render import to_html, to_json, to_markdown
from newsevents.eval.score import score
from newsevents.jsonl import atomic_write, write_documents
from newsevents.paths import EXAMPLE_CORPUS, EXAMPLES

#: Ingested example ids get this prefix, as in the example manifest.
EXAMPLE_ID_PREFIX = "seed-"


def demo(out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Folder for everything the demo writes.")) -> None:
    """Run the main job on the bundled example article: ingest, join gold, build the dataset, extract, score.

    Example: newsevents demo --out demo-output
    """
    schema = load_schema()
    out.mkdir(parents=True, exist_ok=True)

    layout = CorpusLayout(EXAMPLE_CORPUS)
    entries = load_manifest(layout.manifest)
    ingested = ingest([EXAMPLES / e.text_file for e in entries], id_prefix=EXAMPLE_ID_PREFIX)
    if ingested.failures:
        raise NewsEventsError(f"the bundled example did not ingest: {ingested.failures[0]}")
    write_documents(out / "documents.jsonl", ingested.documents)
    for doc in ingested.documents:
        kinds = [p.kind for p in doc.paragraphs]
        console.print(
            f"ingested [bold]{doc.id}[/]: {len(doc.text)} characters, {len(doc.paragraphs)} paragraphs "
            f"({', '.join(f'{kinds.count(k)} {k}' for k in dict.fromkeys(kinds))}), "
            f"{len(doc.sentences)} sentences, {len(doc.tokens)} tokens"
        )

    gold = load_corpus(EXAMPLE_CORPUS, [EXAMPLES], schema)
    write_documents(out / "gold.jsonl", gold)
    assignment, duplicates = resolve_splits(gold, layout.splits)
    report = write_dataset(gold, assignment, out / "dataset", schema, duplicates=duplicates, local_only=True)
    for doc in gold:
        types = sorted({e.type for e in doc.events})
        console.print(
            f"gold for [bold]{doc.id}[/]: {len(doc.events)} event mentions in {len({e.hopper for e in doc.events})} hoppers "
            f"({', '.join(types)}), {sum(len(e.arguments) for e in doc.events)} arguments, "
            f"{len(doc.entities)} entity mentions in {len({m.cluster for m in doc.entities if m.cluster})} clusters"
        )

    from datasets import load_dataset

    with tempfile.TemporaryDirectory() as cache:
        loaded = {config: load_dataset(str(report.out_dir), config, cache_dir=cache) for config in ("documents", "sentences")}
    rows = ", ".join(f"{config}: " + ", ".join(f"{split} {len(ds)} rows" for split, ds in dd.items()) for config, dd in loaded.items())
    console.print(f"dataset folder [bold]{report.out_dir}[/] (local-only: the seed may not be redistributed) loads back with datasets.load_dataset ({rows})")
    predictions = load_shipped("crf").predict(ingested.documents)
    write_documents(out / "predictions.jsonl", predictions)
    scores = score(gold, predictions, schema=schema)
    for name, render in (("report.json", to_json), ("report.md", to_markdown), ("report.html", to_html)):
        with atomic_write(out / name) as handle:
            handle.write(render(scores))
    headline = ", ".join(
        f"{m} F1 {scores.metrics[m].score.f1:.3f} [{scores.metrics[m].ci95['f1'][0]:.3f}, {scores.metrics[m].ci95['f1'][1]:.3f}]"
        for m in ("TI", "TC", "AC+")
    )
    console.print(f"crf baseline (shipped model, trained on the corpus train split; one article, so no real interval): {headline}")
    tasks, _ = build_tasks(ingested.documents, {"baseline-crf": predictions})
    with atomic_write(out / "label-studio-tasks.json") as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)
    regions = sum(len(p["result"]) for t in tasks for p in t.get("predictions", []))
    console.print(f"Label Studio tasks with the crf pre-annotations: {out / 'label-studio-tasks.json'} "
                  f"({len(tasks)} task, {regions} results; push them with: newsevents annotate push "
                  f"{out / 'documents.jsonl'} --predictions {out / 'predictions.jsonl'} --project seed)")
    console.print(f"wrote {out / 'documents.jsonl'}, {out / 'gold.jsonl'}, {report.out_dir}/README.md, "
                  f"{out / 'predictions.jsonl'}, {out / 'report.json'}, {out / 'report.md'}, {out / 'report.html'}, "
                  f"{out / 'label-studio-tasks.json'}")
