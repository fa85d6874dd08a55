"""Console helpers shared by CLI commands: progress bars and one-line errors."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

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

__all__ = ["console", "err_console", "plain_when_piped", "print_rows", "progress_bar"]

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


def print_rows(title: str, header: list[str], rows: list[list[str]]) -> None:
    """A table on a terminal; tab-separated lines, never cut at 80 columns, in a pipe."""
    if not console.is_terminal:
        print("\t".join(header))
        for row in rows:
            print("\t".join(row))
        return
    from rich.table import Table

    table = Table(title=title or None)
    for name in header:
        table.add_column(name, no_wrap=name == "id")
    for row in rows:
        table.add_row(*row)
    console.print(table)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class _StripAnsi(io.TextIOBase):
    """A text stream that drops terminal escape codes on their way to ``target``."""

    def __init__(self, target: TextIO) -> None:
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(_ANSI.sub("", text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()


@contextmanager
def plain_when_piped() -> Iterator[None]:
    """Libraries that colour their output (Feast) write plain text when it is not a terminal."""
    if sys.stdout.isatty():
        yield
        return
    with (
        contextlib.redirect_stdout(_StripAnsi(sys.stdout)),
        contextlib.redirect_stderr(_StripAnsi(sys.stderr)),
    ):
        yield
