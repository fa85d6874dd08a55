"""Prompt templates as files (Jinja2), rendered with autoescape off: they are plain text.

Text from documents and conversations enters a prompt through two filters: ``data``
for a quoted body (a tag that would close or open the quotation is defused) and
``attr`` for a label inside a tag (one line, no quote that would end it).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

__all__ = ["as_attribute", "as_data", "render"]

_TAG = re.compile(r"<(\s*/?\s*)(source|summary|conversation)\b", re.IGNORECASE)


def as_data(value: object) -> str:
    """Quoted text that cannot end its quotation: ``</source>`` becomes ``‹/source>``."""
    return _TAG.sub(lambda m: f"\u2039{m.group(1)}{m.group(2)}", str(value))


def as_attribute(value: object) -> str:
    """A label on one line, without the double quote that would end the attribute."""
    return " ".join(as_data(value).replace('"', "'").split())


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("colonnade.orchestration", "prompts"),
        autoescape=False,  # noqa: S701 - prompts are plain text, never HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
    )
    env.filters["data"] = as_data
    env.filters["attr"] = as_attribute
    return env


def render(name: str, **values: Any) -> str:
    """Render ``prompts/<name>.j2``."""
    return _environment().get_template(f"{name}.j2").render(**values).strip()
