"""``colonnade db``: the database's schema, for operators (a deployment step on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from colonnade.cli.output import console
from colonnade.cli.runner import ConfigOpt, fail, load_cli_settings
from colonnade.errors import ColonnadeError
from colonnade.settings import StorageSettings

__all__ = ["db_app"]

db_app = typer.Typer(help="Show and upgrade the database schema.", no_args_is_help=True)


def _target(storage: StorageSettings) -> str | Path:
    if storage.is_postgres() and storage.database_url:
        return storage.database_url
    return storage.sqlite_path()


def _where(storage: StorageSettings) -> str:
    if storage.is_postgres() and storage.database_url:
        from colonnade.storage.postgres import redact

        return redact(storage.database_url)
    return str(storage.sqlite_path())


@db_app.command("upgrade")
def upgrade(config: ConfigOpt = None) -> None:
    """Apply every schema migration this Colonnade has (safe to run on every deploy)."""
    from colonnade.storage.migrations import upgrade_all

    storage = load_cli_settings(config).storage
    try:
        applied = upgrade_all(_target(storage))
    except ColonnadeError as exc:
        fail(exc.message)
    if applied:
        console.print(f"upgraded {_where(storage)}: applied {', '.join(applied)}", soft_wrap=True)
    else:
        console.print(f"{_where(storage)} is up to date", soft_wrap=True)


@db_app.command("current")
def current(config: ConfigOpt = None) -> None:
    """Each component's schema revision in the database, and this Colonnade's newest."""
    from colonnade.storage.migrations import current as current_revisions
    from colonnade.storage.migrations import heads

    storage = load_cli_settings(config).storage
    target = _target(storage)
    try:
        present = current_revisions(target)
    except ColonnadeError as exc:
        fail(exc.message)
    known = heads("postgresql" if storage.is_postgres() else "sqlite")
    table = Table("component", "database", "this Colonnade", title=_where(storage))
    for component, revision in present.items():
        table.add_row(component, revision or "-", known.get(component, "(unknown)"))
    console.print(table)
    if any(known.get(c) != r for c, r in present.items()):
        console.print("run `colonnade db upgrade` to bring the schema up to date")
