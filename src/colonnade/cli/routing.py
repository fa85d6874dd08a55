"""``colonnade ask`` and ``chat`` routed by intent like ``POST /v1/answers``: the tools layer
is opened at the first turn that asks for a prediction or an action and runs on its own event
loop until the command ends (an MCP server started once serves the whole chat); the local
key's principal calls it, under the same governance.

Without the tools layer (turned off, its extra missing, or an identity provider configured
so that there is no local key) the CLI answers from the documents as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from anyio.from_thread import BlockingPortal, start_blocking_portal

from colonnade.container import Container
from colonnade.identity import Principal
from colonnade.knowledge.models import Filters
from colonnade.orchestration.assistant import AssistantReply, Finished
from colonnade.orchestration.planner import RulePlanner
from colonnade.orchestration.routed import RoutedAssistant

__all__ = ["Asker", "routed_asker"]

Asker = Callable[..., AssistantReply]  # Assistant.ask's signature


class _RoutedAsk:
    """Plans each turn with the rules first; the tools layer is opened (once, on its own
    event loop) only when a turn asks for a prediction or an action."""

    def __init__(self, c: Container, stack: ExitStack) -> None:
        self.c = c
        self.stack = stack
        self.rules = RulePlanner()
        self._opened = False
        self._routed: tuple[BlockingPortal, RoutedAssistant, Principal] | None = None

    def _open(self) -> tuple[BlockingPortal, RoutedAssistant, Principal] | None:
        if not self._opened:
            self._opened = True
            from colonnade.tools.runtime import open_tools

            c = self.c
            auth = c.authenticator
            if not c.settings.tools.enabled or auth.local is None:
                return None
            portal = self.stack.enter_context(start_blocking_portal())
            layer = portal.call(open_tools, c, lambda: c.predictions)
            if layer is None:
                return None
            self.stack.callback(portal.call, layer.aclose)  # before the portal stops
            c.tools = layer  # the container's routed assistant and turns reach it there
            principal = portal.call(auth.authenticate, auth.local.key)
            self._routed = portal, c.routed_assistant, principal
        return self._routed

    def __call__(
        self,
        question: str,
        *,
        owner: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
    ) -> AssistantReply:
        plan = self.rules.classify(question)
        routed = self._open() if plan.predictions or plan.tools else None
        route = routed[0].call(routed[1].route, routed[2], question) if routed else None
        if routed is None or route is None:
            return self.c.assistant.ask(
                question, owner=owner, conversation_id=conversation_id, filters=filters
            )
        portal, entry, principal = routed
        entry.check_conversation(conversation_id, owner)
        parts = portal.call(entry.act, principal, route)
        for event in entry.stream(
            route, parts, owner=owner, conversation_id=conversation_id, filters=filters
        ):
            if isinstance(event, Finished):
                return event.reply
        raise AssertionError("the routed stream ends with its reply")


@contextmanager
def routed_asker(c: Container) -> Iterator[Asker]:
    """An ``ask`` that routes each turn, for as long as the block runs."""
    with ExitStack() as stack:
        yield _RoutedAsk(c, stack)
