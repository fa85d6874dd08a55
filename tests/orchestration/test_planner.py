"""Intent routing: the rule planner of the embedded default, tool choice and argument
filling, and the LLM planner's reading of OpenAI-style tool calls (a scripted model that
implements the ChatModel port)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from colonnade.errors import LLMError
from colonnade.llm.ports import ChatRequest, ChatStream, Completion, Served
from colonnade.orchestration.llm_planner import LLMPlanner
from colonnade.orchestration.planner import RulePlanner, ToolStep, fill_arguments, pick_tool
from colonnade.tools.ports import ToolSpec

PLANNER = RulePlanner()


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("What is the per diem in Berlin?", ["documents"]),
        ("hey there, thank you!", ["smalltalk"]),
        ("what's the churn probability of customer 77?", ["prediction"]),
        ("How likely are we to lose client 12 next month?", ["prediction"]),
        ("create a ticket: the printer on floor 3 is jammed", ["tool"]),
        ("could you please reset my password", ["tool"]),
        ("how do I request a new monitor?", ["documents"]),
        ("how are you?", ["smalltalk"]),
        ("\N{THUMBS UP SIGN}", ["smalltalk"]),
        ("much appreciated, have a good one", ["smalltalk"]),
        ("is customer 88 at risk?", ["prediction"]),
        ("will client 12 renew next month?", ["prediction"]),
        ("sign me up for the first aid course", ["tool"]),
        ("change my password please", ["tool"]),
        ("change freeze dates this year?", ["documents"]),
        ("what is the policy on changing my password?", ["documents"]),
        ("customer 9 asked about our refund policy, what is it?", ["documents"]),
        (
            "churn risk for customer 3 and what's the expense deadline? then open a ticket for it",
            ["prediction", "documents", "tool"],
        ),
    ],
)
def test_rule_planner_routes_each_clause(text: str, intents: list[str]) -> None:
    assert PLANNER.classify(text).intents == intents


def test_prediction_steps_carry_the_customer_or_its_features() -> None:
    plan = PLANNER.classify("churn score for customer 4242 please")
    assert plan.predictions[0].entity_id == 4242
    plan = PLANNER.classify(
        "churn for a month-to-month customer, 5 months tenure, 3 support tickets, pays by card"
    )
    step = plan.predictions[0]
    assert step.entity_id is None
    assert step.features == {
        "contract": "month-to-month",
        "tenure_months": 5.0,
        "support_tickets": 3,
        "payment_method": "card",
    }
    assert PLANNER.classify("which customers 3, 4 or 5 will churn?").predictions[0].others == (4, 5)


TICKET = ToolSpec(
    "open_ticket",
    "Open a service desk ticket",
    {
        "type": "object",
        "properties": {
            "body": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "maxLength": 20},
                    "priority": {"type": "integer", "minimum": 1},
                },
                "required": ["title", "priority"],
            }
        },
        "required": ["body"],
    },
    "write",
)
DELETE = ToolSpec(
    "delete_ticket",
    "Delete a ticket",
    {"type": "object", "properties": {"ticket_id": {"type": "integer"}}, "required": ["ticket_id"]},
    "high",
)
ROOM = ToolSpec("book_room", "Book a meeting room", {"type": "object", "properties": {}}, "write")


def test_pick_tool_and_fill_arguments_from_the_schema() -> None:
    specs = [TICKET, DELETE, ROOM]
    assert pick_tool(ToolStep("open a ticket for my laptop", "create"), specs) is TICKET
    assert pick_tool(ToolStep("delete ticket 7", "delete"), specs) is DELETE
    assert pick_tool(ToolStep("book the big room", "book"), specs) is ROOM
    assert pick_tool(ToolStep("unlock my account", "unlock"), specs) is None
    assert fill_arguments(TICKET.input_schema, "open a ticket for my laptop") == {
        "body": {"title": "open a ticket for my", "priority": 1}
    }
    assert fill_arguments(DELETE.input_schema, "delete ticket 7") == {"ticket_id": 7}


@dataclass
class ScriptedToolCaller:
    """Answers with the scripted tool calls (or fails), and keeps the requests it got."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False
    requests: list[ChatRequest] = field(default_factory=list)
    name: str = "scripted"

    async def complete(self, request: ChatRequest) -> Completion:
        self.requests.append(request)
        if self.fail:
            raise LLMError("down", provider=self.name, kind="connection")
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{i}",
                    "type": "function",
                    "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])},
                }
                for i, c in enumerate(self.calls)
            ],
        }
        return Completion({"choices": [{"message": message}]}, Served(self.name, "managed"))

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        raise NotImplementedError


def test_llm_planner_turns_tool_calls_into_a_plan_and_offers_the_callers_tools() -> None:
    model = ScriptedToolCaller(
        [
            {"name": "predict", "arguments": {"customer_id": 42}},
            {"name": "open_ticket", "arguments": {"body": {"title": "laptop", "priority": 2}}},
            {"name": "search_documents", "arguments": {"query": "laptop replacement policy"}},
        ]
    )
    planner = LLMPlanner(model, alias="assistant")
    plan = asyncio.run(planner.plan("churn of 42, ticket for my laptop, and the policy?", [TICKET]))
    assert plan.label == "mixed" and plan.intents == ["prediction", "tool", "documents"]
    assert plan.predictions[0].entity_id == 42
    assert plan.tools[0].tool == "open_ticket" and plan.tools[0].arguments == {
        "body": {"title": "laptop", "priority": 2}
    }
    assert plan.documents == "laptop replacement policy"
    sent = model.requests[0]
    assert sent.model == "assistant"
    assert [t["function"]["name"] for t in sent.body["tools"]] == [
        "search_documents",
        "predict",
        "open_ticket",
    ]


def test_llm_planner_falls_back_to_the_rules() -> None:
    down = LLMPlanner(ScriptedToolCaller(fail=True), alias="assistant")
    assert asyncio.run(down.plan("open a ticket for my laptop")).intents == ["tool"]
    silent = LLMPlanner(ScriptedToolCaller([]), alias="assistant")
    assert asyncio.run(silent.plan("what is the hotel limit?")).intents == ["documents"]
