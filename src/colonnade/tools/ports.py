"""The tools layer's port: a business action or external capability the assistant may call.

A ``Tool`` has a name, a description, a JSON schema for its arguments and a risk: ``read``
(no side effect), ``write`` (changes something) or ``high`` (changes something that a
person must approve first). Adapters (MCP servers, OpenAPI documents, A2A agents, the
built-ins) implement it; governance, timeouts, retries and breakers are wrappers that
implement it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from colonnade.errors import ColonnadeError, NotFound
from colonnade.identity.principal import Principal

__all__ = [
    "RISKS",
    "Risk",
    "Tool",
    "ToolError",
    "ToolRegistry",
    "ToolResult",
    "ToolSpec",
]

Risk = Literal["read", "write", "high"]
RISKS: tuple[Risk, ...] = ("read", "write", "high")


class ToolError(ColonnadeError):
    """A tool call failed; ``retryable`` for timeouts, connection errors, 429 and 5xx."""

    status_code = 502
    code = "tool_failed"

    def __init__(
        self, message: str, *, tool: str, retryable: bool = False, kind: str = "failed"
    ) -> None:
        super().__init__(message, tool=tool, kind=kind)
        self.tool = tool
        self.retryable = retryable
        self.kind = kind
        if kind == "timeout":
            self.status_code = 504
        elif kind == "unavailable":
            self.status_code = 503


@dataclass(slots=True, frozen=True)
class ToolSpec:
    name: str
    description: str
    input_schema: Mapping[str, Any]
    risk: Risk = "read"
    source: str = "builtin"

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": dict(self.input_schema),
            "risk": self.risk,
            "source": self.source,
        }


@dataclass(slots=True)
class ToolResult:
    """What a tool returned: text for a prompt, and the structured data when there is any."""

    text: str
    data: Any = None
    is_error: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Tool(Protocol):
    @property
    def spec(self) -> ToolSpec: ...

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        """Run with checked arguments for ``caller`` (the built-ins trim by its permissions)."""
        ...


class ToolRegistry:
    """Tools by name; a second tool with a taken name is refused, never silently shadowed."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        name = tool.spec.name
        if name in self._tools:
            raise ValueError(f"two tools are named {name!r}: rename one in the tools settings")
        self._tools[name] = tool

    def get(self, name: str) -> Tool:
        tool = self._tools.get(name)
        if tool is None:
            raise NotFound(f"no tool named {name!r}: GET /v1/tools lists the tools you may call")
        return tool

    def __len__(self) -> int:
        return len(self._tools)

    def specs(self) -> list[ToolSpec]:
        return [t.spec for t in self._tools.values()]
