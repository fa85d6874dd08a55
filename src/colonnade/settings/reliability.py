"""Circuit breakers, shared by the LLM router and the predictions runtime."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["BreakerSettings"]


class BreakerSettings(BaseModel):
    window_s: float = Field(default=30.0, gt=0)
    min_calls: int = Field(default=5, ge=1)
    failure_rate: float = Field(default=0.5, gt=0, le=1)
    cooldown_s: float = Field(default=15.0, gt=0)
    half_open_probes: int = Field(default=1, ge=1)
