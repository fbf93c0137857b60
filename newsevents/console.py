"""Terminal output shared by the commands: a progress bar and problem lists (rich)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def progress_display() -> Iterator[Progress]:
    """Progress bars on stderr (hidden when stderr is not a terminal): add one task per bar."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True, disable=not sys.stderr.isatty(),
    ) as progress:
        yield progress


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """One progress bar on stderr (hidden when stderr is not a terminal); yields ``advance(n)``."""
    with progress_display() as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)


def print_problems(title: str, problems: Iterable[object], limit: int = 50) -> int:
    """Print up to ``limit`` problems, one line each, under ``title``; returns how many there were."""
    problems = list(problems)
    if problems:
        errors.print(f"[bold red]{title}: {len(problems)}[/]")
        for problem in problems[:limit]:
            errors.print(f"  {problem}")
        if len(problems) > limit:
            errors.print(f"  ... and {len(problems) - limit} more")
    return len(problems)
