"""``newsevents annotate``: write gold from quote-anchored records, measure agreement between passes."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsevents.annotation.agreement import agreement as compute_agreement, to_markdown
from newsevents.annotation.adjudication import adjudicate as run_adjudication
from newsevents.annotation.authoring import author as resolve_authoring
from newsevents.annotation.label_config import label_config
from newsevents.annotation.schema import load_schema
from newsevents.console import console
from newsevents.corpus.build import CorpusLayout
from newsevents.corpus.manifest import GoldRecord, join, load_gold, load_manifest, save_manifest
from newsevents.corpus.segment import Segmenter
from newsevents.document import Document
from newsevents.errors import FormatError, ValidationError
from newsevents.jsonl import atomic_write, read_documents, read_records, write_records
from newsevents.validation import validate_all

app = typer.Typer(help="Annotate: author gold by quoting the text, measure agreement between passes.", no_args_is_help=True)

TEXTS_OPTION = typer.Option([], "--texts", help="Text directory the manifest's text_file paths are relative to (repeatable).")
CORPUS_OPTION = typer.Option(Path("corpus"), "--corpus", help="Corpus folder with manifest.jsonl and gold/.")


@app.command()
def config(
    out: Path = typer.Option(Path("annotation/label_config.xml"), "--out", "-o", help="Where to write the labeling config."),
    schema: Path | None = typer.Option(None, "--schema", help="Ontology file (default: annotation/schema.yaml)."),
) -> None:
    """Write the Label Studio labeling config derived from the ontology (labels, relations, realis, hoppers, clusters).

    Example: newsevents annotate config --out annotation/label_config.xml
    """
    with atomic_write(out) as handle:
        handle.write(label_config(load_schema(schema)))
    console.print(f"wrote {out}")


@app.command()
def author(
    files: list[Path] = typer.Argument(..., help="Authoring YAML files (lists of quote-anchored document records)."),
    out: Path = typer.Option(..., "--out", "-o", help="Standoff gold JSONL to write (replaced atomically)."),
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    add_to_manifest: bool = typer.Option(False, "--add-to-manifest", help="Add the documents' entries to the corpus manifest."),
) -> None:
    """Resolve quoted spans to offsets, validate against the ontology, write standoff gold.

    A span that is missing, ambiguous or off token boundaries is refused with the candidates'
    offsets; nothing is written unless every record resolves and validates.

    Example: newsevents annotate author annotation/authoring/batch-1.yaml --texts ../shared/sources --out corpus/gold/batch-1.jsonl --add-to-manifest
    """
    authored = resolve_authoring(files, texts, load_schema())
    manifest_path = CorpusLayout(corpus).manifest
    if add_to_manifest:
        entries = {e.id: e for e in load_manifest(manifest_path)} if manifest_path.exists() else {}
        for item in authored:
            known = entries.get(item.entry.id)
            if known is not None and known.sha256 != item.entry.sha256:
                raise FormatError(f"the manifest has this document with text {known.sha256}, the authoring resolved {item.entry.sha256}",
                                  file=str(manifest_path), document=item.entry.id)
            entries.setdefault(item.entry.id, item.entry)
    write_records(out, (a.gold for a in authored), lambda g: g.to_dict())
    if add_to_manifest:
        save_manifest(manifest_path, entries.values())
    events = sum(len(a.document.events) for a in authored)
    console.print(f"wrote {out}: {len(authored)} documents, {events} events, "
                  f"{sum(len(a.document.entities) for a in authored)} entity mentions" + (f"; updated {manifest_path}" if add_to_manifest else ""))


def _load_passes(paths: list[Path], texts: list[Path], corpus: Path) -> dict[str, dict[str, Document]]:
    """Each annotator's documents by id, from documents files (with text, as `annotate pull` writes)
    or standoff gold (joined with the texts through the corpus manifest); the file name is the annotator."""
    if len(paths) < 2:
        raise FormatError("this needs at least two annotators' files")
    entries = None
    segmenter = Segmenter()
    passes: dict[str, dict[str, Document]] = {}
    for path in paths:
        first = next(read_records(path), (0, {}))[1]
        if "text" in first:
            passes[path.stem] = {d.id: d for d in read_documents(path)}
            continue
        if entries is None:
            entries = {e.id: e for e in load_manifest(CorpusLayout(corpus).manifest)}
        records = load_gold([path])
        unknown = sorted(set(records) - set(entries))
        if unknown:
            raise FormatError(f"documents not in the corpus manifest: {', '.join(unknown[:10])}", file=str(path))
        passes[path.stem] = {doc_id: join(entries[doc_id], record, texts, segmenter) for doc_id, record in records.items()}
    return passes


@app.command()
def agreement(
    passes: list[Path] = typer.Argument(..., help="Two or more annotators' files: standoff gold, or documents as `annotate pull` writes them."),
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables to this Markdown file."),
) -> None:
    """F1 (TI, TC, AC+, entities) and Cohen's kappa on token labels between every pair of passes.

    Example: newsevents annotate agreement annotation/agreement/pass-a.jsonl annotation/agreement/pass-b.jsonl --texts ../shared/sources --json
    """
    pairs = compute_agreement(_load_passes(passes, texts, corpus))
    if markdown is not None:
        with atomic_write(markdown) as handle:
            handle.write(to_markdown(pairs))
    if as_json:
        typer.echo(json.dumps(pairs[0].to_dict() if len(pairs) == 1 else [p.to_dict() for p in pairs], indent=2))
    else:
        console.print(to_markdown(pairs))


@app.command()
def adjudicate(
    versions: list[Path] = typer.Argument(..., help="Two or more annotators' files (as for `agreement`)."),
    out: Path = typer.Option(..., "--out", "-o", help="Standoff gold of what all annotators agree on."),
    disagreements: Path = typer.Option(..., "--disagreements", help="JSONL list of everything they do not agree on."),
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
) -> None:
    """Accept what every annotator has, list the rest for an adjudicator, write gold in the standoff format.

    The disagreeing versions can go back to Label Studio as a review project:
    `newsevents annotate push --project review DOCS --predictions A.jsonl --predictions B.jsonl`.

    Example: newsevents annotate adjudicate pulled/alice.jsonl pulled/bob.jsonl --out gold.jsonl --disagreements review.jsonl
    """
    result = run_adjudication({name: list(docs.values()) for name, docs in _load_passes(versions, texts, corpus).items()})
    problems = validate_all(result.gold, load_schema(), require_gold=False)
    if problems:
        raise ValidationError(problems, file=str(out))
    write_records(disagreements, result.disagreements, lambda d: d.to_dict())
    write_records(out, (GoldRecord.from_document(d) for d in result.gold), lambda g: g.to_dict())
    console.print(f"wrote {out}: {len(result.gold)} documents; {disagreements}: {len(result.disagreements)} disagreements to decide")


