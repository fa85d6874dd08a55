"""Settings of the tools layer: MCP servers, OpenAPI services, A2A agents, governance."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

from colonnade.settings.reliability import BreakerSettings

__all__ = ["A2AAgentSettings", "MCPServerSettings", "OpenAPIServiceSettings", "ToolsSettings"]


class MCPServerSettings(BaseModel):
    """An MCP server whose tools Colonnade calls: a command (stdio) or a URL (streamable HTTP)."""

    command: str | None = Field(default=None, description="stdio: the program to start")
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    url: str | None = Field(default=None, description="streamable HTTP: the endpoint")
    token: SecretStr | None = Field(default=None, description="sent as Authorization: Bearer")
    prefix: str = Field(default="", description="prepended to its tool names")


class OpenAPIServiceSettings(BaseModel):
    """An HTTP service described by an OpenAPI 3 document: each operation becomes a tool."""

    spec: str = Field(description="a path to the OpenAPI document (JSON or YAML)")
    base_url: str | None = Field(default=None, description="overrides the document's servers")
    auth: Literal["api_key", "entra_id"] = Field(
        default="api_key",
        description="api_key: the key below (none: no credential); entra_id: a token for "
        "`scope` from the pod's workload identity or whatever DefaultAzureCredential finds",
    )
    api_key: SecretStr | None = None
    scope: str | None = Field(
        default=None, description="entra_id: the token's scope, e.g. api://tickets/.default"
    )
    identity: Literal["default", "workload"] = Field(
        default="default",
        description="entra_id: DefaultAzureCredential, or WorkloadIdentityCredential alone",
    )
    auth_header: str = "Authorization"
    auth_scheme: str = Field(default="Bearer", description="empty: the key alone")
    prefix: str = ""

    @model_validator(mode="after")
    def _credential(self) -> OpenAPIServiceSettings:
        if self.auth == "entra_id" and not self.scope:
            raise ValueError(
                "auth = entra_id needs scope: the Entra ID scope of the service's app "
                "registration, e.g. api://<application id>/.default"
            )
        if self.auth == "entra_id" and self.api_key is not None:
            raise ValueError("auth = entra_id takes no api_key: remove one of them")
        return self


class A2AAgentSettings(BaseModel):
    """A remote A2A agent, called as one tool by its agent card's URL."""

    url: str
    description: str = ""
    risk: Literal["read", "write", "high"] = "read"
    token: SecretStr | None = None


class ToolsSettings(BaseModel):
    """The tools layer: adapters, governance, approvals."""

    enabled: bool = True
    builtins: bool = Field(default=True, description="knowledge_search, predict, summarise")
    allow: dict[str, list[str]] = Field(
        default_factory=dict,
        description="tenant -> tool names it may use ('*' for all); a tenant not listed may "
        "use every tool",
    )
    risk: dict[str, Literal["read", "write", "high"]] = Field(
        default_factory=dict, description="overrides the risk an adapter inferred, by tool name"
    )
    timeout_s: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=1, ge=0, le=5, description="read tools only")
    max_result_chars: int = Field(default=20_000, ge=256)
    injection: Literal["quote", "drop"] = Field(
        default="quote", description="a tool result carrying instructions: quoted or withheld"
    )
    approval_ttl_s: int = Field(default=900, ge=10)
    breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    mcp: dict[str, MCPServerSettings] = Field(default_factory=dict)
    openapi: dict[str, OpenAPIServiceSettings] = Field(default_factory=dict)
    a2a: dict[str, A2AAgentSettings] = Field(default_factory=dict)
