"""Colonnade as an A2A agent (the official ``a2a-sdk``): an agent card with the assistant
as its skill, JSON-RPC at ``/a2a/jsonrpc``.

Every message is a turn of the assistant for the authenticated caller: the same bearer
credentials as the API, the same document ACLs, and the reply carries its citations.
The card is public and names the endpoint on the host the caller reached.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from a2a.helpers.proto_helpers import new_text_message
from a2a.server.agent_execution.agent_executor import AgentExecutor
from a2a.server.agent_execution.context import RequestContext
from a2a.server.context import ServerCallContext
from a2a.server.events.event_queue import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.request_handlers.response_helpers import agent_card_to_dict
from a2a.server.routes import create_jsonrpc_routes
from a2a.server.routes.common import DefaultServerCallContextBuilder
from a2a.server.tasks.inmemory_task_store import InMemoryTaskStore
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from colonnade import __version__
from colonnade.api.bearer import BearerGate
from colonnade.container import Container
from colonnade.errors import ColonnadeError
from colonnade.identity import Principal
from colonnade.knowledge.models import Filters

__all__ = ["ColonnadeAgent", "agent_card", "build_a2a"]

RPC = "/a2a/jsonrpc"


def agent_card(base_url: str) -> AgentCard:
    return AgentCard(
        name="Colonnade",
        description="Answers questions from your organisation's documents, with citations, "
        "using only the documents the caller may read.",
        version=__version__,
        capabilities=AgentCapabilities(streaming=False, push_notifications=False),
        default_input_modes=["text"],
        default_output_modes=["text"],
        skills=[
            AgentSkill(
                id="assistant",
                name="Colonnade assistant",
                description="Grounded answers with numbered citations from the knowledge base.",
                tags=["documents", "policies", "search", "citations"],
                examples=["How long is parental leave for the primary carer?"],
                input_modes=["text"],
                output_modes=["text"],
            )
        ],
        supported_interfaces=[
            AgentInterface(
                protocol_binding="JSONRPC", protocol_version="1.0", url=f"{base_url}{RPC}"
            )
        ],
    )


class _Context(DefaultServerCallContextBuilder):
    """Carries the principal that BearerGate established into the executor."""

    def build(self, request: Request) -> ServerCallContext:
        context = super().build(request)
        context.state["principal"] = request.scope.get("state", {}).get("principal")
        headers = context.state.get("headers")
        if isinstance(headers, dict):  # the bearer token stays out of the task's state
            headers.pop("authorization", None)
            headers.pop("x-api-key", None)
        return context


class ColonnadeAgent(AgentExecutor):
    def __init__(self, container: Container) -> None:
        self.container = container

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        principal = context.call_context.state.get("principal")
        if not isinstance(principal, Principal) or not principal.can("ask"):
            text = "You are not allowed to ask the assistant (the ask permission)."
        else:
            text = await self._answer(principal, context.get_user_input())
        await event_queue.enqueue_event(
            new_text_message(text, context_id=context.context_id, task_id=context.task_id)
        )

    async def _answer(self, who: Principal, question: str) -> str:
        filters = Filters(tenant=who.tenant, access=who.access)
        try:
            reply = await anyio.to_thread.run_sync(
                lambda: self.container.assistant.ask(question, owner=who.owner, filters=filters)
            )
        except ColonnadeError as exc:
            return f"Cannot answer: {exc.message}"
        if self.container.audit is not None:
            self.container.audit.append(
                "a2a_message", tenant=who.tenant, principal=who.user, via=who.via
            )
        sources = "\n".join(
            f"[{c.number}] {c.title} ({c.document_id})" for c in reply.answer.citations
        )
        return f"{reply.answer.text}\n\nSources:\n{sources}" if sources else reply.answer.text

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        return None  # answers are short: nothing runs long enough to cancel


class _A2A:
    """The card (public, per host) and the JSON-RPC endpoint (behind BearerGate)."""

    def __init__(self, container: Container) -> None:
        placeholder = agent_card("http://localhost")
        handler = DefaultRequestHandler(
            agent_executor=ColonnadeAgent(container),
            task_store=InMemoryTaskStore(),
            agent_card=placeholder,
        )
        routes = create_jsonrpc_routes(handler, rpc_url=RPC, context_builder=_Context())
        self.rpc: ASGIApp = BearerGate(Starlette(routes=list(routes)))
        self.card = Route("/.well-known/agent-card.json", self._card, methods=["GET"])

    async def _card(self, request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")
        body: dict[str, Any] = agent_card_to_dict(agent_card(base))
        return JSONResponse(body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == RPC:
            await self.rpc(scope, receive, send)
        else:
            await self.card.handle(scope, receive, send)


def build_a2a(container: Container) -> ASGIApp:
    return _A2A(container)
