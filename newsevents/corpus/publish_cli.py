"""``newsevents publish``, ``newsevents export`` and ``newsevents corpus texts``: the dataset out, and its texts back.

The commands parse, call :mod:`newsevents.corpus.publish` / :mod:`newsevents.corpus.export`, and print;
``newsevents.cli`` adds ``publish`` and ``export`` at the top level, ``newsevents.corpus.cli`` adds ``texts``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from newsevents.console import console, errors, print_problems, progress_bar
from newsevents.paths import find_corpus

TEXTS_HELP = "Text directory the manifest's text_file paths are relative to (repeatable)."


def publish(
    repo_id: str = typer.Option(..., "--repo-id", help="The Hub dataset, ORG/NAME."),
    version: str = typer.Option(..., "--version", help="X.Y.Z: newer than the repo's last vX.Y.Z tag, with an entry in corpus/CHANGELOG.md."),
    texts: list[Path] = typer.Option([], "--texts", help=TEXTS_HELP),
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder with manifest.jsonl, gold/, splits.jsonl and CHANGELOG.md (default: the nearest corpus/ in this folder or above, else the project's).",
                                callback=lambda value: value if value is not None else find_corpus()),
    schema: Path | None = typer.Option(None, "--schema", help="Ontology file (default: annotation/schema.yaml)."),
    private: bool = typer.Option(False, "--private", help="Create the Hub repo private."),
    dry_run: Path | None = typer.Option(None, "--dry-run", help="Write the folder that would be uploaded to this directory and stop (no network)."),
    force: bool = typer.Option(False, "--force", help="Upload even when the repo's last commit was not made by newsevents publish."),
) -> None:
    """Build the corpus, check it, and upload it to the Hugging Face Hub as one commit tagged vX.Y.Z.

    Checks: every config loads with datasets.load_dataset (Parquet, splits train/validation/test),
    no leak between splits, a complete card, only redistributable texts. Refuses a version not newer
    than the last tag, a version without a CHANGELOG entry, uncommitted changes to the corpus or the
    ontology, and a repo whose last commit it did not make (unless --force). The token is the one
    huggingface_hub finds (HF_TOKEN or `hf auth login`); it is never printed. With --dry-run DIR the
    release checks are reported, not enforced, and nothing leaves the machine.

    Example: newsevents publish --repo-id newsevents/newsevents --version 0.1.0 --texts ../shared/sources --dry-run build/publish
    """
    from newsevents.corpus.build import CorpusLayout
    from newsevents.corpus.manifest import load_manifest
    from newsevents.corpus.publish import publish as run_publish
    from newsevents.ontology import load_schema

    schema_obj = load_schema(schema)
    total = len(load_manifest(CorpusLayout(corpus).manifest))
    with progress_bar("joining texts and gold", total) as advance:
        report = run_publish(corpus, texts, schema_obj, repo_id=repo_id, version=version, private=private,
                             dry_run=dry_run, force=force, progress=advance)
    for warning in report.warnings:
        errors.print(f"warning: a real publish would refuse: {warning}", highlight=False, soft_wrap=True)
    if report.dry_run:
        console.print(f"dry run: wrote {report.folder} ({len(report.files)} files), the folder that would be uploaded "
                      f"to {repo_id} as v{version}; nothing was uploaded")
    else:
        console.print(f"published {repo_id} v{version}: commit {report.commit} ({len(report.files)} files), tag {report.tag}")


def export(
    source: Path = typer.Argument(..., help="A dataset folder (built or published) or a corpus folder (with --texts)."),
    split: str = typer.Option(..., "--split", help="train, validation (or dev) or test."),
    to: str = typer.Option(..., "--to", help="newsevents, textee, wikievents, conll or label-studio."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write (atomically)."),
    texts: list[Path] = typer.Option([], "--texts", help="For a corpus folder: " + TEXTS_HELP),
    window: str | None = typer.Option(None, "--window", help="textee: document (default), sentence or tokens:N (whole sentences up to N tokens)."),
    layer: str | None = typer.Option(None, "--layer", help="conll: triggers (default) or entities."),
    coref: Path | None = typer.Option(None, "--coref", help="wikievents: the coreference JSONL to write (default: <stem>.coref.jsonl)."),
    drop_log: Path | None = typer.Option(None, "--drop-log", help="textee: where to list every dropped item, one JSON line each (default: OUT.dropped.jsonl when any)."),
) -> None:
    """Write one split of a dataset in another format: one command per split.

    Dropped annotations (what the format cannot hold) are counted on stderr; for textee their ids
    go to the drop log.

    Example: newsevents export build/newsevents --split train --to textee --out textee/train.jsonl
    """
    from newsevents import formats
    from newsevents.corpus.export import export as run_export, export_formats

    if to not in export_formats():
        raise typer.BadParameter(f"unknown format {to!r}; valid: {', '.join(export_formats())}", param_hint="--to")
    options: dict[str, object] = {}
    if window is not None:
        options["window"] = window
    if layer is not None:
        options["layer"] = layer
    if coref is not None:
        options["coref_path"] = coref
    if to == "textee":
        options["drop_log"] = drop_log or out.with_name(out.name + ".dropped.jsonl")
    elif drop_log is not None:
        raise typer.BadParameter("--drop-log applies to --to textee", param_hint="--drop-log")
    writer = formats.get_format(to).options("write") if to in formats.FORMATS else ("max_chars",)
    for name in options:
        if name not in writer:
            flag = {"coref_path": "--coref", "drop_log": "--drop-log"}.get(name, f"--{name}")
            raise typer.BadParameter(f"{flag} does not apply to --to {to}", param_hint=flag)
    report = run_export(source, split, to, out, texts=texts, **options)
    print_problems(f"annotations {to} cannot hold, dropped", report.dropped, limit=20)
    console.print(report.summary())
    if to == "textee" and report.dropped:
        errors.print(f"{len(report.dropped)} dropped items listed in {options['drop_log']}", highlight=False)


def texts(
    source: str = typer.Option(..., "--from", help="A dataset folder (published or `publish --dry-run`) or a Hub dataset id ORG/NAME."),
    out: Path = typer.Option(..., "--out", "-o", help="Text directory to write (new or empty)."),
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder whose manifest.jsonl says where each text goes (default: the nearest corpus/ in this folder or above, else the project's).",
                                callback=lambda value: value if value is not None else find_corpus()),
) -> None:
    """Write the corpus's text directory from a published dataset, so `corpus build --texts OUT` works without ../shared/sources.

    Each text is checked against the manifest's sha256 before anything is written. Documents the
    dataset does not hold (not redistributable, or added after it was published) are listed.

    Example: newsevents corpus texts --from newsevents/newsevents --out texts/
    """
    from newsevents.corpus.export import write_texts

    report = write_texts(source, out, corpus_dir=corpus)
    if report.missing:
        more = f" and {len(report.missing) - 10} more" if len(report.missing) > 10 else ""
        errors.print(f"note: {len(report.missing)} manifest documents are not in the dataset: {', '.join(report.missing[:10])}{more}",
                     highlight=False, soft_wrap=True)
    console.print(f"wrote {report.documents} texts in {len(report.files)} files to {out}")
