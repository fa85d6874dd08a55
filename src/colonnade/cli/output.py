"""Console helpers shared by CLI commands: progress bars and one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from colonnade.knowledge.pipeline import ProgressCallback

__all__ = ["console", "err_console", "progress_bar"]

console = Console()
err_console = Console(stderr=True)


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressCallback]:
    """A rich progress bar driven by the pipeline's (event, done, total) callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(event: str, done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield update
