"""The routed entry of the assistant with the LLM planner: the rules decide whether a turn
leaves the documents path, a model's tool calls then pick among the tools the caller holds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from colonnade.container import Container
from colonnade.identity import Principal
from colonnade.knowledge.models import Filters
from colonnade.knowledge.sources import FileSource
from colonnade.orchestration.assistant import Finished, Started
from colonnade.orchestration.llm_planner import LLMPlanner
from colonnade.orchestration.models import Intent, TextDelta
from colonnade.orchestration.routed import RoutedAssistant
from colonnade.orchestration.turns import TurnRouter
from colonnade.settings import ToolsSettings
from colonnade.tools.approvals import ApprovalStore
from colonnade.tools.governance import ToolGateway
from colonnade.tools.ports import Risk, ToolRegistry, ToolResult, ToolSpec
from tests.conftest import HANDBOOK
from tests.orchestration.test_planner import ScriptedToolCaller

ALICE = Principal("default", "alice", permissions=frozenset({"ask", "tool:open_ticket"}))
_SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


class Recorded:
    """A tool that records its calls (the tool port)."""

    def __init__(self, name: str, risk: Risk, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self._spec = ToolSpec(name, f"{name.replace('_', ' ')}", _SCHEMA, risk, source="test")
        self.calls = calls

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        self.calls.append((self._spec.name, dict(arguments)))
        return ToolResult(f"ticket opened: {arguments['title']}", {"id": 7})


@pytest.fixture
def world(container: Container, tmp_path: Path) -> Iterator[tuple[Container, ToolGateway, list]]:
    report = container.ingestor.ingest(
        FileSource([HANDBOOK / "hr" / "annual-leave-policy.md"]), "hr"
    )
    assert report.ok
    calls: list[tuple[str, dict[str, Any]]] = []
    registry = ToolRegistry(
        [Recorded("open_ticket", "write", calls), Recorded("wipe_laptop", "high", calls)]
    )
    approvals = ApprovalStore(tmp_path / "approvals.db")
    yield container, ToolGateway(registry, ToolsSettings(), approvals=approvals, audit=None), calls
    approvals.close()


def entry(c: Container, gateway: ToolGateway, *calls: dict[str, Any]) -> RoutedAssistant:
    planner = LLMPlanner(ScriptedToolCaller(list(calls)), alias="assistant")
    return RoutedAssistant(c.assistant, TurnRouter(planner, c.assistant, lambda: gateway))


def run(e: RoutedAssistant, text: str) -> tuple[list[Any], Any]:
    route = asyncio.run(e.route(ALICE, text))
    if route is None:
        return [], None
    parts = asyncio.run(e.act(ALICE, route))
    events = list(e.stream(route, parts, owner=ALICE.owner, filters=Filters()))
    return events, route


def test_a_models_tool_call_runs_the_tool_it_names(
    world: tuple[Container, ToolGateway, list],
) -> None:
    c, gateway, calls = world
    e = entry(c, gateway, {"name": "open_ticket", "arguments": {"title": "my laptop is broken"}})
    events, route = run(e, "open a ticket, my laptop is broken")
    assert route.intent is Intent.tool
    assert isinstance(events[0], Started) and isinstance(events[-1], Finished)
    reply = events[-1].reply
    assert reply.parts[0]["status"] == "done" and reply.answer.generator == "tools"
    assert calls == [("open_ticket", {"title": "my laptop is broken"})]
    stored = c.conversations.get(reply.conversation_id, ALICE.owner)
    assert stored.turns[0].metadata["parts"][0]["tool"] == "open_ticket"


def test_a_tool_the_caller_does_not_hold_leaves_the_turn_on_the_documents_path(
    world: tuple[Container, ToolGateway, list],
) -> None:
    c, gateway, calls = world
    wipe = {"name": "wipe_laptop", "arguments": {"title": "laptop"}}
    e = entry(c, gateway, wipe)
    # alice holds open_ticket only
    assert asyncio.run(e.route(ALICE, "open a ticket to wipe my laptop")) is None
    # a document question never reaches the model planner: the rules keep it on the
    # documents path, at no model call
    model = ScriptedToolCaller([wipe])
    planner = LLMPlanner(model, alias="assistant")
    e = RoutedAssistant(c.assistant, TurnRouter(planner, c.assistant, lambda: gateway))
    assert asyncio.run(e.route(ALICE, "how much annual leave do I get?")) is None
    assert model.requests == [] and calls == []


def test_a_mixed_turn_streams_the_answer_then_the_tool(
    world: tuple[Container, ToolGateway, list],
) -> None:
    c, gateway, calls = world
    e = entry(
        c,
        gateway,
        {"name": "search_documents", "arguments": {"query": "How many days of annual leave?"}},
        {"name": "open_ticket", "arguments": {"title": "leave balance looks wrong"}},
    )
    question = "How many days of annual leave do I get? My balance looks wrong, open a ticket"
    events, route = run(e, question)
    assert route.intent is Intent.mixed and route.documents == "How many days of annual leave?"
    started, finished = events[0], events[-1]
    assert started.intent is Intent.mixed and started.question == question
    text = "".join(ev.text for ev in events if isinstance(ev, TextDelta))
    reply = finished.reply
    assert text == reply.answer.text and text.endswith("ticket opened: leave balance looks wrong")
    assert [p["kind"] for p in reply.parts] == ["documents", "tool"]
    assert reply.answer.citations and reply.question == question
    assert calls == [("open_ticket", {"title": "leave balance looks wrong"})]
    # the conversation keeps the documents part as the turn
    stored = c.conversations.get(reply.conversation_id, ALICE.owner).turns[0]
    assert stored.question == "How many days of annual leave?"
    assert "ticket opened" not in stored.answer


def test_a_model_planner_sees_personal_data_only_as_confidential(
    world: tuple[Container, ToolGateway, list],
) -> None:
    c, gateway, _ = world
    call = {"name": "open_ticket", "arguments": {"title": "new phone"}}
    model = ScriptedToolCaller([call])
    planner = LLMPlanner(model, alias="assistant")
    e = RoutedAssistant(c.assistant, TurnRouter(planner, c.assistant, lambda: gateway))
    asyncio.run(e.route(ALICE, "open a ticket for a new phone"))
    asyncio.run(e.route(ALICE, "open a ticket for a new phone, call me on +44 20 7946 0958"))
    # the router keeps a request with personal data on the self-hosted path
    assert [r.classification for r in model.requests] == ["internal", "confidential"]
