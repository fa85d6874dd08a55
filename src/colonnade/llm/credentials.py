"""Where a credential comes from, kept apart from the wire format it is sent in.

An API key from settings, an Entra ID bearer token from ``azure-identity`` (managed
identity, workload identity or the Azure CLI, whichever ``DefaultAzureCredential`` finds;
or ``WorkloadIdentityCredential`` alone; no secret in config), or nothing for a loopback
server. The LLM layer's deployments and the tools layer's OpenAPI services both take their
tokens from here.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol

from colonnade.errors import ConfigurationError
from colonnade.settings import DeploymentSettings

__all__ = [
    "COGNITIVE_SERVICES_SCOPE",
    "AccessTokenLike",
    "TokenCredential",
    "TokenProvider",
    "azure_credential",
    "credential_kwargs",
    "entra_id_token_provider",
]

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
TokenProvider = Callable[[], Awaitable[str]]
Identity = Literal["default", "workload"]


class AccessTokenLike(Protocol):
    @property
    def token(self) -> str: ...
    @property
    def expires_on(self) -> int: ...


class TokenCredential(Protocol):
    """What ``azure.identity.aio`` credentials are: a token for scopes, with its expiry."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessTokenLike: ...


def azure_credential(identity: Identity = "default") -> TokenCredential:
    """``DefaultAzureCredential``, or ``WorkloadIdentityCredential`` alone (the pod's federated
    token from AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID)."""
    try:
        from azure.identity.aio import DefaultAzureCredential, WorkloadIdentityCredential
    except ImportError as exc:
        raise ConfigurationError(
            "auth = entra_id needs azure-identity: pip install 'colonnade[azure]'"
        ) from exc
    if identity == "workload":
        credential: TokenCredential = WorkloadIdentityCredential()
        return credential
    default: TokenCredential = DefaultAzureCredential()
    return default


def entra_id_token_provider(
    scope: str = COGNITIVE_SERVICES_SCOPE,
    credential: TokenCredential | None = None,
    *,
    refresh_before_s: float = 300.0,
    clock: Callable[[], float] = time.time,
) -> TokenProvider:
    """A bearer token for ``scope``, asked for once and again shortly before it expires."""
    source = credential if credential is not None else azure_credential()
    cached: list[AccessTokenLike] = []

    async def token() -> str:
        if not cached or cached[0].expires_on - refresh_before_s <= clock():
            cached[:] = [await source.get_token(scope)]
        return cached[0].token

    return token


def credential_kwargs(dep: DeploymentSettings) -> dict[str, Any]:
    """Keyword arguments for the SDK client that carry the credential."""
    if dep.auth == "entra_id":
        tokens = entra_id_token_provider()
        if dep.provider == "azure_openai":
            return {"azure_ad_token_provider": tokens}
        return {"api_key": tokens}  # a corporate gateway that takes Entra ID bearer tokens
    if dep.auth == "api_key" and dep.api_key is not None:
        return {"api_key": dep.api_key.get_secret_value()}
    return {"api_key": "unused"}  # loopback servers take any key
