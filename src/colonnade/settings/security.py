"""Identity, authorization, limits, caches, audit and HTTP hardening."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

__all__ = [
    "AuditSettings",
    "CacheSettings",
    "LimitSettings",
    "OIDCSettings",
    "Scope",
    "SecuritySettings",
]


class OIDCSettings(BaseModel):
    """Bearer tokens from an OpenID Connect issuer (Entra ID, Keycloak, any)."""

    issuer: str | None = Field(default=None, description="enables OIDC; discovery is read from it")
    audience: list[str] = Field(
        default_factory=list, description="accepted `aud` values (the API's or the UI's client id)"
    )
    jwks_uri: str | None = Field(default=None, description="overrides the discovered one")
    algorithms: list[str] = Field(
        default_factory=lambda: [
            "RS256",
            "RS384",
            "RS512",
            "PS256",
            "PS384",
            "PS512",
            "ES256",
            "ES384",
            "ES512",
            "EdDSA",
        ],
        description="asymmetric only: `none` and HS* are always refused",
    )
    leeway_s: float = Field(default=30.0, ge=0, le=300)
    jwks_refresh_min_s: float = Field(
        default=30.0, ge=0, description="at most one key refresh per interval on unknown `kid`"
    )
    # the web UI's sign-in: authorization code + PKCE
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scopes: str = "openid profile email"
    # claims -> Principal
    tenant_claim: str = "tid"
    default_tenant: str | None = Field(
        default=None,
        description="the tenant of tokens without the tenant claim; unset, such tokens are "
        "refused (set it on purpose for a single-tenant issuer)",
    )
    user_claim: str = "sub"
    name_claim: str = "name"
    groups_claim: str = "groups"
    roles_claim: str = "roles"
    default_roles: list[str] = Field(default_factory=lambda: ["reader"])

    @model_validator(mode="after")
    def _audience_is_set(self) -> OIDCSettings:
        bad = [a for a in self.algorithms if a.lower() == "none" or a.upper().startswith("HS")]
        if bad:
            raise ValueError(
                f"security.oidc.algorithms may not include {bad}: only asymmetric algorithms "
                "are accepted for tokens signed with an issuer's public keys"
            )
        if self.issuer and not self.audience:
            if not self.client_id:
                raise ValueError(
                    "security.oidc.issuer is set but no audience: set security.oidc.audience "
                    "to the client id (or API id) tokens are issued for"
                )
            self.audience = [self.client_id]
        return self


Scope = Literal["key", "user", "tenant"]


def _scoped(**rates: str) -> dict[Scope, str]:
    return {k: v for k, v in rates.items() if k in ("key", "user", "tenant")}  # type: ignore[misc]


class LimitSettings(BaseModel):
    """Rate limits and token quotas, counted by the `limits` library (memory or Redis)."""

    enabled: bool = True
    storage_url: str = Field(
        default="memory://",
        description="memory:// for one process; redis://host:6379/0 for several instances",
    )
    strategy: Literal["moving-window", "fixed-window", "sliding-window-counter"] = "moving-window"
    requests: dict[Scope, str] = Field(
        default_factory=lambda: _scoped(key="600/minute", user="120/minute", tenant="6000/minute"),
        description="requests per API key, per user, per tenant",
    )
    tokens: dict[Scope, str] = Field(
        default_factory=lambda: _scoped(user="200000/minute", tenant="2000000/minute"),
        description="model tokens (prompt + completion) per API key, per user, per tenant",
    )
    routes: dict[str, str] = Field(
        default_factory=dict,
        description='per user on one route or model alias: {"/v1/answers" = "30/minute", '
        '"model:gpt-4o" = "20/minute"}',
    )
    monthly_tokens: dict[str, int] = Field(
        default_factory=dict, description='tenant -> token budget per month; "*" for every tenant'
    )
    auth_failures: str | None = Field(
        default="30/minute",
        description="failed authentications per client address, then a 429 for every "
        "credential it presents (counted even when `enabled` is off); none: no limit",
    )


class CacheSettings(BaseModel):
    """Answer and completion caches, keyed by the caller's access scope and the model version."""

    enabled: bool = True
    url: str = Field(default="memory://", description="memory:// or redis://host:6379/1")
    ttl_s: int = Field(default=3600, ge=1)
    max_entries: int = Field(default=10_000, ge=1)
    semantic: bool = True
    semantic_threshold: float = Field(default=0.95, gt=0, le=1)


class AuditSettings(BaseModel):
    enabled: bool = True
    question: Literal["store", "hash", "omit"] = Field(
        default="hash", description="how question text is kept in audit records"
    )
    retention_days: int = Field(default=365, ge=0, description="0 keeps records forever")
    key: SecretStr | None = Field(
        default=None,
        description="the audit chain's MAC key (COLONNADE_SECURITY__AUDIT__KEY); kept out of "
        "the database. Unset: key_file, else one generated into DATA_DIR/audit.key (0600)",
    )
    key_file: Path | None = Field(
        default=None,
        description="a file holding the MAC key, e.g. Key Vault through the Secrets Store "
        "CSI mount: /mnt/secrets-store/audit-key",
    )


class SecuritySettings(BaseModel):
    """Identity, authorization, limits, caches, audit and HTTP hardening."""

    oidc: OIDCSettings = Field(default_factory=OIDCSettings)
    roles: dict[str, list[str]] = Field(
        default_factory=dict,
        description="role -> permissions, added to (or replacing) reader, contributor, admin",
    )
    local_login: bool = Field(
        default=True, description="the web UI's development sign-in with the local API key"
    )
    platform_tenant: str = Field(
        default="default",
        description="admins of this tenant operate the platform: the LLM catalog's state, "
        "usage across tenants, metrics",
    )
    cors_origins: list[str] = Field(default_factory=list)
    request_timeout_s: float = Field(default=300.0, gt=0)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
