"""FastAPI dependencies as ``Annotated`` aliases over the container built in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from colonnade.container import Container
from colonnade.identity import LocalKeyAuthenticator, Principal
from colonnade.orchestration.assistant import Assistant

__all__ = ["AssistantDep", "ContainerDep", "PrincipalDep"]

_bearer = HTTPBearer(
    auto_error=False, description="the API key (`colonnade api-key` prints the local one)"
)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the API key")


# Dependencies are ``async def``: they never block, and a sync one would cost every request a
# hop to the thread pool and back.
async def _container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def _principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    authenticator: LocalKeyAuthenticator = request.app.state.authenticator
    principal = authenticator.authenticate(bearer.credentials if bearer else api_key)
    request.scope.setdefault("state", {})["principal"] = principal
    return principal


async def _assistant(request: Request) -> Assistant:
    container: Container = request.app.state.container
    return container.assistant


ContainerDep = Annotated[Container, Depends(_container)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
AssistantDep = Annotated[Assistant, Depends(_assistant)]
