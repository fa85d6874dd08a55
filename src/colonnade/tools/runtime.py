"""The tools layer as the API and the CLI run it: every configured adapter opened,
wrapped in timeouts, retries and a breaker, and put behind one ``ToolGateway``.

A server that cannot be reached at start is logged and left out; the rest still work.
Nothing here imports the ``tools`` extra until a layer is opened, so the platform runs
without it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

from colonnade.errors import ColonnadeError
from colonnade.observability import get_logger

if TYPE_CHECKING:
    from colonnade.container import Container
    from colonnade.tools.approvals import ApprovalStore
    from colonnade.tools.governance import ToolGateway

__all__ = ["ToolLayer", "open_tools"]

log = get_logger(__name__)


class ToolLayer:
    def __init__(
        self, gateway: ToolGateway, approvals: ApprovalStore, stack: AsyncExitStack
    ) -> None:
        self.gateway = gateway
        self.approvals = approvals
        self._stack = stack

    async def aclose(self) -> None:
        await self._stack.aclose()
        self.approvals.close()


async def open_tools(
    container: Container, predictions: Callable[[], Any] = lambda: None
) -> ToolLayer | None:
    """Open the configured tools; None when the tools layer is off or its extra is missing."""
    settings = container.settings
    ts = settings.tools
    if not ts.enabled:
        return None
    try:
        from colonnade.tools.approvals import ApprovalStore
        from colonnade.tools.builtins import builtin_tools
        from colonnade.tools.governance import ToolGateway
        from colonnade.tools.mcp import MCPToolset
        from colonnade.tools.openapi import OpenAPIToolset
        from colonnade.tools.ports import Tool, ToolRegistry
        from colonnade.tools.reliability import Reliable
    except ImportError as exc:
        log.warning("tools_unavailable", reason=str(exc), fix="pip install 'colonnade[tools]'")
        return None

    registry = ToolRegistry()

    def add(tool: Tool) -> None:
        wrapped = Reliable(
            tool, timeout_s=ts.timeout_s, max_retries=ts.max_retries, breaker=ts.breaker
        )
        try:
            registry.add(wrapped)
        except ValueError as exc:
            log.warning("tool_skipped", tool=tool.spec.name, reason=str(exc))

    stack = AsyncExitStack()
    if ts.builtins:
        for builtin in builtin_tools(
            container.retriever, container.store, container.embedder, predictions
        ):
            add(builtin)
    for name, mcp in ts.mcp.items():
        try:
            toolset = await stack.enter_async_context(
                MCPToolset(name, mcp, risk=ts.risk, read_timeout_s=ts.timeout_s)
            )
        except Exception as exc:  # one server down must not stop the rest
            log.warning("mcp_server_unavailable", server=name, reason=str(exc))
            continue
        for remote in toolset.tools:
            add(remote)
    for name, api in ts.openapi.items():
        try:
            service = OpenAPIToolset.from_settings(name, api, risk=ts.risk, timeout_s=ts.timeout_s)
        except (OSError, ValueError, KeyError, ColonnadeError) as exc:
            log.warning("openapi_service_unavailable", service=name, reason=str(exc))
            continue
        stack.push_async_callback(service.aclose)
        for operation in service.tools:
            add(operation)
    if ts.a2a:
        from colonnade.tools.a2a import A2AAgentTool

        for name, agent in ts.a2a.items():
            a2a_tool = A2AAgentTool.from_settings(name, agent)
            stack.push_async_callback(a2a_tool.aclose)
            add(a2a_tool)
    approvals = ApprovalStore(settings.storage.sqlite_path(), ttl_s=ts.approval_ttl_s)
    gateway = ToolGateway(registry, ts, approvals=approvals, audit=container.audit)
    log.info("tools_ready", tools=len(registry))
    return ToolLayer(gateway, approvals, stack)
