"""The intent router of the API, built once per app: the planner (rules, or OpenAI-style
tool calling when an LLM is configured), the ``TurnRouter`` behind ``/v1/turns`` and the
routed assistant behind ``/v1/answers``."""

from __future__ import annotations

from fastapi import Request

from colonnade.orchestration.llm_planner import intent_planner
from colonnade.orchestration.routed import RoutedAssistant
from colonnade.orchestration.turns import TurnRouter

__all__ = ["routed_assistant", "turn_router"]


def turn_router(request: Request) -> TurnRouter:
    state = request.app.state
    router: TurnRouter | None = getattr(state, "turns", None)
    if router is None:
        c = state.container
        router = TurnRouter(
            intent_planner(c.router, c.settings.llm.assistant_alias),
            c.assistant,
            lambda: state.tools.gateway if getattr(state, "tools", None) is not None else None,
        )
        state.turns = router
    return router


def routed_assistant(request: Request) -> RoutedAssistant:
    state = request.app.state
    routed: RoutedAssistant | None = getattr(state, "routed_assistant", None)
    if routed is None:
        routed = RoutedAssistant(state.container.assistant, turn_router(request))
        state.routed_assistant = routed
    return routed
