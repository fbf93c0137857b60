"""``newsevents convert``: documents from one format to another (:mod:`newsevents.formats`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from newsevents.console import console, print_problems
from newsevents.errors import NewsEventsError, ValidationError


def _route_options(source_format: str, target_format: str, options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split the given options into the reader's and the writer's.

    An option goes to the reader when it reads it; otherwise to the writer. ``layer`` goes to both
    sides that take it (CoNLL holds one layer on either side). An option neither side takes raises.
    """
    from newsevents import formats

    reader = formats.get_format(source_format).options("read")
    writer = formats.get_format(target_format).options("write")
    read_options: dict[str, Any] = {}
    write_options: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if name in reader:
            read_options[name] = value
        if name in writer and (name not in reader or name == "layer"):
            write_options[name] = value
        if name not in reader and name not in writer:
            takers = sorted(f for f, fmt in formats.FORMATS.items() if name in fmt.options("read") + fmt.options("write"))
            flag = {"coref_path": "--coref"}.get(name, f"--{name}")
            raise NewsEventsError(f"{flag} applies to the {' and '.join(takers) or 'no'} format, not to {source_format} -> {target_format}")
    return read_options, write_options


def convert(
    source: Path = typer.Argument(..., help="Input file, or a dataset folder (with --split)."),
    target: Path = typer.Argument(..., help="Output file (written atomically)."),
    from_format: str = typer.Option(..., "--from", help="Format of the input: newsevents, textee, wikievents or conll."),
    to_format: str = typer.Option(..., "--to", help="Format of the output: newsevents, textee, wikievents or conll."),
    coref: Path | None = typer.Option(None, "--coref", help="WikiEvents coreference JSONL (default: <stem>.coref.jsonl beside the WikiEvents file)."),
    layer: str | None = typer.Option(None, "--layer", help="CoNLL: the BIO layer, triggers (default) or entities."),
    window: str | None = typer.Option(None, "--window", help="TextEE: one window per document (default), per sentence, or tokens:N (whole sentences up to N tokens)."),
    split: str | None = typer.Option(None, "--split", help="With a dataset folder as input: the split to convert (train, validation or dev, test)."),
) -> None:
    """Convert documents between formats; list every annotation the target format cannot hold.

    What was read is validated first (offsets, span texts, references, unique ids; not the ontology,
    since other formats keep their own type names): any problem is listed and nothing is written.
    Dropped annotations (event-valued arguments, spans over two sentences, overlapping BIO spans) are
    listed on stderr; the conversion still succeeds.

    A dataset folder (``corpus build`` or ``publish --dry-run`` output) is read with ``--split``.

    Example: newsevents convert gold.jsonl gold.textee.jsonl --from newsevents --to textee
    """
    from newsevents import formats
    from newsevents.formats.loading import check_documents, problem_lines

    from newsevents.formats.loading import is_dataset_folder, load_gold

    read_options, write_options = _route_options(from_format, to_format, {"coref_path": coref, "layer": layer, "window": window})
    if is_dataset_folder(source):
        if from_format != "newsevents":
            raise NewsEventsError(f"a dataset folder holds newsevents documents: give --from newsevents, not {from_format}", file=str(source))
        if split is None:
            raise NewsEventsError("a dataset folder needs --split (train, validation or test)", file=str(source))
        documents = load_gold(source, split=split)
    else:
        if split is not None:
            raise NewsEventsError("--split applies to a dataset folder, not to a file", file=str(source))
        documents = formats.read(source, from_format, **read_options)
    if not documents:
        raise NewsEventsError(f"no documents: the file holds no {from_format} record; nothing to convert", file=str(source))
    try:
        check_documents(documents, file=source)
    except ValidationError as err:
        print_problems(f"problems in {source} (nothing was written)", problem_lines(err.problems, source, {}))
        raise
    report = formats.write(target, documents, to_format, **write_options)
    print_problems(f"annotations {to_format} cannot hold, dropped", report.dropped, limit=20)
    console.print(report.summary())
