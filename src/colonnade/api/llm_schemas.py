"""Typed answers of the operators' LLM routes: deployments with breakers, usage, shadows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from colonnade.settings.llm import RouteSettings

__all__ = [
    "BreakerOut",
    "DeploymentOut",
    "LLMState",
    "LLMUsage",
    "ShadowOut",
    "Shadows",
    "UsageRow",
]


class BreakerOut(BaseModel):
    state: Literal["closed", "open", "half_open"] = Field(
        description="open: calls skip this deployment until a probe succeeds after the cooldown"
    )
    failure_rate: float = Field(0.0, description="failed share of the calls in the window")
    calls_in_window: int = 0
    opened_at: float | None = Field(None, description="unix time the breaker last opened")
    shared: Literal["process", "redis", "unreachable"] = Field(
        "process",
        description="where the state lives: this process, or Redis shared by every replica "
        "(unreachable: Redis did not answer; the last state seen is shown)",
    )


class DeploymentOut(BaseModel):
    name: str
    path: Literal["managed", "self_hosted"]
    provider: str
    model: str
    max_classification: str = Field(description="the most sensitive data it may receive")
    context_window: int
    weight: float
    tags: list[str]
    in_flight: int = Field(description="calls under way now")
    ewma_ms: float | None = Field(description="latency, exponentially weighted; none yet: null")
    calls: int
    failures: int
    last_error: str | None
    breaker: BreakerOut


class LLMState(BaseModel):
    deployments: list[DeploymentOut]
    routes: dict[str, RouteSettings] = Field(description="model alias -> its deployments")


class UsageRow(BaseModel):
    route: str
    deployment: str
    path: str
    calls: int
    failures: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    avg_latency_ms: float | None


class LLMUsage(BaseModel):
    usage: list[UsageRow]


class ShadowOut(BaseModel):
    id: int
    at: float
    request_id: str | None
    route: str
    primary_deployment: str
    candidate_deployment: str
    primary_text: str
    candidate_text: str | None
    candidate_error: str | None
    primary_ms: float
    candidate_ms: float | None


class Shadows(BaseModel):
    shadows: list[ShadowOut]
