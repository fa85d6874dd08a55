"""The answers bench through the assistant's routed entry (what ``POST /v1/answers`` runs):
every question is planned first, with a catalogue of business tools and a ``predict`` tool
the bench user may call, and goes to a tool or a prediction only when the plan asks for one
that fits. Document questions must stay on the documents path, so the figures must equal
those of the assistant alone; the questions routed away are listed.

    python bench/routed.py tune        (or old)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from colonnade.container import Container
from colonnade.identity import Principal
from colonnade.knowledge.models import Filters
from colonnade.orchestration.assistant import AssistantReply, Finished
from colonnade.orchestration.planner import RulePlanner
from colonnade.orchestration.routed import RoutedAssistant
from colonnade.orchestration.turns import TurnRouter
from colonnade.settings import ToolsSettings
from colonnade.tools.approvals import ApprovalStore
from colonnade.tools.governance import ToolGateway
from colonnade.tools.ports import Risk, ToolRegistry, ToolResult, ToolSpec

__all__ = ["routed_asker"]

_TEXT = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
_ID = {
    "type": "object",
    "properties": {"ticket_id": {"type": "integer"}},
    "required": ["ticket_id"],
}
# (name, description, risk, schema): actions an employee would ask a company assistant for
CATALOGUE: list[tuple[str, str, Risk, Mapping[str, Any]]] = [
    ("open_ticket", "Open an IT or HR support ticket", "write", _TEXT),
    ("update_ticket", "Update or comment on a support ticket", "write", _ID),
    ("close_ticket", "Close or resolve a support ticket", "write", _ID),
    ("delete_ticket", "Delete a support ticket", "high", _ID),
    ("reset_password", "Reset the employee's password", "high", _TEXT),
    ("unlock_account", "Unlock a locked account", "write", _TEXT),
    ("request_access", "Request access to a system or shared drive", "write", _TEXT),
    ("book_room", "Book a meeting room", "write", _TEXT),
    ("order_laptop", "Order or replace a laptop or phone", "high", _TEXT),
    ("request_leave", "Request annual or parental leave in the HR portal", "write", _TEXT),
    ("submit_expense", "Submit an expense claim or travel expenses", "write", _TEXT),
]


class CatalogueTool:
    def __init__(self, spec: ToolSpec, calls: list[str]) -> None:
        self._spec = spec
        self.calls = calls

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        self.calls.append(self._spec.name)
        return ToolResult(f"{self._spec.name} done", {"ok": True})


def routed_asker(c: Container, data: Path, routed: list[str]) -> Callable[..., AssistantReply]:
    """``Assistant.ask``'s signature through the routed entry; ``routed`` collects the
    questions that went to a tool or a prediction."""
    calls: list[str] = []
    registry = ToolRegistry(
        CatalogueTool(ToolSpec(n, d, risk, schema, source="catalogue"), calls)
        for n, d, risk, schema in CATALOGUE
    )
    predict_schema = {"type": "object", "properties": {"model": {"type": "string"}}}
    registry.add(
        CatalogueTool(ToolSpec("predict", "Score a customer", "read", predict_schema), calls)
    )
    approvals = ApprovalStore(data / "approvals.db")
    gateway = ToolGateway(registry, ToolsSettings(), approvals=approvals, audit=None)
    entry = RoutedAssistant(c.assistant, TurnRouter(RulePlanner(), c.assistant, lambda: gateway))
    principal = Principal("default", "bench", permissions=frozenset({"ask", "tool:*"}))

    def ask(
        question: str, *, owner: str, conversation_id: str | None, filters: Filters
    ) -> AssistantReply:
        route = asyncio.run(entry.route(principal, question))
        if route is None:
            return c.assistant.ask(
                question, owner=owner, conversation_id=conversation_id, filters=filters
            )
        routed.append(f"{route.intent.value}: {question}")
        parts = asyncio.run(entry.act(principal, route))
        for event in entry.stream(
            route, parts, owner=owner, conversation_id=conversation_id, filters=filters
        ):
            if isinstance(event, Finished):
                return event.reply
        raise AssertionError("the routed stream ends with its reply")

    return ask


def main() -> None:
    from rich.console import Console

    from answers import (
        _handbook_container,
        figures_of,
        load_questions,
        print_misses,
        run_set,
        separation,
    )

    console = Console()
    command = sys.argv[1] if len(sys.argv) > 1 else "tune"
    if command not in ("tune", "old"):
        raise SystemExit("usage: bench/routed.py [tune|old]")
    with tempfile.TemporaryDirectory() as tmp:
        c = _handbook_container(Path(tmp) / "data")
        try:
            routed: list[str] = []
            rows = run_set(c, load_questions(command), routed_asker(c, Path(tmp), routed))
            print_misses(rows, console)
            console.print(figures_of(rows), separation(rows))
            console.print(f"routed to a tool or a prediction: {len(routed)}", routed)
        finally:
            c.close()


if __name__ == "__main__":
    main()
