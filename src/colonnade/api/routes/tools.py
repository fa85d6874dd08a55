"""``/v1/tools`` and ``/v1/approvals``: governed tool calls and the people who approve them.

``POST /v1/tools/{name}`` runs a tool for the caller (202 with a pending approval for a
high-risk tool; the same call again with ``approval_id`` once someone approved it).
``GET /v1/approvals`` lists the tenant's requests for approvers and the caller's own for
everyone else; ``POST /v1/approvals/{id}`` approves or denies one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from colonnade.api.deps import ContainerDep, PrincipalDep, ToolsDep, TurnsDep
from colonnade.api.problems import problems
from colonnade.api.reply_schemas import (
    ApprovalList,
    ApprovalOut,
    FanOutReplyOut,
    ToolList,
    ToolOutcomeOut,
    TurnReplyOut,
)
from colonnade.errors import Forbidden
from colonnade.identity import Principal

__all__ = ["router"]


async def _counted(
    request: Request, response: Response, principal: PrincipalDep, container: ContainerDep
) -> Principal:
    """The caller, counted against its rate limits like every other route; each route
    checks its own permission (tool calls check theirs in the gateway)."""
    limiter = container.limiter
    if limiter is not None:
        response.headers.update(await limiter.hit_request(principal, request.url.path))
    return principal


Caller = Annotated[Principal, Depends(_counted)]
router = APIRouter(prefix="/v1", tags=["tools"])


class ToolCall(BaseModel):
    arguments: dict[str, Any] = Field(default_factory=dict)
    approval_id: str | None = Field(
        default=None, description="the approved request this call carries out"
    )


class Turn(BaseModel):
    text: str = Field(min_length=1, max_length=4000, description="what the user typed")
    conversation_id: str | None = None


class FanOutRequest(BaseModel):
    question: str = Field(min_length=1, max_length=4000)
    collections: list[str] | None = Field(
        default=None, max_length=16, description="one agent per collection; all of them if empty"
    )
    sub_questions: list[str] | None = Field(
        default=None, max_length=8, description="one agent per sub-question (and collection)"
    )
    deadline_s: float = Field(default=20.0, gt=0, le=120)


class Decision(BaseModel):
    decision: Literal["approve", "deny"]


@router.get(
    "/tools",
    response_model=None,
    responses={200: {"model": ToolList}, **problems(503)},
    summary="The tools you may call",
)
async def list_tools(principal: Caller, layer: ToolsDep) -> dict[str, Any]:
    """The tools the caller may call in its tenant, with their schemas and risks."""
    return {"data": [s.public() for s in layer.gateway.visible(principal)]}


@router.post(
    "/tools/{name}",
    response_model=None,
    responses={
        200: {"model": ToolOutcomeOut, "description": "the tool ran"},
        202: {"model": ToolOutcomeOut, "description": "a high-risk tool waits for approval"},
        **problems(403, 404, 502, 503, 504),
    },
    summary="Call a tool",
)
async def call_tool(name: str, body: ToolCall, principal: Caller, layer: ToolsDep) -> JSONResponse:
    """Run a tool; a high-risk one answers 202 with the approval it waits for."""
    outcome = await layer.gateway.call(
        principal, name, body.arguments, approval_id=body.approval_id, route="api"
    )
    status = 202 if outcome.status == "pending_approval" else 200
    return JSONResponse(outcome.public(layer.approvals.clock()), status_code=status)


@router.post(
    "/turns",
    response_model=None,
    responses={200: {"model": TurnReplyOut}, **problems(403, 422, 503)},
    summary="One chat turn routed by intent",
)
async def turn(body: Turn, principal: Caller, turns: TurnsDep) -> dict[str, Any]:
    """One turn routed by intent: documents, a prediction, a tool (approval when high-risk),
    small talk, or several; each part says whether it was done, waits or failed."""
    if not principal.can("ask"):
        raise Forbidden("your roles do not grant 'ask'")
    reply = await turns.run(principal, body.text, conversation_id=body.conversation_id)
    result: dict[str, Any] = reply.public()
    return result


@router.post(
    "/fanout",
    response_model=None,
    responses={200: {"model": FanOutReplyOut}, **problems(403, 422)},
    summary="Ask several agents in parallel and merge their answers",
)
async def fanout(body: FanOutRequest, principal: Caller, c: ContainerDep) -> dict[str, Any]:
    """Agents in parallel over collections or sub-questions, with the caller's permissions;
    one merged answer with attribution, partial (and saying what is missing) on failures."""
    if not principal.can("ask"):
        raise Forbidden("your roles do not grant 'ask'")
    from colonnade.orchestration.fanout import FanOut

    collections = body.collections or [
        col.name for col in c.store.list_collections(tenant=principal.tenant)
    ]
    runner = FanOut(c.retriever.search, c.generator, deadline_s=body.deadline_s)
    tasks = FanOut.tasks(body.question, collections, body.sub_questions)
    reply = await runner.run(principal, body.question, tasks)
    result: dict[str, Any] = reply.public()
    return result


def _visible(principal: Principal, approval: Any) -> bool:
    return principal.can("approve_tools") or approval.requester == principal.user


@router.get(
    "/approvals",
    response_model=None,
    responses={200: {"model": ApprovalList}, **problems(503)},
    summary="Approval requests for high-risk tool calls",
)
async def list_approvals(
    principal: Caller,
    layer: ToolsDep,
    status: Literal["pending", "approved", "denied", "used", "expired"] | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """Approvers see the tenant's requests; everyone else sees their own."""
    store = layer.approvals
    now = store.clock()
    items = store.list(principal.tenant, status=status, limit=limit)
    return {"data": [a.public(now) for a in items if _visible(principal, a)]}


@router.get(
    "/approvals/{approval_id}",
    response_model=None,
    responses={200: {"model": ApprovalOut}, **problems(404, 503)},
    summary="One approval request",
)
async def get_approval(approval_id: str, principal: Caller, layer: ToolsDep) -> Any:
    """Approvers and the requester may read it; ``expired`` once its time ran out."""
    store = layer.approvals
    approval = store.get(principal.tenant, approval_id)
    if not _visible(principal, approval):
        raise Forbidden("only approvers and the requester may read an approval")
    return approval.public(store.clock())


@router.post(
    "/approvals/{approval_id}",
    response_model=None,
    responses={200: {"model": ApprovalOut}, **problems(403, 404, 409, 503)},
    summary="Approve or deny a tool call",
)
async def decide(approval_id: str, body: Decision, principal: Caller, layer: ToolsDep) -> Any:
    """Approve or deny: someone holding approve_tools who did not ask for the call."""
    store = layer.approvals
    outcome = "refused"
    try:
        approval = store.decide(principal, approval_id, approve=body.decision == "approve")
        outcome = approval.status
    finally:
        if layer.gateway.audit is not None:
            layer.gateway.audit.append(
                "tool_approval",
                tenant=principal.tenant,
                user=principal.user,
                approval=approval_id,
                decision=body.decision,
                outcome=outcome,
                now=True,
            )
    return approval.public(store.clock())
