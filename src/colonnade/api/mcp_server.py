"""Colonnade as an MCP server at ``/mcp`` (streamable HTTP, the official SDK).

Tools ``search``, ``answer``, ``list_collections`` and ``get_document``, and every
document the caller may open as a resource ``colonnade://documents/{id}``. The bearer
credentials are Colonnade's own (API keys, OIDC tokens, the local key), checked before
the SDK sees the request; each handler then acts as that principal, with the same
permission checks and document ACLs as the REST routes, and lists only what the
principal may use. Stateless mode: any API worker can answer any request.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import anyio.to_thread
import mcp_types
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError as MCPToolError
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from starlette.types import ASGIApp

from colonnade import __version__
from colonnade.api.bearer import BearerGate
from colonnade.container import Container
from colonnade.errors import ColonnadeError, Forbidden, NotFound
from colonnade.identity import Principal
from colonnade.knowledge.models import Filters

__all__ = ["ColonnadeMCP", "build_mcp"]

URI = "colonnade://documents/{document_id}"
NEEDS = {"search": "search", "answer": "ask", "list_collections": "read", "get_document": "read"}


def _principal(ctx: Any) -> Principal:
    """The principal BearerGate put in the HTTP request's scope (tool context or raw one)."""
    request = (ctx.request_context if isinstance(ctx, Context) else ctx).request
    principal = getattr(request, "scope", {}).get("state", {}).get("principal")
    if not isinstance(principal, Principal):  # never reached behind BearerGate
        raise MCPToolError("not authenticated")
    return principal


def _need(principal: Principal, permission: str) -> None:
    if not principal.can(permission):
        raise MCPToolError(f"your roles do not grant {permission!r}")


class ColonnadeMCP(MCPServer[Any]):
    """The SDK's server, with tools and resources listed per principal.

    ``tools/list`` and ``resources/list`` are overridden (the SDK's own lists are static):
    a caller sees only the tools its roles allow and the documents it may open.
    """

    def __init__(self, container: Container) -> None:
        super().__init__(
            "colonnade",
            version=__version__,
            instructions="Search and ask about your organisation's documents; every answer "
            "cites its sources.",
            log_level="WARNING",
        )
        self.container = container
        read_only = ToolAnnotations(read_only_hint=True)

        @self.tool(annotations=read_only)
        async def search(
            query: str, ctx: Context, collection: str | None = None, top_k: int = 5
        ) -> dict[str, Any]:
            """Hybrid search over the documents you may read; passages with their sources."""
            who = _principal(ctx)
            _need(who, "search")
            filters = Filters(
                tenant=who.tenant,
                access=who.access,
                collections=[collection] if collection else None,
            )
            result = await anyio.to_thread.run_sync(
                lambda: container.retriever.search(query, filters=filters, top_k=min(top_k, 50))
            )
            self._audit(who, "search")
            return {
                "hits": [
                    {
                        "document_id": h.document_id,
                        "uri": URI.format(document_id=h.document_id),
                        "collection": h.collection,
                        "title": h.title,
                        "heading": " > ".join(h.heading_path),
                        "page": h.page,
                        "text": h.text,
                        "score": round(h.score, 4),
                    }
                    for h in result.hits
                ]
            }

        @self.tool()
        async def answer(
            question: str, ctx: Context, collection: str | None = None
        ) -> dict[str, Any]:
            """A grounded answer with numbered citations, from the documents you may read."""
            who = _principal(ctx)
            _need(who, "ask")
            filters = Filters(
                tenant=who.tenant,
                access=who.access,
                collections=[collection] if collection else None,
            )
            try:
                reply = await anyio.to_thread.run_sync(
                    lambda: container.assistant.ask(question, owner=who.owner, filters=filters)
                )
            except ColonnadeError as exc:
                raise MCPToolError(exc.message) from exc
            self._audit(who, "answer")
            return {
                "answer": reply.answer.text,
                "conversation_id": reply.conversation_id,
                "citations": [
                    {
                        "number": c.number,
                        "document_id": c.document_id,
                        "uri": URI.format(document_id=c.document_id),
                        "title": c.title,
                        "snippet": c.snippet,
                    }
                    for c in reply.answer.citations
                ],
            }

        @self.tool(annotations=read_only)
        async def list_collections(ctx: Context) -> dict[str, Any]:
            """The collections of your tenant with document and chunk counts."""
            who = _principal(ctx)
            _need(who, "read")
            cols = container.store.list_collections(tenant=who.tenant)
            return {
                "collections": [
                    {"name": c.name, "description": c.description, "documents": c.documents}
                    for c in cols
                ]
            }

        @self.tool(annotations=read_only)
        async def get_document(document_id: str, ctx: Context) -> dict[str, Any]:
            """One document you may read: its metadata and text."""
            who = _principal(ctx)
            _need(who, "read")
            try:
                return self._document(who, document_id)
            except NotFound as exc:
                raise MCPToolError(exc.message) from exc

        @self.resource(URI, mime_type="text/plain")
        async def document(document_id: str, ctx: Context) -> str:
            """A document's text, if you may read it."""
            who = _principal(ctx)
            if not who.can("read"):
                raise Forbidden("your roles do not grant 'read'")
            return str(self._document(who, document_id)["text"])

    def _document(self, who: Principal, document_id: str) -> dict[str, Any]:
        store = self.container.store
        doc = store.get_document(document_id, tenant=who.tenant, access=who.access)
        text = store.document_text(document_id, tenant=who.tenant) if doc else None
        if doc is None or text is None:
            raise NotFound(f"no document {document_id!r} that you may read")
        self._audit(who, "get_document", document=document_id)
        info = dataclasses.asdict(doc)
        return {
            "id": doc.id,
            "collection": doc.collection,
            "title": doc.title,
            "source_uri": doc.source_uri,
            "metadata": json.loads(json.dumps(info["metadata"], default=str)),
            "text": text,
        }

    def _audit(self, who: Principal, tool: str, **fields: Any) -> None:
        if self.container.audit is not None:
            self.container.audit.append(
                "mcp_call", tenant=who.tenant, principal=who.user, via=who.via, tool=tool, **fields
            )

    async def _handle_list_tools(
        self, ctx: Any, params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        who = _principal(ctx)
        tools = [t for t in await self.list_tools() if who.can(NEEDS.get(t.name, "admin"))]
        return mcp_types.ListToolsResult(tools=tools)

    async def _handle_list_resources(
        self, ctx: Any, params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListResourcesResult:
        who = _principal(ctx)
        docs = (
            self.container.store.list_documents(tenant=who.tenant, access=who.access, limit=1000)
            if who.can("read")
            else []
        )
        return mcp_types.ListResourcesResult(
            resources=[
                mcp_types.Resource(
                    uri=URI.format(document_id=d.id),
                    name=d.title or d.source_uri,
                    description=f"{d.collection}: {d.source_uri}",
                    mime_type="text/plain",
                )
                for d in docs
            ]
        )


def build_mcp(container: Container) -> tuple[ASGIApp, Any]:
    """The ``/mcp`` endpoint and the session manager it runs on (to be entered at start)."""
    server = ColonnadeMCP(container)
    # bearer credentials protect the endpoint: a page another site serves cannot attach
    # them, so the SDK's Host/Origin allow-list (DNS rebinding) is not needed behind it
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = server.session_manager
    return BearerGate(StreamableHTTPASGIApp(manager)), manager
