"""Traces: OpenTelemetry spans around each layer hop, exported over OTLP when configured."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["TracingSettings"]


class TracingSettings(BaseModel):
    enabled: bool = Field(
        default=False,
        description="record a trace per request (API → orchestration → retrieval "
        "→ router → provider attempts, and the predictions path)",
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces; "
        "without it spans are recorded but not exported",
    )
    otlp_headers: dict[str, str] = Field(default_factory=dict)
    sink: Literal["otlp", "memory"] = Field(
        default="otlp",
        description="memory: encode each batch as OTLP would and keep only the last (measures "
        "tracing's whole cost without a collector, for benchmarks)",
    )
    service_name: str = "colonnade"
    sample_ratio: float = Field(default=1.0, ge=0, le=1, description="share of traces kept")
