"""Intent routing with an LLM: OpenAI-style tool calling through the router.

The model sees three kinds of functions: ``search_documents``, ``predict`` (a served
model) and the governed tools the caller may use, and answers a turn with the calls it
needs. Its calls become a ``Plan``; the calls are then made by the same governed paths as
the rule planner's. A model that fails, or answers without a usable call, falls back to
the rules.
"""

from __future__ import annotations

import json
from typing import Any

from colonnade.llm.ports import ChatModel, ChatRequest, Classification
from colonnade.observability import get_logger
from colonnade.orchestration.planner import (
    Plan,
    Planner,
    PredictionStep,
    RulePlanner,
    ToolStep,
)

__all__ = ["LLMPlanner", "intent_planner"]

log = get_logger(__name__)

SYSTEM = (
    "You route an employee's request inside a company assistant. Call search_documents for "
    "questions about company policies and procedures, predict for a churn score of a "
    "customer, and the action tools for things the employee asks you to do. Call every "
    "function the request needs, and nothing for greetings or thanks."
)
_SEARCH = {
    "type": "function",
    "function": {
        "name": "search_documents",
        "description": "Answer a question from the company's documents.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    },
}


def _predict(model: str) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "predict",
            "description": f"Churn probability from the served model {model!r} for a customer "
            "id, or for a customer described by its features.",
            "parameters": {
                "type": "object",
                "properties": {
                    "customer_id": {"type": "integer"},
                    "features": {"type": "object"},
                },
            },
        },
    }


class LLMPlanner:
    def __init__(
        self,
        model: ChatModel,
        *,
        alias: str,
        prediction_model: str = "churn",
        max_tokens: int = 400,
    ) -> None:
        self.model = model
        self.alias = alias
        self.prediction_model = prediction_model
        self.max_tokens = max_tokens
        self.rules = RulePlanner(prediction_model)

    def functions(self, tools: list[Any]) -> list[dict[str, Any]]:
        out = [_SEARCH, _predict(self.prediction_model)]
        for t in tools:
            spec = t.spec if hasattr(t, "spec") else t
            out.append(
                {
                    "type": "function",
                    "function": {
                        "name": spec.name,
                        "description": spec.description,
                        "parameters": dict(spec.input_schema),
                    },
                }
            )
        return out

    async def plan(
        self, text: str, tools: list[Any] | None = None, *, classification: str = "internal"
    ) -> Plan:
        body = {
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}],
            "tools": self.functions(tools or []),
            "tool_choice": "auto",
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        try:
            level: Classification = (
                "confidential" if classification == "confidential" else "internal"
            )
            request = ChatRequest(body, model=self.alias, classification=level)
            completion = await self.model.complete(request)
        except Exception as exc:  # any failure of the model: the rules still route the turn
            log.warning("llm_planner_failed", reason=str(exc))
            return self.rules.classify(text)
        message = ((completion.body.get("choices") or [{}])[0]).get("message") or {}
        calls = message.get("tool_calls") or []
        plan = Plan(intents=[])
        for call in calls:
            fn = call.get("function") or {}
            try:
                args = json.loads(fn.get("arguments") or "{}")
            except json.JSONDecodeError:
                continue
            if not isinstance(args, dict):
                continue
            name = fn.get("name")
            if name == "search_documents":
                plan.documents = " ".join(
                    filter(None, [plan.documents, str(args.get("query", text))])
                )
                intent = "documents"
            elif name == "predict":
                entity = args.get("customer_id")
                plan.predictions.append(
                    PredictionStep(
                        self.prediction_model,
                        text,
                        int(entity) if isinstance(entity, int) else None,
                        dict(args.get("features") or {}),
                    )
                )
                intent = "prediction"
            elif isinstance(name, str):
                plan.tools.append(ToolStep(text, "call", tool=name, arguments=args))
                intent = "tool"
            else:
                continue
            if intent not in plan.intents:
                plan.intents.append(intent)
        if not plan.intents:
            rules = self.rules.classify(text)
            return rules if rules.label != "smalltalk" or not calls else Plan(["smalltalk"])
        return plan


def intent_planner(router: ChatModel | None, alias: str | None) -> Planner:
    """The planner of a turn: OpenAI-style tool calling through the router when an LLM
    serves the assistant's alias, the rules of the embedded default otherwise."""
    if router is not None and alias is not None:
        return LLMPlanner(router, alias=alias)
    return RulePlanner()
