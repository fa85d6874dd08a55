from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from colonnade.identity import Principal
from colonnade.observability.audit import AuditLog
from colonnade.settings import ToolsSettings
from colonnade.tools.approvals import ApprovalStore
from tests.servers import serve
from tests.tools.tickets_app import TOKEN, create_app

HERE = Path(__file__).resolve().parent
MCP_SERVER = [sys.executable, str(HERE / "mcp_server.py")]
BAD_MCP_SERVER = [sys.executable, str(HERE / "bad_mcp_server.py")]

ALICE = Principal("acme", "alice", roles=("reader",), permissions=frozenset({"ask", "tool:*"}))
BOB = Principal(
    "acme", "bob", roles=("approver",), permissions=frozenset({"tool:*", "approve_tools"})
)
MALLORY = Principal(
    "acme", "mallory", permissions=frozenset({"tool:*", "approve_tools", "tool:get_ticket"})
)
READ_ONLY = Principal("acme", "rita", permissions=frozenset({"tool:get_ticket"}))
OTHER_TENANT = Principal("globex", "gina", permissions=frozenset({"tool:*", "approve_tools"}))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tickets() -> Iterator[tuple[str, Any, dict[str, Any]]]:
    app = create_app()
    with serve(app) as url:
        doc = httpx.get(f"{url}/openapi.json").json()
        yield url, app, doc


@pytest.fixture
def tool_settings() -> ToolsSettings:
    return ToolsSettings(allow={"globex": ["get_ticket"]}, max_result_chars=4000)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def approvals(tmp_path: Path, clock: Clock) -> Iterator[ApprovalStore]:
    store = ApprovalStore(tmp_path / "c.db", ttl_s=600, clock=clock)
    yield store
    store.close()


@pytest.fixture
def audit(tmp_path: Path) -> Iterator[AuditLog]:
    log = AuditLog(tmp_path / "c.db")
    yield log
    log.close()


__all__ = ["TOKEN"]
