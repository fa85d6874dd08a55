"""The assistant's main entry, routed by intent: what ``POST /v1/answers`` and the web chat
run for every turn.

A turn is planned by the rules (``planner.py``) and, when they see a prediction or an
action and an LLM is configured, again by the LLM planner, which picks the tools and their
arguments; it goes

- to the documents and small-talk path of :class:`Assistant` exactly as before, with the
  whole question, unless the plan holds a prediction or a tool that can really run for the
  caller;
- to a served model through the governed ``predict`` tool when the plan asks for a
  prediction and the caller may use it;
- to a tool through the same gateway (permissions, tenant allow-list, approval for a
  high-risk tool, audit) when the plan asks for an action and a tool the caller may use fits
  it; a high-risk call becomes a part waiting for approval, with its exact arguments.

An action no tool the caller holds can do is not an error: the turn stays on the documents
path, which says what the documents know about it. In a mixed turn the documents part is
asked as its own question and the other parts follow its answer; the conversation keeps the
documents part as the turn, the tool calls are in the audit trail.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from colonnade.errors import ColonnadeError
from colonnade.identity.principal import Principal
from colonnade.knowledge.models import Filters
from colonnade.orchestration.assistant import Assistant, AssistantReply, Finished, Started
from colonnade.orchestration.models import Answer, Intent, TextDelta
from colonnade.orchestration.planner import (
    Planner,
    PredictionStep,
    RulePlanner,
    ToolStep,
    pick_tool,
)
from colonnade.orchestration.ports import GenerationReport
from colonnade.orchestration.turns import TurnPart, TurnRouter

if TYPE_CHECKING:
    from colonnade.tools.governance import ToolGateway

__all__ = ["Route", "RoutedAssistant"]


@dataclass(slots=True)
class Route:
    """A turn that needs more than the documents: the routes that run, in the order asked."""

    question: str  # as asked
    intents: list[str]
    documents: str | None = None  # the part to answer from the documents, if any
    predictions: list[PredictionStep] = field(default_factory=list)
    tools: list[ToolStep] = field(default_factory=list)  # each with its tool chosen

    @property
    def intent(self) -> Intent:
        return Intent.mixed if len(self.intents) > 1 else Intent(self.intents[0])


def _stored(part: TurnPart) -> dict[str, Any]:
    """What a conversation keeps of a part: enough to show it again, not the tool's data."""
    out: dict[str, Any] = {"kind": part.kind, "status": part.status, "text": part.text}
    if "tool" in part.data:
        out["tool"] = part.data["tool"]
    approval = part.data.get("approval")
    if isinstance(approval, dict):
        out["approval"] = approval
        out["arguments"] = part.data.get("arguments")
    return out


class RoutedAssistant:
    """:class:`Assistant` behind intent routing; predictions and tools through ``turns``."""

    def __init__(self, assistant: Assistant, turns: TurnRouter) -> None:
        self.assistant = assistant
        self.turns = turns
        planner = turns.planner
        rules = planner if isinstance(planner, RulePlanner) else getattr(planner, "rules", None)
        self.rules: Planner = rules if isinstance(rules, RulePlanner) else RulePlanner()

    def _gateway(self) -> ToolGateway | None:
        return self.turns.gateway()

    async def route(self, principal: Principal, question: str) -> Route | None:
        """The route of a turn that needs a prediction or a tool; None for one that the
        assistant answers as before (documents, small talk, anything it refuses)."""
        text = question.strip()
        gateway = self._gateway()
        if not text or len(text) > self.assistant.max_question_chars or gateway is None:
            return None
        visible = gateway.visible(principal)
        if not visible:
            return None
        actions = [s for s in visible if s.source not in self.turns.builtin_sources]
        names = {s.name for s in visible}
        # the rules decide, in process, whether a turn leaves the documents path at all: a
        # document question costs no model call and no second screening
        route = await self._plan(self.rules, text, text, actions, names)
        if route is None:
            return None
        report = GenerationReport()
        try:
            # an injected question is refused on the assistant's path, as before
            asked = self.assistant.screen.screen(text, report)
        except ColonnadeError:
            return None
        planner = self.turns.planner
        if planner is self.rules and asked == text:
            return route
        # a model planner then picks the tools and their arguments; what it sees is screened
        # first: personal data redacted, or the request marked confidential so that the
        # router keeps it on the self-hosted path
        outcome = report.guardrails
        classification = (outcome.classification if outcome else None) or "internal"
        return await self._plan(planner, text, asked, actions, names, classification)

    async def _plan(
        self,
        planner: Planner,
        text: str,
        asked: str,
        actions: list[Any],
        names: set[str],
        classification: str = "internal",
    ) -> Route | None:
        plan = await planner.plan(asked, actions, classification=classification)
        predictions = plan.predictions if "predict" in names else []
        tools: list[ToolStep] = []
        for step in plan.tools:
            if step.tool is not None:  # a model's tool call names its tool
                if step.tool in names:
                    tools.append(step)
                continue
            chosen = pick_tool(step, actions)
            if chosen is not None:
                tools.append(replace(step, tool=chosen.name))
        if not predictions and not tools:
            return None
        runs = {"documents": True, "prediction": bool(predictions), "tool": bool(tools)}
        intents = [i for i in plan.intents if runs.get(i, False)]
        documents = plan.documents if "documents" in intents else None
        return Route(text, intents, documents, predictions, tools)

    async def act(self, principal: Principal, route: Route) -> list[TurnPart]:
        """Run the route's predictions and tools, each on its own: one that fails or waits
        for approval says so while the others still run."""
        gateway = self._gateway()
        actions = (
            [s for s in gateway.visible(principal) if s.source not in self.turns.builtin_sources]
            if gateway is not None
            else []
        )
        parts: list[TurnPart] = []
        for intent in route.intents:
            if intent == "prediction":
                for p in route.predictions:
                    parts.append(await self.turns.predict_part(principal, gateway, p))
            elif intent == "tool":
                for t in route.tools:
                    parts.append(await self.turns.tool_part(principal, gateway, t, actions))
        return parts

    def check_conversation(self, conversation_id: str | None, owner: str) -> None:
        """Fail (not found) before any action runs when the conversation is not the owner's."""
        if conversation_id is not None:
            self.assistant.conversations.get(conversation_id, owner, last_turns=0)

    def stream(
        self,
        route: Route,
        parts: list[TurnPart],
        *,
        owner: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
    ) -> Iterator[Started | TextDelta | Finished]:
        """The same events as :meth:`Assistant.stream`: the documents part's answer as it is
        written (if any), then the other parts, then the whole reply."""
        if route.documents is not None:
            yield from self._with_documents(route, parts, owner, conversation_id, filters)
            return
        started = time.perf_counter()
        store = self.assistant.conversations
        created = conversation_id is None
        conversation = conversation_id or store.create(owner).id
        text = "\n\n".join(p.text for p in parts)
        try:
            yield Started(conversation, route.question, route.question, route.intent)
            yield TextDelta(text)
            turn = store.append_turn(
                conversation,
                owner,
                route.question,
                text,
                citations=[],
                generator="tools",
                metadata={
                    "search_query": route.question,
                    "intent": route.intent.value,
                    "parts": [_stored(p) for p in parts],
                },
            )
        except BaseException:
            if created:
                store.delete(conversation, owner)
            raise
        self.assistant.memory.fold(conversation, owner)
        answer = Answer(text, [], "tools", 1.0, grounded=False)
        yield Finished(
            AssistantReply(
                conversation,
                route.question,
                route.question,
                answer,
                {"total_ms": (time.perf_counter() - started) * 1000},
                route.intent,
                turn.ordinal,
                parts=[asdict(p) for p in parts],
            )
        )

    def _with_documents(
        self,
        route: Route,
        parts: list[TurnPart],
        owner: str,
        conversation_id: str | None,
        filters: Filters | None,
    ) -> Iterator[Started | TextDelta | Finished]:
        assert route.documents is not None
        extra = "\n\n".join(p.text for p in parts)
        for event in self.assistant.stream(
            route.documents, owner=owner, conversation_id=conversation_id, filters=filters
        ):
            if isinstance(event, Started):
                yield replace(event, question=route.question, intent=route.intent)
            elif isinstance(event, TextDelta):
                yield event
            else:
                reply = event.reply
                answer = reply.answer
                yield TextDelta(f"\n\n{extra}")
                documents = TurnPart(
                    "documents",
                    "done",
                    answer.text,
                    {
                        "question": route.documents,
                        "citations": [asdict(c) for c in answer.citations],
                        "confidence": answer.confidence,
                    },
                )
                ordered = [documents, *parts]  # as the text reads: the answer, then the rest
                reply.answer = replace(answer, text=f"{answer.text}\n\n{extra}")
                reply.question = route.question
                reply.intent = route.intent
                reply.parts = [asdict(p) for p in ordered]
                yield Finished(reply)
