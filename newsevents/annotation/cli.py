"""``newsevents annotate``: write gold from quote-anchored records, measure agreement between passes."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsevents.annotation.agreement import agreement as compute_agreement, load_passes, to_markdown
from newsevents.annotation.adjudication import adjudicate as run_adjudication
from newsevents.annotation.authoring import author as resolve_authoring, manifest_with
from newsevents.annotation.label_config import label_config
from newsevents.eval.cli import ENTITY_SCOPE_OPTION
from newsevents.eval.items import EntityScope
from newsevents.ontology import load_schema
from newsevents.paths import EXAMPLE_CORPUS, find_corpus
from newsevents.console import console, print_problems
from newsevents.corpus.build import CorpusLayout
from newsevents.corpus.manifest import GoldRecord, save_manifest
from newsevents.errors import FormatError, ValidationError
from newsevents.jsonl import atomic_write, read_documents, write_records
from newsevents.validation import validate_all

app = typer.Typer(help="Annotate: author gold by quoting the text, measure agreement between passes.", no_args_is_help=True)

SCHEMA_OPTION = typer.Option(None, "--schema", help="Ontology file (default: annotation/schema.yaml).")
TEXTS_OPTION = typer.Option([], "--texts", help="Text directory the manifest's text_file paths are relative to (repeatable).")
CORPUS_OPTION = typer.Option(None, "--corpus", help="Corpus folder with manifest.jsonl and gold/ (default: the nearest corpus/ in this folder or above, else the project's).", callback=lambda value: value if value is not None else find_corpus())


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
    schema: Path | None = SCHEMA_OPTION,
) -> None:
    """Resolve quoted spans to offsets, validate against the ontology, write standoff gold.

    A span that is missing, ambiguous or off token boundaries is refused with the candidates'
    offsets; nothing is written unless every record resolves and validates.

    Example: newsevents annotate author annotation/authoring/batch-1.yaml --texts ../shared/sources --out corpus/gold/batch-1.jsonl --add-to-manifest
    """
    if out.is_dir():
        raise FormatError("the output is a folder; --out takes the standoff gold JSONL file to write", file=str(out))
    authored = resolve_authoring(files, texts, load_schema(schema))
    manifest_path = CorpusLayout(corpus).manifest
    entries = manifest_with(authored, manifest_path) if add_to_manifest else None   # checked before anything is written
    write_records(out, (a.gold for a in authored), lambda g: g.to_dict())
    if entries is not None:
        save_manifest(manifest_path, entries)
    events = sum(len(a.document.events) for a in authored)
    console.print(f"wrote {out}: {len(authored)} documents, {events} events, "
                  f"{sum(len(a.document.entities) for a in authored)} entity mentions" + (f"; updated {manifest_path}" if add_to_manifest else ""))


@app.command()
def agreement(
    passes: list[Path] = typer.Argument(..., help="Two or more annotators' files: standoff gold, or documents as `annotate pull` writes them."),
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables to this Markdown file."),
    entity_scope: EntityScope = ENTITY_SCOPE_OPTION,
) -> None:
    """F1 (TI, TC, AC+, entities) and Cohen's kappa on token labels between every pair of passes.

    Entity F1 and entity kappa compare, by default, the mentions of each pass that fill one of its
    arguments (--entity-scope all: every mention).

    Each file's name without its suffix names the annotator. Two passes with no document in common are
    an error (there is nothing to agree on).

    Example: newsevents annotate agreement annotation/agreement/pass-a.jsonl annotation/agreement/pass-b.jsonl --texts ../shared/sources --json
    """
    for i, path in enumerate(passes):
        earlier = next((p for p in passes[:i] if p.stem == path.stem), None)
        if earlier is not None:
            raise FormatError(f"{earlier} and {path} both name annotator {path.stem!r} (a file's name without its suffix "
                              "names the annotator); give each annotator's file once, under its own name", file=str(path))
    pairs = compute_agreement(load_passes(passes, texts, [corpus, EXAMPLE_CORPUS]), entity_scope=entity_scope)
    if markdown is not None:
        with atomic_write(markdown) as handle:
            handle.write(to_markdown(pairs))
    if as_json:
        typer.echo(json.dumps(pairs[0].to_dict() if len(pairs) == 1 else [p.to_dict() for p in pairs], indent=2))
    else:
        console.print(to_markdown(pairs))


@app.command()
def adjudicate(
    versions: list[Path] = typer.Argument(..., help="Two or more annotators' files (as for `agreement`); one with --accept-single."),
    out: Path = typer.Option(..., "--out", "-o", help="Standoff gold of what all annotators agree on."),
    disagreements: Path = typer.Option(..., "--disagreements", help="JSONL list of everything they do not agree on."),
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    accept_single: bool = typer.Option(False, "--accept-single", help="Accept a batch done by one annotator as gold as it is (one documents file, as `annotate pull` writes it)."),
    schema: Path | None = SCHEMA_OPTION,
) -> None:
    """Accept what every annotator has, list the rest for an adjudicator, write gold in the standoff format.

    The disagreeing versions can go back to Label Studio as a review project:
    `newsevents annotate push --project review DOCS --predictions A.jsonl --predictions B.jsonl`.
    A batch done by one annotator has nothing to compare: --accept-single takes it as gold explicitly
    (the disagreements file is then empty).

    Example: newsevents annotate adjudicate pulled/alice.jsonl pulled/bob.jsonl --out gold.jsonl --disagreements review.jsonl
    """
    if len(versions) == 1 and not accept_single:
        raise FormatError("one annotator's file: adjudication compares two or more; to take a batch done by one "
                          "annotator as gold, add --accept-single", file=str(versions[0]))
    if len(versions) == 1:
        from newsevents.jsonl import read_records

        first = next(read_records(versions[0]), (0, {}))[1]
        if "text" not in first:
            raise FormatError("--accept-single takes documents with their text (as `annotate pull` writes them); one "
                              "annotator's standoff gold is gold already: give it to `newsevents corpus add --gold`", file=str(versions[0]))
        passes = {versions[0].stem: {d.id: d for d in read_documents(versions[0])}}
    else:
        passes = load_passes(versions, texts, [corpus, EXAMPLE_CORPUS])
    result = run_adjudication({name: list(docs.values()) for name, docs in passes.items()}, accept_single=accept_single)
    problems = validate_all(result.gold, load_schema(schema), require_gold=False)
    if problems:
        raise ValidationError(problems, file=str(out))
    write_records(disagreements, result.disagreements, lambda d: d.to_dict())
    write_records(out, (GoldRecord.from_document(d) for d in result.gold), lambda g: g.to_dict())
    console.print(f"wrote {out}: {len(result.gold)} documents; {disagreements}: {len(result.disagreements)} disagreements to decide")




URL_OPTION = typer.Option("http://127.0.0.1:8080", "--url", envvar="LABEL_STUDIO_URL", help="Label Studio server (env LABEL_STUDIO_URL).")
TOKEN_OPTION = typer.Option(..., "--token", envvar="LABEL_STUDIO_USER_TOKEN", help="API token (env LABEL_STUDIO_USER_TOKEN).")


@app.command()
def push(
    documents: Path = typer.Argument(..., help="Documents JSONL (ingested: text, paragraphs, tokens)."),
    project: str = typer.Option(..., "--project", help="Project title; created with the generated labeling config if missing."),
    predictions: list[Path] = typer.Option([], "--predictions", help="Pre-annotations (documents JSONL); repeatable, one prediction per file."),
    extractor: str | None = typer.Option(None, "--extractor", help="Pre-annotate with an extractor: module:attr."),
    max_chars: int = typer.Option(10_000, help="Longer documents become one task per chunk of paragraphs."),
    url: str = URL_OPTION,
    token: str = TOKEN_OPTION,
    schema: Path | None = SCHEMA_OPTION,
) -> None:
    """Import documents as tasks, with pre-annotations as predictions; tasks already in the project are skipped.

    Example: newsevents annotate push docs.jsonl --project batch-2 --predictions baseline.jsonl
    """
    from newsevents.annotation.label_studio.projects import connect, push as push_tasks

    docs = list(read_documents(documents))
    sources = {path.stem: list(read_documents(path)) for path in predictions}
    if extractor is not None:
        from newsevents.extractors import make_runner, run_extractor

        sources[extractor] = run_extractor(make_runner("python", extractor), docs).predictions
    report = push_tasks(connect(url, token), project, load_schema(schema), docs, sources, max_chars=max_chars)
    for note in report.notes:
        console.print(f"note: {note}")
    console.print(f"project {project!r} (id {report.project}): imported {report.imported} tasks, {report.already_there} already there")


@app.command()
def pull(
    project: str = typer.Option(..., "--project", help="Project title."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for one documents JSONL per annotator."),
    url: str = URL_OPTION,
    token: str = TOKEN_OPTION,
    schema: Path | None = SCHEMA_OPTION,
) -> None:
    """Export every annotation (full JSON), convert and validate it; write one file per annotator, or nothing.

    Every problem is listed with task id, region id and what is wrong (unknown label, role not allowed,
    relation to a missing region, span text that does not match); with any problem nothing is written,
    so a failed pull never overwrites earlier output.

    Example: newsevents annotate pull --project batch-2 --out pulled/batch-2
    """
    from newsevents.annotation.label_studio.projects import connect, pull as pull_documents, write_pulled

    schema = load_schema(schema)
    documents, problems = pull_documents(connect(url, token), project, schema)  # the converter validates each task
    for note in (p for p in problems if not getattr(p, "blocking", True)):
        console.print(f"note: {note}")
    if print_problems("problems in the annotations", [p for p in problems if getattr(p, "blocking", True)]):
        raise typer.Exit(1)
    write_pulled(documents, out)
    console.print(f"wrote {len(documents)} annotators' files to {out}: "
                  + ", ".join(f"{a} ({len(d)} documents)" for a, d in documents.items()))


@app.command()
def server(
    port: int = typer.Option(8080, "--port", help="TCP port on 127.0.0.1; a busy port is an error (0 picks a free one)."),
    data_dir: Path = typer.Option(Path(".label-studio/data"), "--data-dir",
                                  help="Label Studio's data directory: database, uploads, log, saved credentials."),
) -> None:
    """Run a local Label Studio server on 127.0.0.1 until Ctrl-C; installs it on first use.

    Label Studio goes into its own virtual environment (NEWSEVENTS_LABEL_STUDIO_VENV, default
    .label-studio/venv; about 1 GB, a minute), never into this one. The admin's email, password and API
    token are read when the database is created: from LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD and
    LABEL_STUDIO_USER_TOKEN if set, else generated; either way they are saved in the data directory
    (newsevents-credentials.json) and used on every later start. `annotate push` and `pull` take that token.

    Example: newsevents annotate server --port 8080
    """
    import signal
    import time

    from newsevents.annotation.label_studio.server import (LABEL_STUDIO_VERSION, LabelStudioServer, ServerSettings,
                                                           default_venv, ensure_installed)
    from newsevents.console import console as out
    from newsevents.errors import NewsEventsError

    out.print(f"Label Studio {LABEL_STUDIO_VERSION} from {default_venv()} (installed there on first use)")
    settings = ServerSettings(data_dir, port=port)
    running = LabelStudioServer(settings, executable=ensure_installed())
    out.print(f"starting on port {port or 'any free one'} with data in {settings.data_dir} (a new database takes about a minute)")
    def interrupt(signum: int, frame: object) -> None:  # SIGTERM stops the server too, as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        running.start()
        saved = f", saved in {settings.credentials_file}"
        out.print(f"Label Studio is at {running.url}\n"
                  f"  username: {settings.username} ({settings.sources['username']})\n"
                  f"  password: {settings.sources['password']}{saved if settings.sources['password'] == 'generated' else ''}\n"
                  f"  API token: {settings.sources['token']}{saved if settings.sources['token'] == 'generated' else ''}"
                  " (for push and pull: --token or LABEL_STUDIO_USER_TOKEN)\n"
                  f"  log: {running.log}\nPress Ctrl-C to stop.")
        while running.running:
            time.sleep(1)
        raise NewsEventsError(f"Label Studio stopped by itself; see {running.log}")
    except KeyboardInterrupt:
        out.print("stopping Label Studio")
    finally:
        running.stop()


@app.command(name="schema")
def schema_command(
    form: str = typer.Option("markdown", "--as", help="markdown (prompts, people), python (GoLLIE-style guideline classes) or json-schema (an answer that quotes events)."),
    schema: Path | None = typer.Option(None, "--schema", help="Ontology file (default: annotation/schema.yaml)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file instead of printing."),
) -> None:
    """Print the ontology in the forms prompts and code-style prompting use.

    Example: newsevents annotate schema --as python --out ontology.py
    """
    from newsevents.errors import NewsEventsError, suggest
    from newsevents.ontology_forms import FORMS, render

    if form not in FORMS:
        raise NewsEventsError(f"--as {form!r} is not a form; {suggest(form, FORMS)}")
    text = render(load_schema(schema), form)
    if out is None:
        typer.echo(text, nl=False)
        return
    with atomic_write(out) as handle:
        handle.write(text)
    console.print(f"wrote {out}")


@app.command(name="lint")
def lint_command(
    files: list[Path] = typer.Argument(None, help="Documents JSONL with text and gold (default: the corpus gold joined with --texts)."),
    texts: list[Path] = TEXTS_OPTION,
    corpus: Path = CORPUS_OPTION,
    schema: Path | None = typer.Option(None, "--schema", help="Ontology file (default: annotation/schema.yaml)."),
    justified: Path | None = typer.Option(None, "--justified", help="Flags already looked at and right: code<TAB>document<TAB>start-end<TAB>why per line."),
    min_count: int = typer.Option(3, "--min-count", min=1, help="A word is a likely missed trigger when it is a trigger at least this often elsewhere."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the flags and their counts as JSON."),
) -> None:
    """Flag what a reviewer should look at in gold (likely missed triggers, varying types, cross-sentence
    arguments, cluster and hopper type mixes, events without a core role, value extents); exit 1 if any.

    Example: newsevents annotate lint --texts ../shared/sources --justified annotation/lint-justified.tsv
    """
    from newsevents.annotation.lint import counts, lint, read_justified
    from newsevents.console import errors as stderr
    from newsevents.corpus.build import load_corpus

    ontology = load_schema(schema)
    if files:
        documents = [doc for path in files for doc in read_documents(path)]
    else:
        documents = load_corpus(corpus, texts, ontology)
    flags = lint(documents, ontology, min_count=min_count, justified=read_justified(justified) if justified else None)
    tally = counts(flags)
    for flag in flags:
        console.print(str(flag), markup=False)
    summary = ", ".join(f"{code} {n}" for code, n in tally.items())
    stderr.print(f"{len(flags)} flags over {len(documents)} documents: {summary}", markup=False)
    if json_out is not None:
        with atomic_write(json_out) as handle:
            json.dump({"counts": tally, "flags": [flag.__dict__ for flag in flags]}, handle, indent=1, ensure_ascii=False)
    if flags:
        raise typer.Exit(1)
