"""``newsevents demo``: the main job on the bundled example, with no arguments and no network.

1. Ingest the bundled seed article (normalise, segment) into ``OUT/documents.jsonl``.
2. Join it with its gold annotation from the corpus (sha256 checked) into ``OUT/gold.jsonl``.
3. Build a Hugging Face dataset folder ``OUT/dataset`` and load it back with ``load_dataset``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from newsevents.annotation.schema import load_schema
from newsevents.console import console
from newsevents.corpus.build import CorpusLayout, load_corpus, resolve_splits, write_dataset
from newsevents.corpus.ingest import ingest
from newsevents.corpus.manifest import load_manifest
from newsevents.errors import NewsEventsError
from newsevents.jsonl import write_documents
from newsevents.paths import EXAMPLES, project_path

#: Ingested example ids get this prefix, as in the corpus manifest.
EXAMPLE_ID_PREFIX = "seed-"


def demo(out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Folder for everything the demo writes.")) -> None:
    """Run the main job on the bundled example article: ingest, join gold, build and reload the dataset.

    Example: newsevents demo --out demo-output
    """
    schema = load_schema()
    out.mkdir(parents=True, exist_ok=True)

    ingested = ingest([EXAMPLES], id_prefix=EXAMPLE_ID_PREFIX)
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

    corpus = project_path("corpus")
    ids = {d.id for d in ingested.documents} & {e.id for e in load_manifest(CorpusLayout(corpus).manifest)}
    gold = load_corpus(corpus, [], schema, ids=ids)
    write_documents(out / "gold.jsonl", gold)
    assignment, duplicates = resolve_splits(gold, CorpusLayout(corpus).splits)
    report = write_dataset(gold, assignment, out / "dataset", schema, duplicates=duplicates)
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
    console.print(f"dataset folder [bold]{report.out_dir}[/] loads back with datasets.load_dataset ({rows})")
    console.print(f"wrote {out / 'documents.jsonl'}, {out / 'gold.jsonl'}, {report.out_dir}/README.md")
