"""FastAPI dependencies as ``Annotated`` aliases over the container built in the lifespan.

A route says what it needs by the type of its principal (``Asker``, ``Reader``, ...):
that authenticates the caller, checks the permission, and counts the request against
its rate limits.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from colonnade.api.auth_guard import authenticate
from colonnade.container import Container
from colonnade.conversations.ports import FeedbackStore
from colonnade.errors import ColonnadeError, Forbidden
from colonnade.identity import Principal
from colonnade.identity.governance import is_operator
from colonnade.orchestration.assistant import Assistant
from colonnade.orchestration.turns import TurnRouter
from colonnade.tools.runtime import ToolLayer

__all__ = [
    "SECURED",
    "Admin",
    "Asker",
    "AssistantDep",
    "Auditor",
    "CollectionManager",
    "ContainerDep",
    "FeedbackDep",
    "Ingester",
    "KeyManager",
    "ModelApprover",
    "Operator",
    "Predictor",
    "PrincipalDep",
    "Reader",
    "Searcher",
    "ToolsDep",
    "ToolsUnavailable",
    "TurnsDep",
    "authorize",
    "container_of",
    "request_path",
    "require_model",
]

_bearer = HTTPBearer(
    auto_error=False,
    description="an API key (`colonnade keys create`; `colonnade api-key` prints the local "
    "one) or an OIDC access/ID token from the configured issuer",
)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")


def request_path(request: Request) -> str:
    """``request.url.path`` without building the URL (tens of microseconds a request); a
    path holding a character the URL escapes takes the long way, so the string is the same."""
    path: str = request.scope["path"]
    if "?" in path or "#" in path or "\\" in path:
        return request.url.path
    return path


def container_of(request: Request) -> Container:
    """The composition root the lifespan built: every long-lived part hangs off it."""
    container: Container = request.app.state.container
    return container


# Dependencies are ``async def``: they never block, and a sync one would cost every request a
# hop to the thread pool and back.
async def _container(request: Request) -> Container:
    return container_of(request)


async def _principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    principal = await authenticate(request, bearer.credentials if bearer else api_key)
    request.scope.setdefault("state", {})["principal"] = principal
    return principal


async def _assistant(request: Request) -> Assistant:
    return container_of(request).assistant


class ToolsUnavailable(ColonnadeError):
    status_code = 503
    code = "tools_unavailable"


async def _tools(request: Request) -> ToolLayer:
    layer = container_of(request).tools
    if layer is None:
        raise ToolsUnavailable(
            "the tools layer is not running: install the tools extra "
            "(pip install 'colonnade[tools]') and keep tools.enabled on"
        )
    return layer


async def _feedback(request: Request) -> FeedbackStore:
    return container_of(request).feedback


async def _turns(request: Request) -> TurnRouter:
    return container_of(request).turns


ContainerDep = Annotated[Container, Depends(_container)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
AssistantDep = Annotated[Assistant, Depends(_assistant)]
ToolsDep = Annotated[ToolLayer, Depends(_tools)]
FeedbackDep = Annotated[FeedbackStore, Depends(_feedback)]
TurnsDep = Annotated[TurnRouter, Depends(_turns)]


def _forbidden(principal: Principal, permission: str) -> Forbidden:
    roles = ", ".join(principal.roles) or "none"
    return Forbidden(
        f"your roles ({roles}) do not grant {permission!r}: ask an admin for a role that does"
    )


async def _admit(request: Request, principal: Principal, permission: str) -> dict[str, str]:
    """Check the permission and count the request; the rate-limit headers to send."""
    if not principal.can(permission):
        raise _forbidden(principal, permission)
    limiter = container_of(request).limiter
    if limiter is None:
        return {}
    headers: dict[str, str] = await limiter.hit_request(principal, request_path(request))
    return headers


def _allowed(permission: str) -> Any:
    """The principal, when its roles grant ``permission``; counts it against rate limits."""

    async def check(request: Request, response: Response, principal: PrincipalDep) -> Principal:
        response.headers.update(await _admit(request, principal, permission))
        return principal

    return check


async def authorize(request: Request, permission: str) -> tuple[Principal, dict[str, str]]:
    """What the typed principals do, for a hot route that reads its own request.

    The same credentials (``Authorization: Bearer`` or ``X-API-Key``), authenticator,
    permission check and rate limits, without FastAPI's per-request dependency solving.
    Such a route declares ``openapi_extra=SECURED`` so its documentation says so.
    """
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" and credentials else None
    principal = await authenticate(request, token or request.headers.get("x-api-key"))
    request.scope.setdefault("state", {})["principal"] = principal
    return principal, await _admit(request, principal, permission)


SECURED: dict[str, Any] = {"security": [{"HTTPBearer": []}, {"APIKeyHeader": []}]}


# what a route needs, as the type of its principal
Asker = Annotated[Principal, Depends(_allowed("ask"))]
Searcher = Annotated[Principal, Depends(_allowed("search"))]
Reader = Annotated[Principal, Depends(_allowed("read"))]
Ingester = Annotated[Principal, Depends(_allowed("ingest"))]
CollectionManager = Annotated[Principal, Depends(_allowed("manage_collections"))]
KeyManager = Annotated[Principal, Depends(_allowed("manage_keys"))]
Auditor = Annotated[Principal, Depends(_allowed("audit"))]
Admin = Annotated[Principal, Depends(_allowed("admin"))]
Predictor = Annotated[Principal, Depends(_allowed("predict"))]
ModelApprover = Annotated[Principal, Depends(_allowed("approve_models"))]


async def _operator(request: Request, principal: Admin) -> Principal:
    """A platform operator (role ``operator`` in the platform tenant): what it sees spans
    every tenant. A tenant's admin, whatever its tenant is called, is not one."""
    platform = container_of(request).settings.security.platform_tenant
    if not is_operator(principal, platform):
        raise Forbidden(
            "platform-wide views are for platform operators: role 'operator' in tenant "
            f"{platform!r} (security.platform_tenant)"
        )
    return principal


Operator = Annotated[Principal, Depends(_operator)]


def require_model(principal: Principal, alias: str) -> None:
    if not principal.can(f"model:{alias}"):
        raise _forbidden(principal, f"model:{alias}")
