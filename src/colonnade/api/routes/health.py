"""``/healthz`` (the process is alive) and ``/readyz`` (store reachable, embedder loaded)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from colonnade.api.deps import ContainerDep
from colonnade.api.schemas import Health

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: store reachable, embedder loaded",
    response_model=Health,
    responses={503: {"model": Health}},
)
def readyz(container: ContainerDep) -> JSONResponse:
    checks = {
        "store": "ok" if container.store.ping() else "unreachable",
        "embedder": "ok" if "embedder" in container.__dict__ else "not loaded",
    }
    ok = all(v == "ok" for v in checks.values())
    body = Health(status="ok" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
