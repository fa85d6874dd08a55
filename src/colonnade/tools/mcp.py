"""MCP servers as tools: over stdio (a subprocess) or streamable HTTP, with the official SDK.

One ``MCPToolset`` holds one session open to one server (``async with``) and exposes each
of the server's tools as a ``Tool``. The risk comes from the server's annotations
(``readOnlyHint`` -> read, ``destructiveHint`` -> high, otherwise write) unless the tools
settings override it. A result the SDK cannot parse, or a protocol error, becomes a
``ToolError``; size limits are the gateway's.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any

import httpx2
import mcp_types
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from pydantic import ValidationError

from colonnade.identity.principal import Principal
from colonnade.settings import MCPServerSettings
from colonnade.tools.ports import Risk, ToolError, ToolResult, ToolSpec

__all__ = ["MCPTool", "MCPToolset", "mcp_risk", "result_text"]


def mcp_risk(tool: mcp_types.Tool) -> Risk:
    a = tool.annotations
    if a is not None and a.read_only_hint:
        return "read"
    if a is not None and a.destructive_hint:
        return "high"
    return "write"


def result_text(result: mcp_types.CallToolResult) -> str:
    parts = []
    for block in result.content:
        if isinstance(block, mcp_types.TextContent):
            parts.append(block.text)
        else:
            parts.append(f"[{block.type} content]")
    return "\n".join(parts)


class MCPTool:
    def __init__(self, toolset: MCPToolset, remote: str, spec: ToolSpec) -> None:
        self._toolset = toolset
        self._remote = remote
        self._spec = spec

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        return await self._toolset.call(self._remote, self._spec.name, dict(arguments))


class MCPToolset:
    """The tools of one MCP server, while the session is open."""

    def __init__(
        self,
        name: str,
        settings: MCPServerSettings,
        *,
        risk: Mapping[str, Risk] | None = None,
        read_timeout_s: float = 30.0,
    ) -> None:
        if (settings.command is None) == (settings.url is None):
            raise ValueError(f"tools.mcp.{name}: set either command (stdio) or url (HTTP)")
        self.name = name
        self.settings = settings
        self.risk_overrides = dict(risk or {})
        self.read_timeout_s = read_timeout_s
        self.tools: list[MCPTool] = []
        self._stack: AsyncExitStack | None = None
        self._client: Client | None = None

    async def _connect(self, stack: AsyncExitStack) -> Client:
        s = self.settings
        if s.command is not None:
            params = StdioServerParameters(command=s.command, args=s.args, env=s.env or None)
            return Client(params, read_timeout_seconds=self.read_timeout_s, cache=None)
        headers = {"Authorization": f"Bearer {s.token.get_secret_value()}"} if s.token else None
        # the SDK's defaults: 30 s to connect and write, a long read for held-open streams
        http = await stack.enter_async_context(
            httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30.0, read=300.0))
        )
        assert s.url is not None
        return Client(
            streamable_http_client(s.url, http_client=http),
            read_timeout_seconds=self.read_timeout_s,
            cache=None,
        )

    async def __aenter__(self) -> MCPToolset:
        stack = AsyncExitStack()
        try:
            client = await self._connect(stack)
            await stack.enter_async_context(client)
            listed = await client.list_tools()
        except BaseException as exc:
            await stack.aclose()
            if isinstance(exc, Exception):
                raise ToolError(
                    f"cannot connect to MCP server {self.name}: {exc}",
                    tool=self.name,
                    kind="unavailable",
                ) from exc
            raise
        self._stack, self._client = stack, client
        prefix = self.settings.prefix
        self.tools = []
        for t in listed.tools:
            name = f"{prefix}{t.name}"
            spec = ToolSpec(
                name=name,
                description=t.description or t.title or t.name,
                input_schema=t.input_schema,
                risk=self.risk_overrides.get(name, mcp_risk(t)),
                source=f"mcp:{self.name}",
            )
            self.tools.append(MCPTool(self, t.name, spec))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    async def call(self, remote: str, name: str, arguments: dict[str, Any]) -> ToolResult:
        client = self._client
        if client is None:
            raise ToolError(
                f"MCP server {self.name} is not connected", tool=name, kind="unavailable"
            )
        try:
            result = await client.call_tool(remote, arguments)
        except ValidationError as exc:
            raise ToolError(
                f"MCP server {self.name} returned a malformed result for {remote}",
                tool=name,
                kind="malformed",
            ) from exc
        except MCPError as exc:
            raise ToolError(
                f"MCP server {self.name} refused {remote}: {exc}", tool=name, kind="protocol"
            ) from exc
        except (httpx2.TransportError, OSError, EOFError) as exc:
            raise ToolError(
                f"MCP server {self.name} is unreachable: {exc}",
                tool=name,
                retryable=True,
                kind="connection",
            ) from exc
        return ToolResult(
            text=result_text(result), data=result.structured_content, is_error=result.is_error
        )
