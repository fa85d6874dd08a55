"""One turn, routed by its plan: documents to the assistant's retrieval path, predictions
and tools through the governed tool gateway (so permissions, approvals and the audit
trail apply to them alike), small talk to a fixed reply.

Each part of a mixed turn runs on its own; one that fails or waits for approval says so
in the reply while the others still answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import anyio.to_thread

from colonnade.errors import ColonnadeError
from colonnade.identity.principal import Principal
from colonnade.knowledge.models import Filters
from colonnade.orchestration.intent import CHIT_CHAT_REPLIES
from colonnade.orchestration.planner import (
    Plan,
    Planner,
    PredictionStep,
    ToolStep,
    fill_arguments,
    pick_tool,
)

if TYPE_CHECKING:
    from colonnade.orchestration.assistant import Assistant
    from colonnade.tools.governance import ToolGateway

__all__ = ["TurnPart", "TurnReply", "TurnRouter"]

Status = Literal["done", "pending_approval", "failed", "missing"]


@dataclass(slots=True)
class TurnPart:
    kind: str
    status: Status
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class TurnReply:
    intent: str
    intents: list[str]
    text: str
    parts: list[TurnPart]
    conversation_id: str | None = None

    def public(self) -> dict[str, Any]:
        return asdict(self)


def _smalltalk(text: str) -> str:
    low = text.lower()
    if any(p in low for p in ("how are", "who are you", "what can you do", "are you a bot")):
        return CHIT_CHAT_REPLIES["about"]
    if any(w in low for w in ("bye", "weekend", "ciao", "see you")):
        return CHIT_CHAT_REPLIES["bye"]
    if any(w in low for w in ("hello", "hi ", "hey", "morning", "bonjour", "hallo")) or low in (
        "hi",
        "hey",
    ):
        return CHIT_CHAT_REPLIES["greeting"]
    return CHIT_CHAT_REPLIES["thanks"]


class TurnRouter:
    def __init__(
        self,
        planner: Planner,
        assistant: Assistant,
        gateway: Callable[[], ToolGateway | None],
        *,
        builtin_sources: tuple[str, ...] = ("builtin",),
    ) -> None:
        self.planner = planner
        self.assistant = assistant
        self._gateway = gateway
        self.builtin_sources = builtin_sources

    def gateway(self) -> ToolGateway | None:
        """The tool gateway, when the tools layer runs."""
        return self._gateway()

    async def run(
        self,
        principal: Principal,
        text: str,
        *,
        conversation_id: str | None = None,
        filters: Filters | None = None,
    ) -> TurnReply:
        gateway = self._gateway()
        actions = (
            [s for s in gateway.visible(principal) if s.source not in self.builtin_sources]
            if gateway is not None
            else []
        )
        plan: Plan = await self.planner.plan(text, actions)
        parts: list[TurnPart] = []
        conversation: str | None = conversation_id
        for intent in plan.intents:
            if intent == "smalltalk" and plan.label == "smalltalk":
                parts.append(TurnPart("smalltalk", "done", _smalltalk(text)))
            elif intent == "documents":
                part, conversation = await self._documents(
                    principal, plan.documents or text, conversation, filters
                )
                parts.append(part)
            elif intent == "prediction":
                for step in plan.predictions:
                    parts.append(await self.predict_part(principal, gateway, step))
            elif intent == "tool":
                for tstep in plan.tools:
                    parts.append(await self.tool_part(principal, gateway, tstep, actions))
        return TurnReply(
            plan.label,
            plan.intents,
            "\n\n".join(p.text for p in parts),
            parts,
            conversation,
        )

    async def _documents(
        self,
        principal: Principal,
        question: str,
        conversation_id: str | None,
        filters: Filters | None,
    ) -> tuple[TurnPart, str | None]:
        f = filters or Filters(tenant=principal.tenant, access=principal.access)
        try:
            reply = await anyio.to_thread.run_sync(
                lambda: self.assistant.ask(
                    question, owner=principal.owner, conversation_id=conversation_id, filters=f
                )
            )
        except ColonnadeError as exc:
            return TurnPart("documents", "failed", f"(documents: {exc.message})"), conversation_id
        data = {
            "question": question,
            "citations": [asdict(c) for c in reply.answer.citations],
            "confidence": reply.answer.confidence,
        }
        return TurnPart("documents", "done", reply.answer.text, data), reply.conversation_id

    async def predict_part(
        self, principal: Principal, gateway: ToolGateway | None, step: PredictionStep
    ) -> TurnPart:
        if step.entity_id is None and not step.features:
            return TurnPart(
                "prediction",
                "missing",
                f"To score {step.model}, say which customer (its id) or describe it "
                "(contract, tenure, payment method, support tickets, usage).",
            )
        if gateway is None:
            return TurnPart("prediction", "failed", "(predictions are not available here)")
        results = []
        for entity in (step.entity_id, *step.others) if step.entity_id is not None else (None,):
            args: dict[str, Any] = {"model": step.model}
            if entity is not None:
                args["entity_id"] = entity
            else:
                args["features"] = step.features
            try:
                outcome = await gateway.call(principal, "predict", args, route="assistant")
            except ColonnadeError as exc:
                results.append(TurnPart("prediction", "failed", f"(prediction: {exc.message})"))
                continue
            results.append(TurnPart("prediction", "done", outcome.text, outcome.data or {}))
        if len(results) == 1:
            return results[0]
        ok = [r for r in results if r.status == "done"]
        return TurnPart(
            "prediction",
            "done" if ok else "failed",
            "\n".join(r.text for r in results),
            {"results": [r.data for r in results]},
        )

    async def tool_part(
        self,
        principal: Principal,
        gateway: ToolGateway | None,
        step: ToolStep,
        actions: list[Any],
    ) -> TurnPart:
        if gateway is None:
            return TurnPart("tool", "failed", "(no tools are available here)")
        name = step.tool
        if name is None:
            chosen = pick_tool(step, actions)
            if chosen is None:
                return TurnPart(
                    "tool",
                    "missing",
                    f'No tool you may use can do this: "{step.text}". '
                    "GET /v1/tools lists the ones you have.",
                )
            name = chosen.name
        spec = gateway.registry.get(name).spec
        args = (
            step.arguments
            if step.arguments is not None
            else fill_arguments(spec.input_schema, step.text)
        )
        try:
            outcome = await gateway.call(principal, name, args, route="assistant")
        except ColonnadeError as exc:
            return TurnPart("tool", "failed", f"({name}: {exc.message})", {"tool": name})
        if outcome.status == "pending_approval" and outcome.approval is not None:
            a = outcome.approval
            return TurnPart(
                "tool",
                "pending_approval",
                f"{name} needs a person's approval before it runs: request {a.id} with "
                f"{a.arguments}. Someone holding approve_tools can approve it; then send the "
                f"same call with approval_id {a.id}.",
                {"tool": name, "approval": a.public(a.created_at), "arguments": args},
            )
        status: Status = "failed" if outcome.is_error else "done"
        return TurnPart(
            "tool", status, f"{name}: {outcome.text}", {"tool": name, **outcome.public()}
        )
