"""Conversation values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Conversation", "Turn"]


@dataclass(slots=True, frozen=True)
class Turn:
    ordinal: int
    question: str
    answer: str
    created_at: datetime
    citations: list[dict[str, Any]] = field(default_factory=list)
    generator: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Conversation:
    id: str
    owner: str
    title: str
    created_at: datetime
    updated_at: datetime
    turns: list[Turn] = field(default_factory=list)
    turn_count: int = 0
    # running summary of the turns up to and including ``summary_upto``
    summary: str = ""
    summary_upto: int = 0
