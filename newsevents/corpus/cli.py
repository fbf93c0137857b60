"""``newsevents corpus``: ingest, validate, add, split, move-out-of-test, build, stats, check-leaks."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsevents.ontology import load_schema
from newsevents.paths import find_corpus
from newsevents.console import console, errors, print_problems, progress_bar
from newsevents.corpus.build import CorpusLayout, check_output_dir, check_redistributable, load_corpus, resolve_splits, write_dataset
from newsevents.corpus.card import card_docs, replace_stats_block, stats_markdown
from newsevents.corpus.ingest import check_output_file, ingest as ingest_inputs
from newsevents.corpus.leaks import check_leaks as find_leaks
from newsevents.corpus.manifest import load_manifest
from newsevents.corpus.publish_cli import texts as texts_command
from newsevents.corpus.split import STRATEGIES, assign_splits, leave_test, load_splits, read_id_list, save_splits
from newsevents.corpus.stats import corpus_stats
from newsevents.corpus.dedupe import find_duplicates
from newsevents.jsonl import atomic_write, read_documents, write_documents
from newsevents.validation import validate_all

app = typer.Typer(help="Build the corpus: ingest articles, validate, split, build the dataset.", no_args_is_help=True)

CORPUS_OPTION = typer.Option(None, "--corpus", help="Corpus folder with manifest.jsonl, gold/ and splits.jsonl (default: the nearest corpus/ in this folder or above, else the project's).", callback=lambda value: value if value is not None else find_corpus())
TEXTS_OPTION = typer.Option([], "--texts", help="Text directory the manifest's text_file paths are relative to (repeatable).")
SCHEMA_OPTION = typer.Option(None, "--schema", help="Ontology file (default: annotation/schema.yaml).")

def _load_documents(corpus: Path, texts: list[Path], schema_path: Path | None):  # type: ignore[no-untyped-def]
    schema = load_schema(schema_path)
    total = len(load_manifest(CorpusLayout(corpus).manifest))
    with progress_bar("joining texts and gold", total) as advance:
        return schema, load_corpus(corpus, texts, schema, progress=advance)


@app.command()
def ingest(
    inputs: list[Path] = typer.Argument(..., help="Files (.txt .md .html .jsonl .csv) or directories."),
    out: Path = typer.Option(..., "--out", "-o", help="Documents JSONL to write."),
    id_prefix: str = typer.Option("", help="Put before every document id."),
    text_column: str = typer.Option("text", help="Text column of .jsonl/.csv inputs."),
    id_column: str = typer.Option("id", help="Id column of .jsonl/.csv inputs."),
    max_bytes: int = typer.Option(10_000_000, min=1, help="Largest article accepted, in bytes."),
    jobs: int = typer.Option(0, min=0, help="Worker processes; 0 = one per CPU."),
) -> None:
    """Normalise and segment articles into a documents JSONL file.

    Bad files are reported one line each and skipped; the others are still ingested. Exit status 1
    when any input failed. A run that ingests no document leaves OUT as it was.

    Example: newsevents corpus ingest articles/ extra.html --out docs.jsonl
    """
    check_output_file(out, inputs)
    with progress_bar("ingesting", None) as advance:
        result = ingest_inputs(
            inputs, id_prefix=id_prefix, text_column=text_column, id_column=id_column,
            max_bytes=max_bytes, jobs=jobs, progress=advance,
        )
    print_problems("failed inputs", result.failures)
    if not result.documents:
        console.print(f"{result.summary}; {out} not written (left as it was)")
        raise typer.Exit(1)
    write_documents(out, result.documents)
    console.print(f"{result.summary}; wrote {out}")
    if result.failures:
        raise typer.Exit(1)


@app.command()
def validate(
    documents: Path = typer.Argument(..., help="Documents JSONL (gold or predictions)."),
    schema: Path | None = SCHEMA_OPTION,
    gold: bool = typer.Option(False, "--gold", help="Also require gold-only fields (realis)."),
    structure_only: bool = typer.Option(False, "--structure-only", help="Skip the ontology checks (types, roles)."),
) -> None:
    """Check a documents JSONL file against the format and the ontology; list every problem.

    Example: newsevents corpus validate docs.jsonl --gold
    """
    docs = list(read_documents(documents))
    problems = validate_all(docs, None if structure_only else load_schema(schema), require_gold=gold)
    if print_problems(f"problems in {documents}", problems):
        raise typer.Exit(1)
    console.print(f"{len(docs)} documents valid")


@app.command()
def split(
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    strategy: str = typer.Option(None, help=f"For a new assignment: {' or '.join(STRATEGIES)} (default: the stored one, else hash)."),
    ratios: str = typer.Option(None, help="For a new assignment: train,dev,test shares, e.g. 0.68,0.16,0.16 (default 0.7,0.15,0.15)."),
    schema: Path | None = SCHEMA_OPTION,
) -> None:
    """Assign new documents to train/dev/test and save corpus/splits.jsonl (existing ones stay put).

    Example: newsevents corpus split --texts ../shared/sources --strategy temporal
    """
    _, docs = _load_documents(corpus, texts, schema)
    layout = CorpusLayout(corpus)
    existing = load_splits(layout.splits)
    if strategy is not None and strategy not in STRATEGIES:
        raise typer.BadParameter(f"unknown strategy {strategy!r}; valid: {', '.join(STRATEGIES)}")
    shares = None
    if ratios is not None:
        try:
            shares = tuple(float(x) for x in ratios.split(","))
        except ValueError:
            raise typer.BadParameter(f"--ratios takes three numbers separated by commas, got {ratios!r}") from None
    assignment = assign_splits(docs, find_duplicates(docs), existing=existing, strategy=strategy, ratios=shares)  # type: ignore[arg-type]
    save_splits(layout.splits, assignment)
    for note in assignment.notes:
        errors.print(f"note: {note}")
    console.print(f"wrote {layout.splits}: " + ", ".join(f"{k} {v}" for k, v in assignment.counts().items()))


@app.command()
def add(
    documents: Path = typer.Argument(..., help="Documents JSONL as `corpus ingest` wrote it (meta.path names each text file)."),
    gold: Path = typer.Option(..., "--gold", help="Gold: standoff records (`annotate adjudicate`) or documents with annotations (`annotate pull`)."),
    corpus: Path = CORPUS_OPTION,
    text_root: Path | None = typer.Option(None, "--text-root", help="Text directory the manifest's text_file paths are made relative to; give it to the build as --texts (default: the current folder)."),
    gold_name: str | None = typer.Option(None, "--gold-name", help="Write gold/NAME.jsonl, a new file (default: the --gold file's name)."),
    meta: Path | None = typer.Option(None, "--meta", help="Sidecar JSONL: id with source, url, date, license, title per document (other keys ignored)."),
    source: str | None = typer.Option(None, "--source", help="Source of every document (wins over --meta and the documents' own metadata)."),
    license: str | None = typer.Option(None, "--license", help="Text licence of every document, e.g. 'CC BY 2.5' (required unless --meta or the documents give one)."),
    url: str | None = typer.Option(None, "--url", help="URL of every document (for a single article)."),
    date: str | None = typer.Option(None, "--date", help="Date (YYYY-MM-DD) of every document (for a single article)."),
    schema: Path | None = SCHEMA_OPTION,
) -> None:
    """Add annotated documents to the corpus: manifest entries and a new standoff gold file.

    Each document needs a source and a licence (from --source/--license, a --meta sidecar, or the
    ingest input's metadata columns, in that order of precedence). Everything is checked first (new
    ids, the text under --text-root normalising to the document's and the gold's sha256, the gold
    valid against the ontology); a failed add writes nothing. Documents without gold are left out
    (named). Then `newsevents corpus split` places the new documents.

    Example: newsevents corpus add docs.jsonl --gold gold.jsonl --text-root ../shared/sources --source "Wikinews archive" --license "CC BY 2.5"
    """
    from newsevents.corpus.add import add_documents

    result = add_documents(documents, gold, corpus, schema=load_schema(schema), text_root=text_root, gold_name=gold_name,
                           sidecar=meta, overrides={"source": source, "license": license, "url": url, "date": date})
    for note in result.notes:
        errors.print(f"note: {note}", markup=False)
    console.print(f"added {len(result.entries)} documents: wrote {result.gold_file}, updated {result.manifest}; "
                  f"next: newsevents corpus split --corpus {corpus} --texts {text_root or '.'}", markup=False)


@app.command("move-out-of-test")
def move_out_of_test(
    ids_file: Path = typer.Argument(..., help="Text file of test document ids, one per line ('#' starts a comment line)."),
    to: str = typer.Option(..., "--to", help="train or dev."),
    reason: str = typer.Option(..., "--reason", help="Why they leave test (goes into the changelog)."),
    corpus: Path = CORPUS_OPTION,
) -> None:
    """Move test documents (and their duplicates) to train or dev, once, recorded in corpus/CHANGELOG.md.

    The one exception to "an assignment never moves": documents whose text drove a guideline decision
    leave test. Refuses any id not in test (nothing moves then); writes splits.jsonl atomically and
    appends a dated line naming the ids and the reason under the changelog's Unreleased section.

    Example: newsevents corpus move-out-of-test leave-test.txt --to dev --reason "their text drove guideline decisions"
    """
    if to not in ("train", "dev"):
        raise typer.BadParameter(f"--to takes train or dev, got {to!r}")
    layout = CorpusLayout(corpus)
    moved = leave_test(layout.splits, layout.root / "CHANGELOG.md", read_id_list(ids_file), to, reason)
    console.print(f"moved {len(moved)} documents from test to {to} in {layout.splits}; recorded in {layout.root / 'CHANGELOG.md'}", markup=False)


@app.command()
def build(
    texts: list[Path] = TEXTS_OPTION,
    out: Path = typer.Option(..., "--out", "-o", help="Dataset folder to write: new, empty, or written by an earlier build (replaced atomically)."),
    corpus: Path = CORPUS_OPTION,
    schema: Path | None = SCHEMA_OPTION,
    local_only: bool = typer.Option(False, "--local-only", help="Allow texts whose licence does not allow redistribution; the card marks the folder local-only (never share it)."),
) -> None:
    """Join gold with texts, validate, and write a Hugging Face dataset folder (documents + sentences configs).

    Refuses a text whose sha256 differs from the manifest's, a span whose text differs, a document
    without a stored split (run `newsevents corpus split` first), leaks between splits, and a text
    whose licence does not allow redistribution (unless --local-only). OUT is replaced only when an
    earlier build wrote it (its .newsevents-build.json lists every file in it). The folder loads
    offline with datasets.load_dataset(OUT, "documents").

    Example: newsevents corpus build --texts ../shared/sources --out build/newsevents
    """
    check_output_dir(out, keep=[corpus, *texts])
    schema_obj, documents = _load_documents(corpus, texts, schema)
    assignment, duplicates = resolve_splits(documents, CorpusLayout(corpus).splits)
    check_redistributable(documents, local_only=local_only)
    leaks = find_leaks(documents, assignment, duplicates=duplicates)
    if print_problems("leaks between splits", leaks):
        raise typer.Exit(1)
    report = write_dataset(documents, assignment, out, schema_obj, duplicates=duplicates, local_only=local_only,
                           docs=card_docs(corpus, corpus.resolve().parent))
    print_problems("mentions the BIO view cannot hold (overlaps; kept in the documents config)", report.dropped_in_bio, limit=10)
    s = report.stats
    console.print(
        f"built {out}: {s.documents} documents ({', '.join(f'{k} {v.documents}' for k, v in s.splits.items())}), "
        f"{s.sentences} sentences, {s.tokens} tokens, {s.events} events, {s.arguments} arguments, {s.entities} entity mentions"
        + ("; local-only: do not share it" if local_only else "")
    )


@app.command()
def stats(
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    schema: Path | None = SCHEMA_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    update: Path | None = typer.Option(None, "--update", help="Rewrite the statistics block of this Markdown file (DATASHEET.md)."),
) -> None:
    """Counts of documents, sentences, tokens, events per type, arguments per role, per split.

    Example: newsevents corpus stats --texts ../shared/sources --json
    """
    _, docs = _load_documents(corpus, texts, schema)
    assignment, _ = resolve_splits(docs, CorpusLayout(corpus).splits)
    result = corpus_stats(docs, assignment.splits)
    if update is not None:
        with atomic_write(update) as handle:
            handle.write(replace_stats_block(update.read_text(encoding="utf-8"), result))
        console.print(f"updated the statistics in {update}")
    elif as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        console.print(stats_markdown(result))


@app.command("check-leaks")
def check_leaks(
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    schema: Path | None = SCHEMA_OPTION,
    min_sentence_words: int = typer.Option(6, help="Shorter sentences are not compared."),
) -> None:
    """Fail (exit 1) when a near-duplicate pair or an identical sentence straddles two splits.

    Checks the assignment stored in corpus/splits.jsonl as it is: a document it does not list is
    reported as unassigned (run `newsevents corpus split` to record new documents).

    Example: newsevents corpus check-leaks --texts ../shared/sources
    """
    _, docs = _load_documents(corpus, texts, schema)
    assignment = load_splits(CorpusLayout(corpus).splits)
    duplicates = find_duplicates(docs)
    leaks = find_leaks(docs, assignment, duplicates=duplicates, min_sentence_words=min_sentence_words)
    if print_problems("leaks between splits", leaks):
        raise typer.Exit(1)
    console.print(f"no leaks: {len(docs)} documents, {len(duplicates.clusters)} duplicate clusters, each within one split")


app.command(name="texts")(texts_command)
