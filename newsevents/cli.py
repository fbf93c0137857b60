"""The ``newsevents`` command line: one group per stage of the data flow, plus ``demo``.

User errors (bad input, a mismatch, a malformed file) print one line naming file, line, document and
field, and exit with status 2; commands that find problems (validation, leaks, failed inputs) list
them and exit with status 1. Run any command with ``--help`` for an example.
"""

from __future__ import annotations

import signal
import sys

import typer
from rich.console import Console
from rich.markup import escape

from newsevents import __version__
from newsevents.annotation.cli import app as annotate_app
from newsevents.baselines.cli import app as baselines_app
from newsevents.corpus.cli import app as corpus_app
from newsevents.corpus.publish_cli import export, publish
from newsevents.demo import demo
from newsevents.errors import NewsEventsError
from newsevents.eval.cli import app as eval_app
from newsevents.formats.cli import convert
import newsevents.llm  # noqa: F401  (registers the llm runner of eval run)

#: Exit status of a command that ran and found problems in its input.
EXIT_PROBLEMS = 1
#: Exit status of a user error: the command could not run as asked.
EXIT_USER_ERROR = 2
#: Exit status after SIGTERM (128 + the signal number), as a shell reports it.
EXIT_TERMINATED = 128 + signal.SIGTERM

app = typer.Typer(
    name="newsevents",
    help="Event extraction from news about security and political violence: corpus, annotation, evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(annotate_app, name="annotate")
app.command(name="demo")(demo)
app.add_typer(eval_app, name="eval")
app.add_typer(baselines_app, name="baselines")
app.command(name="convert")(convert)
app.command(name="publish")(publish)
app.command(name="export")(export)


@app.callback(invoke_without_command=True)
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    if version:
        typer.echo(f"newsevents {__version__}")
        raise typer.Exit()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_TERMINATED)


def main() -> None:
    """Console-script entry point: run the app, turning user errors into one line on stderr.

    Usage errors (an unknown command or option) are click's: it prints them and exits with 2.
    SIGTERM unwinds like Ctrl-C (exit 143): atomic writes delete their temporary files, a build its
    staging folder.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        app()
    except NewsEventsError as err:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(err))}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_USER_ERROR)
