"""Options of ``colonnade`` itself: ``--data-dir``, ``--version``, and plain help text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from colonnade import __version__

__all__ = ["register"]


def _print_version(value: bool) -> None:
    if value:
        print(f"colonnade {__version__}")
        raise typer.Exit


def _plain_help(app: typer.Typer) -> None:
    # Typer's rich help shows a type such as "<bool>" beside every flag and colours
    # that leak as escape codes into pipes; Click's own formatter shows neither.
    app.rich_markup_mode = None
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _plain_help(group.typer_instance)


def register(app: typer.Typer) -> None:
    """Add the root options; call after every command and group is registered."""

    @app.callback()
    def root(
        data_dir: Annotated[
            Path | None,
            typer.Option(
                "--data-dir",
                envvar="COLONNADE_DATA_DIR",
                help="where state is kept (default ./.colonnade, or storage.data_dir)",
                show_default=False,
            ),
        ] = None,
        version: Annotated[
            bool,
            typer.Option(
                "--version", callback=_print_version, is_eager=True, help="print the version"
            ),
        ] = False,
    ) -> None:
        """Colonnade: grounded answers over your internal documents."""
        if data_dir is not None:
            os.environ["COLONNADE_STORAGE__DATA_DIR"] = str(data_dir.expanduser().resolve())

    _plain_help(app)
