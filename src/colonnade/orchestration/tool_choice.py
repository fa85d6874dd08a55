"""From a planned tool step to a registered tool and its arguments, for the rule planner of
the embedded default (a model's tool call names both itself)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from colonnade.orchestration.planner import ToolStep

__all__ = ["fill_arguments", "pick_tool"]

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    return _WORD.findall("".join(c for c in text if not unicodedata.combining(c)).lower())


_SYNONYMS = {
    "create": {"create", "open", "new", "add", "raise", "file", "submit", "make"},
    "book": {"book", "reserve", "schedule", "create"},
    "request": {"request", "grant", "access", "create"},
    "update": {"update", "comment", "add", "edit", "patch"},
    "delete": {"delete", "remove", "purge"},
    "close": {"close", "resolve"},
}


def pick_tool(step: ToolStep, tools: Iterable[Any]) -> Any | None:
    """The registered tool (``spec`` with name and description) that fits the step best."""
    words = set(_words(step.text))
    verbs = _SYNONYMS.get(step.action, {step.action})
    best, best_score = None, 0.0
    for tool in tools:
        spec = tool.spec if hasattr(tool, "spec") else tool
        name_words = set(_words(spec.name.replace("_", " ")))
        desc_words = set(_words(spec.description))
        score = 2.0 * len(name_words & words) + 0.5 * len(desc_words & words)
        if name_words & verbs:
            score += 1.5
        elif not (desc_words & verbs):
            continue
        if (name_words & words or desc_words & words - verbs) and score > best_score:
            best, best_score = tool, score
    return best


def fill_arguments(schema: Mapping[str, Any], text: str) -> dict[str, Any]:
    """Arguments for a tool from the request's words, by the schema alone: numbers into
    id-like integers, the request itself into text fields, defaults and minimums for the
    rest. What is filled is shown to a person before any high-risk call runs."""
    numbers = [int(n) for n in re.findall(r"\b\d{1,12}\b", text)]
    ref = re.search(r"\b([A-Z]{2,6}-\d+)\b", text)

    def value(name: str, prop: Mapping[str, Any]) -> Any:
        kind = prop.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "default" in prop:
            return prop["default"]
        if prop.get("enum"):
            return prop["enum"][0]
        if "object" in kinds and isinstance(prop.get("properties"), dict):
            return fill_arguments(prop, text)
        if "integer" in kinds or "number" in kinds:
            if numbers and ("id" in name or "number" in name or name.endswith("_no")):
                return numbers[0]
            return prop.get("minimum", 1 if "integer" in kinds else 0)
        if "string" in kinds:
            if ref and ("id" in name or "ref" in name):
                return ref.group(1)
            limit = prop.get("maxLength", 500)
            return text[:limit]
        if "boolean" in kinds:
            return False
        return None

    props = schema.get("properties") or {}
    out: dict[str, Any] = {}
    for name in schema.get("required", []):
        if name in props:
            out[name] = value(name, props[name])
    return out
