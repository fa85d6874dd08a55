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
    "ConversationSettings",
    "EmbeddingSettings",
    "IngestionSettings",
    "LLMSettings",
    "RetrievalSettings",
    "Settings",
    "StorageSettings",
    "load_settings",
]

_PLACEHOLDERS = {"", "changeme", "change-me", "placeholder", "xxx", "sk-..."}


class StorageSettings(BaseModel):
    """Where the embedded default keeps its state."""

    data_dir: Path = Path(".colonnade")
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path/to.db; defaults to DATA_DIR/colonnade.db",
    )

    def sqlite_path(self) -> Path:
        if self.database_url is None:
            return self.data_dir / "colonnade.db"
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(
                f"unsupported database_url {self.database_url!r}: use sqlite:///PATH "
                "(the PostgreSQL adapter is configured separately)"
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


class LLMSettings(BaseModel):
    """One OpenAI-compatible chat endpoint; none configured means the extractive answerer."""

    provider: Literal["none", "openai", "azure_openai"] = "none"
    base_url: str | None = None
    api_key: SecretStr | None = None
    api_version: str = "2024-10-21"
    model: str = "gpt-4o-mini"
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=800, ge=1)
    timeout_s: float = Field(default=60.0, gt=0)

    @property
    def enabled(self) -> bool:
        return self.provider != "none"


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
        self, section: str, provider: str, api_key: SecretStr | None, base_url: str | None
    ) -> None:
        """A managed endpoint needs a real key in production, and Azure needs its endpoint."""
        env = f"COLONNADE_{section.upper()}__"
        key = api_key.get_secret_value() if api_key else ""
        if key.strip().lower() in _PLACEHOLDERS and self.environment == "production":
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
        if llm.enabled:
            self._check_endpoint("llm", llm.provider, llm.api_key, llm.base_url)
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
