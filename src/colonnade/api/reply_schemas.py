"""Schemas in the OpenAPI document for routes that answer a layer's own ``public()`` dict.

Tool calls, approvals, routed turns, fan-out and drift reports are built by their layers
as plain dicts; these models describe those dicts in ``/openapi.json``. They are given to
FastAPI as documentation only (``responses``), never used to re-serialise an answer, so
what a route sends stays exactly what its layer built.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "ApprovalList",
    "ApprovalOut",
    "DriftReportOut",
    "FanOutReplyOut",
    "ToolList",
    "ToolOutcomeOut",
    "TurnReplyOut",
]


class ToolOut(BaseModel):
    name: str
    description: str
    input_schema: dict[str, Any] = Field(description="JSON Schema of the tool's arguments")
    risk: Literal["read", "write", "high"]
    source: str = Field(description="builtin, or the OpenAPI or MCP source it came from")


class ToolList(BaseModel):
    data: list[ToolOut]


class ApprovalOut(BaseModel):
    id: str
    tenant: str
    tool: str
    arguments: dict[str, Any]
    arguments_sha256: str = Field(description="SHA-256 of the arguments' canonical JSON")
    requester: str
    created_at: float = Field(description="seconds since the epoch")
    expires_at: float
    status: Literal["pending", "approved", "denied", "used", "expired"]
    decided_by: str | None
    decided_at: float | None
    used_at: float | None


class ApprovalList(BaseModel):
    data: list[ApprovalOut]


class ToolOutcomeOut(BaseModel):
    """``done`` with the tool's result, or ``pending_approval`` (202) with the approval."""

    status: Literal["done", "pending_approval"]
    tool: str
    risk: Literal["read", "write", "high"]
    text: str = Field(description="the result as text, bounded and checked for injection")
    data: Any = Field(description="the structured result, when there is one")
    is_error: bool
    injection: list[str] = Field(description="what the injection check found in the result")
    truncated: bool
    latency_ms: float
    approval: ApprovalOut | None = None


class TurnPartOut(BaseModel):
    kind: str = Field(description="documents, prediction, tool or smalltalk")
    status: Literal["done", "pending_approval", "failed", "missing"]
    text: str
    data: dict[str, Any]


class TurnReplyOut(BaseModel):
    intent: str
    intents: list[str]
    text: str
    parts: list[TurnPartOut]
    conversation_id: str | None


class Citation(BaseModel):
    number: int
    document_id: str
    title: str


class AgentOut(BaseModel):
    name: str
    question: str
    collection: str | None
    status: Literal["ok", "failed", "timeout"]
    hits: int
    error: str
    ms: float


class PassageOut(BaseModel):
    document_id: str
    collection: str
    title: str
    text: str
    found_by: list[str] = Field(description="the agents that found the passage")


class FanOutReplyOut(BaseModel):
    answer: str
    citations: list[Citation]
    partial: bool
    missing: list[str] = Field(description="what failed or ran out of time")
    agents: list[AgentOut]
    passages: list[PassageOut]
    ms: float
    agents_ms: float


class FeatureDriftOut(BaseModel):
    name: str
    psi: float
    ks_statistic: float | None
    ks_pvalue: float | None
    drifted: bool
    reference_mean: float | None
    current_mean: float | None


class QualityOut(BaseModel):
    ok: bool
    problems: list[str]


class DriftReportOut(BaseModel):
    model: str
    reference_rows: int
    current_rows: int
    drifted: list[str] = Field(description="the features that drifted")
    enough_data: bool = Field(description="too few logged rows call nothing drifted")
    min_rows: int
    versions: dict[str, int] = Field(description="logged rows per version that answered")
    features: list[FeatureDriftOut]
    quality: QualityOut
