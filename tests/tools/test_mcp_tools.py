"""MCP servers as tools, over stdio (a subprocess) and streamable HTTP, under governance."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from colonnade.errors import Forbidden
from colonnade.observability.audit import AuditLog
from colonnade.settings import MCPServerSettings, ToolsSettings
from colonnade.tools.approvals import ApprovalStore
from colonnade.tools.governance import WITHHELD, ToolGateway
from colonnade.tools.mcp import MCPToolset
from colonnade.tools.ports import ToolError, ToolRegistry
from colonnade.tools.reliability import Reliable
from tests.servers import free_port
from tests.tools.conftest import ALICE, BAD_MCP_SERVER, BOB, MCP_SERVER, READ_ONLY

STDIO = MCPServerSettings(command=MCP_SERVER[0], args=MCP_SERVER[1:])


def governed(
    toolset: MCPToolset, settings: ToolsSettings, approvals: ApprovalStore, audit: AuditLog
) -> ToolGateway:
    registry = ToolRegistry(
        Reliable(t, timeout_s=10, max_retries=0, breaker=settings.breaker) for t in toolset.tools
    )
    return ToolGateway(registry, settings, approvals=approvals, audit=audit)


@pytest.fixture(scope="module")
def http_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [*MCP_SERVER, "--http", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the MCP test server did not start") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_stdio_server_read_write_and_destructive_tools(tool_settings, approvals, audit):
    async def run() -> None:
        async with MCPToolset("orders", STDIO) as ts:
            risks = {t.spec.name: t.spec.risk for t in ts.tools}
            assert risks == {
                "lookup_order": "read",
                "add_note": "write",
                "delete_notes": "high",
                "huge": "read",
                "poisoned": "read",
            }
            gw = governed(ts, tool_settings, approvals, audit)
            order = await gw.call(ALICE, "lookup_order", {"order_id": "A-1"})
            assert order.data == {"id": "A-1", "status": "shipped", "total": 42.5}
            note = await gw.call(ALICE, "add_note", {"text": "call back"})
            assert note.text == "1 notes"
            with pytest.raises(Forbidden):
                await gw.call(READ_ONLY, "add_note", {"text": "nope"})
            pending = await gw.call(ALICE, "delete_notes", {})
            assert pending.status == "pending_approval" and pending.approval is not None
            approvals.decide(BOB, pending.approval.id, approve=True)
            done = await gw.call(ALICE, "delete_notes", {}, approval_id=pending.approval.id)
            assert done.text == "deleted"
            # the server's state shows the write happened once and the delete after it
            again = await gw.call(ALICE, "add_note", {"text": "second"})
            assert again.text == "1 notes"

    asyncio.run(run())
    assert audit.verify().ok


def test_huge_and_injected_results_are_bounded_and_quoted(tool_settings, approvals, audit):
    async def run() -> None:
        async with MCPToolset("orders", STDIO) as ts:
            gw = governed(ts, tool_settings, approvals, audit)
            big = await gw.call(ALICE, "huge", {})
            assert big.truncated and len(big.text) < 4200 and "2000000 characters" in big.text
            poisoned = await gw.call(ALICE, "poisoned", {})
            assert {"override", "reveal_prompt"} <= set(poisoned.injection)
            assert poisoned.text.startswith("[The following document text contains instructions")
            gw.settings = tool_settings.model_copy(update={"injection": "drop"})
            dropped = await gw.call(ALICE, "poisoned", {})
            assert dropped.text == WITHHELD and "Ignore" not in dropped.text

    asyncio.run(run())
    records = {r["tool"]: r for r in audit.records(action="tool_call")}
    assert records["huge"]["truncated"] is True and records["huge"]["result_chars"] == 2_000_000
    assert {"override", "reveal_prompt"} <= set(records["poisoned"]["injection"])


def test_malformed_result_from_a_server_is_an_error_not_a_crash(tool_settings, approvals, audit):
    bad = MCPServerSettings(command=BAD_MCP_SERVER[0], args=BAD_MCP_SERVER[1:])

    async def run() -> None:
        async with MCPToolset("bad", bad) as ts:
            gw = governed(ts, tool_settings, approvals, audit)
            with pytest.raises(ToolError, match="malformed"):
                await gw.call(ALICE, "broken", {})

    asyncio.run(run())
    (record,) = audit.records(action="tool_call")
    assert record["outcome"] == "failed" and record["error"] == "tool_failed"


def test_streamable_http_server(http_server, tool_settings, approvals, audit):
    async def run() -> None:
        async with MCPToolset("orders", MCPServerSettings(url=http_server, prefix="crm_")) as ts:
            gw = governed(ts, tool_settings, approvals, audit)
            order = await gw.call(ALICE, "crm_lookup_order", {"order_id": "B-7"})
            assert order.data["status"] == "unknown"
            note = await gw.call(ALICE, "crm_add_note", {"text": "over http"})
            assert note.text.endswith("notes")

    asyncio.run(run())


def test_a_server_that_cannot_start_is_a_clear_error():
    async def run() -> None:
        async with MCPToolset(
            "gone", MCPServerSettings(command=sys.executable, args=["-c", "pass"])
        ):
            pass

    with pytest.raises(ToolError, match="cannot connect to MCP server gone"):
        asyncio.run(run())
