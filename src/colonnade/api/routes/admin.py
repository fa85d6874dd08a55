"""Operators' routes: the LLM layer, API keys, the audit trail, usage and metrics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from colonnade.api.deps import Auditor, ContainerDep, KeyManager, Operator, PrincipalDep
from colonnade.api.governance import audit
from colonnade.api.llm_schemas import LLMState, LLMUsage, Shadows
from colonnade.api.problems import problems
from colonnade.api.schemas import KeyCreate, KeyCreated, KeyOut
from colonnade.errors import Forbidden, NotFound
from colonnade.identity import Principal
from colonnade.identity.governance import check_key_action, covers, is_operator

__all__ = ["router"]

router = APIRouter(tags=["admin"], responses=problems(401, 403, 404, 429))


def _llm(container: Any) -> Any:
    if container.router is None:
        raise NotFound(
            "no LLM catalog is configured: declare [llm.deployments.*] and [llm.routes.*]"
        )
    return container.router


@router.get(
    "/v1/admin/llm",
    response_model=LLMState,
    summary="Deployments (breaker state, in flight, latency) and routes",
)
def llm_state(principal: Operator, container: ContainerDep) -> LLMState:
    return LLMState.model_validate(_llm(container).snapshot())


@router.get(
    "/v1/admin/llm/usage",
    response_model=LLMUsage,
    summary="Calls, failures, tokens and cost per route and deployment",
)
def llm_usage(
    principal: Operator,
    container: ContainerDep,
    since: float = Query(0.0, description="unix time; rows from then on"),
) -> LLMUsage:
    ledger = _llm(container).ledger
    return LLMUsage.model_validate({"usage": ledger.summary(since=since) if ledger else []})


@router.get(
    "/v1/admin/llm/shadows",
    response_model=Shadows,
    summary="Shadow comparisons: the primary's and the candidate's answers",
)
def llm_shadows(
    principal: Operator, container: ContainerDep, limit: int = Query(50, ge=1, le=1000)
) -> Shadows:
    ledger = _llm(container).ledger
    return Shadows.model_validate({"shadows": ledger.shadows(limit=limit) if ledger else []})


# -- API keys -------------------------------------------------------------------------
@router.post(
    "/v1/admin/keys",
    status_code=201,
    response_model=KeyCreated,
    summary="Create an API key for the caller's tenant; the key is shown once",
)
def create_key(
    body: KeyCreate, request: Request, principal: KeyManager, container: ContainerDep
) -> KeyCreated:
    roles = container.roles.check_grantable(body.roles)
    granted = container.roles.permissions(roles)
    if not covers(principal.permissions, granted):
        raise Forbidden("a key may not grant more than its creator holds", code="escalation")
    key, token = container.api_keys.create(
        body.name,
        tenant=principal.tenant,
        roles=roles,
        created_by=principal.user,
        expires_at=body.expires_at,
    )
    audit(request, "admin.key_created", principal, key=key.id, roles=list(roles))
    return KeyCreated(**KeyOut.of(key).model_dump(), key=token)


@router.get("/v1/admin/keys", response_model=list[KeyOut], summary="The tenant's API keys")
def list_keys(principal: KeyManager, container: ContainerDep) -> list[KeyOut]:
    return [KeyOut.of(k) for k in container.api_keys.list(tenant=principal.tenant)]


@router.delete("/v1/admin/keys/{key_id}", response_model=KeyOut, summary="Revoke an API key")
def revoke_key(
    key_id: str, request: Request, principal: KeyManager, container: ContainerDep
) -> KeyOut:
    target = container.api_keys.get(key_id, tenant=principal.tenant)
    if target is None:
        raise NotFound(f"API key {key_id} not found: GET /v1/admin/keys lists them")
    check_key_action(principal, container.roles.permissions(target.roles), "revoke")
    key = container.api_keys.revoke(key_id, tenant=principal.tenant)
    audit(request, "admin.key_revoked", principal, key=key.id)
    return KeyOut.of(key)


# -- audit --------------------------------------------------------------------------
def _audit_log(container: Any) -> Any:
    if container.audit is None:
        raise NotFound("the audit trail is off: set security.audit.enabled = true")
    return container.audit


@router.get(
    "/v1/admin/audit",
    summary="The tenant's audit records as JSON lines, oldest first",
    responses={200: {"content": {"application/jsonl": {"schema": {"type": "string"}}}}},
    response_class=StreamingResponse,
)
def export_audit(
    principal: Auditor,
    container: ContainerDep,
    since: datetime | None = None,
    action: str | None = Query(None, max_length=100),
    limit: int = Query(1000, ge=1, le=1_000_000),
) -> StreamingResponse:
    records = _audit_log(container).records(
        tenant=principal.tenant, since=since, action=action, limit=limit
    )

    def lines() -> Iterator[bytes]:
        for record in records:
            yield orjson.dumps(record) + b"\n"

    return StreamingResponse(lines(), media_type="application/jsonl")


@router.get("/v1/admin/audit/verify", summary="Walk the caller's tenant's audit chain")
def verify_audit(principal: Auditor, container: ContainerDep) -> dict[str, Any]:
    """A tenant's auditor checks its tenant's chain; a platform operator the whole trail."""
    platform = container.settings.security.platform_tenant
    scope = None if is_operator(principal, platform) else principal.tenant
    result = _audit_log(container).verify(scope)
    return {
        "ok": result.ok,
        "records": result.records,
        "first_bad_seq": result.first_bad_seq,
        "reason": result.reason,
    }


# -- usage and metrics ----------------------------------------------------------------
@router.get("/v1/usage", summary="Your rate limits and token quotas, with what is left")
async def my_usage(principal: PrincipalDep, container: ContainerDep) -> dict[str, Any]:
    limiter = container.limiter
    if limiter is None:
        return {"tenant": principal.tenant, "user": principal.user, "limits": []}
    usage: dict[str, Any] = await limiter.usage(principal)
    return usage


@router.get(
    "/v1/admin/usage/keys/{key_id}",
    summary="An API key's rate limits and quotas (and its tenant's), with what is left",
)
async def key_usage(
    key_id: str, request: Request, principal: KeyManager, container: ContainerDep
) -> dict[str, Any]:
    key = container.api_keys.get(key_id, tenant=principal.tenant)
    if key is None:
        raise NotFound(f"API key {key_id} not found: GET /v1/admin/keys lists them")
    check_key_action(principal, container.roles.permissions(key.roles), "inspect")
    as_key = Principal(tenant=key.tenant, user=f"key:{key.id}", roles=key.roles, key_id=key.id)
    limiter = container.limiter
    if limiter is None:
        return {"tenant": key.tenant, "user": as_key.user, "key_id": key.id, "limits": []}
    usage: dict[str, Any] = await limiter.usage(as_key)
    return usage


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(principal: Operator, container: ContainerDep) -> Response:
    return Response(generate_latest(container.llm_metrics.registry), media_type=CONTENT_TYPE_LATEST)
