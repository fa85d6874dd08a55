"""One settings tree for the whole platform.

Read from ``COLONNADE_*`` environment variables (``__`` separates sections,
e.g. ``COLONNADE_RETRIEVAL__TOP_K=5``) and an optional ``colonnade.toml``.
Built once at start-up by :func:`load_settings` and passed down. Each layer's
section lives in a module of its own; every name is re-exported here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from colonnade.settings._secrets import is_placeholder, require_real
from colonnade.settings.api import ApiSettings
from colonnade.settings.compute import ComputeSettings, DaskTLSSettings
from colonnade.settings.conversations import ConversationSettings
from colonnade.settings.knowledge import (
    BlobSettings,
    EmbeddingSettings,
    IngestionSettings,
    RetrievalSettings,
)
from colonnade.settings.llm import (
    Classification,
    DeploymentSettings,
    LLMSettings,
    RouteSettings,
    TenantPolicy,
)
from colonnade.settings.ml import MLSettings, ServedModelSettings
from colonnade.settings.observability import TracingSettings
from colonnade.settings.orchestration import AssistantSettings
from colonnade.settings.reliability import BreakerSettings
from colonnade.settings.safety import SafetySettings
from colonnade.settings.security import (
    AuditSettings,
    CacheSettings,
    LimitSettings,
    OIDCSettings,
    SecuritySettings,
)
from colonnade.settings.storage import StorageSettings
from colonnade.settings.tools import (
    A2AAgentSettings,
    MCPServerSettings,
    OpenAPIServiceSettings,
    ToolsSettings,
)

__all__ = [
    "A2AAgentSettings",
    "ApiSettings",
    "AssistantSettings",
    "AuditSettings",
    "BlobSettings",
    "BreakerSettings",
    "CacheSettings",
    "Classification",
    "ComputeSettings",
    "ConversationSettings",
    "DaskTLSSettings",
    "DeploymentSettings",
    "EmbeddingSettings",
    "IngestionSettings",
    "LLMSettings",
    "LimitSettings",
    "MCPServerSettings",
    "MLSettings",
    "OIDCSettings",
    "OpenAPIServiceSettings",
    "RetrievalSettings",
    "RouteSettings",
    "SafetySettings",
    "SecuritySettings",
    "ServedModelSettings",
    "Settings",
    "StorageSettings",
    "TenantPolicy",
    "ToolsSettings",
    "TracingSettings",
    "is_placeholder",
    "load_settings",
]


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
    tracing: TracingSettings = Field(default_factory=TracingSettings)
    tools: ToolsSettings = Field(default_factory=ToolsSettings)
    compute: ComputeSettings = Field(default_factory=ComputeSettings)

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
        if needs_key:
            require_real(
                api_key,
                self.environment,
                f"{section}.api_key is missing or a placeholder: set {env}API_KEY "
                f"(or {section}.api_key in colonnade.toml)",
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
        for secret, message in (
            (
                self.api.api_key,
                "api.api_key is a placeholder: set COLONNADE_API__API_KEY to a random "
                "secret, or unset it to have one generated in the data directory",
            ),
            (
                self.security.oidc.client_secret,
                "security.oidc.client_secret is a placeholder: set "
                "COLONNADE_SECURITY__OIDC__CLIENT_SECRET to the client's secret",
            ),
        ):
            if secret is not None:  # unset: generated (the API key) or not needed
                require_real(secret, self.environment, message)
        return self


def load_settings(config: Path | None = None, **overrides: object) -> Settings:
    """Build the settings tree once.

    ``config`` (or ``COLONNADE_CONFIG``) names a TOML file; without either, a
    ``colonnade.toml`` in the working directory is read when present.
    """
    if config is None and os.environ.get("COLONNADE_CONFIG"):
        config = Path(os.environ["COLONNADE_CONFIG"])
    # COLONNADE_DATA_DIR is the spelling people try first; the nested variable wins.
    alias = os.environ.get("COLONNADE_DATA_DIR")
    if alias and "COLONNADE_STORAGE__DATA_DIR" not in os.environ and "storage" not in overrides:
        overrides = {**overrides, "storage": {"data_dir": alias}}
    if config is None:
        return Settings(**overrides)  # type: ignore[arg-type]
    if not config.is_file():
        raise FileNotFoundError(f"config file {config} not found: fix the path or unset it")
    bound = type(
        "Settings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": config}}
    )
    return bound(**overrides)  # type: ignore[no-any-return]
