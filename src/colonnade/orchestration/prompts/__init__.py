"""Prompt templates as files (Jinja2), rendered with autoescape off: they are plain text."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

__all__ = ["render"]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("colonnade.orchestration", "prompts"),
        autoescape=False,  # noqa: S701 - prompts are plain text, never HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
    )


def render(name: str, **values: Any) -> str:
    """Render ``prompts/<name>.j2``."""
    return _environment().get_template(f"{name}.j2").render(**values).strip()
