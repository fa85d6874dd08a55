"""Where a deployment's credential comes from, kept apart from the wire format it is sent in.

An API key from settings, an Entra ID bearer token from ``azure-identity``
(managed identity, workload identity or the Azure CLI, whichever
``DefaultAzureCredential`` finds; no secret in config), or nothing for a
loopback server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from colonnade.errors import ConfigurationError
from colonnade.settings import DeploymentSettings

__all__ = ["COGNITIVE_SERVICES_SCOPE", "TokenProvider", "credential_kwargs"]

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
TokenProvider = Callable[[], Awaitable[str]]


def entra_id_token_provider(scope: str = COGNITIVE_SERVICES_SCOPE) -> TokenProvider:
    try:
        from azure.identity.aio import DefaultAzureCredential, get_bearer_token_provider
    except ImportError as exc:
        raise ConfigurationError(
            "auth = entra_id needs azure-identity: pip install 'colonnade[azure]'"
        ) from exc
    provider: TokenProvider = get_bearer_token_provider(DefaultAzureCredential(), scope)
    return provider


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
