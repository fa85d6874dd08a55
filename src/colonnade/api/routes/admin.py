"""Operators' view of the LLM layer: deployments with breaker states, usage, shadows, metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from colonnade.api.deps import ContainerDep, PrincipalDep
from colonnade.api.problems import problems
from colonnade.errors import NotFound

__all__ = ["router"]

router = APIRouter(tags=["admin"], responses=problems(401, 404))


def _llm(container: Any) -> Any:
    if container.router is None:
        raise NotFound(
            "no LLM catalog is configured: declare [llm.deployments.*] and [llm.routes.*]"
        )
    return container.router


@router.get("/v1/admin/llm", summary="Deployments (breaker state, in flight, latency) and routes")
def llm_state(principal: PrincipalDep, container: ContainerDep) -> dict[str, Any]:
    state: dict[str, Any] = _llm(container).snapshot()
    return state


@router.get(
    "/v1/admin/llm/usage", summary="Calls, failures, tokens and cost per route and deployment"
)
def llm_usage(
    principal: PrincipalDep,
    container: ContainerDep,
    since: float = Query(0.0, description="unix time; rows from then on"),
) -> dict[str, Any]:
    ledger = _llm(container).ledger
    return {"usage": ledger.summary(since=since) if ledger else []}


@router.get(
    "/v1/admin/llm/shadows", summary="Shadow comparisons: the primary's and the candidate's answers"
)
def llm_shadows(
    principal: PrincipalDep, container: ContainerDep, limit: int = Query(50, ge=1, le=1000)
) -> dict[str, Any]:
    ledger = _llm(container).ledger
    return {"shadows": ledger.shadows(limit=limit) if ledger else []}


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=True)
def metrics(principal: PrincipalDep, container: ContainerDep) -> Response:
    return Response(generate_latest(container.llm_metrics.registry), media_type=CONTENT_TYPE_LATEST)
