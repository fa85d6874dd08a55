"""Running one CLI command: settings once, a Container, errors as one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from colonnade.cli.failures import expected_failure
from colonnade.cli.output import err_console
from colonnade.container import Container
from colonnade.errors import ColonnadeError
from colonnade.observability import configure_logging
from colonnade.settings import Settings, load_settings

__all__ = ["ConfigOpt", "fail", "load_cli_settings", "run"]

T = TypeVar("T")
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="colonnade.toml to read (or set COLONNADE_CONFIG)"),
]


def fail(message: str) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def load_cli_settings(config: Path | None) -> Settings:
    try:
        settings = load_settings(config)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        fail(f"invalid setting {where}: {first['msg']}")
    except FileNotFoundError as exc:
        fail(str(exc))
    configure_logging(settings.log_level, json=settings.log_json)
    return settings


def run(config: Path | None, body: Callable[[Container], T]) -> T:
    container = Container(load_cli_settings(config))
    try:
        return body(container)
    except ColonnadeError as exc:
        fail(exc.message)
    except Exception as exc:
        message = expected_failure(exc)
        if message is None:
            raise
        fail(message)
    finally:
        container.close()
