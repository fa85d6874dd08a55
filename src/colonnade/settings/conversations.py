"""Conversation memory and retention."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["ConversationSettings"]


class ConversationSettings(BaseModel):
    """Conversation memory and retention."""

    ttl_days: int = Field(default=30, ge=0, description="0 keeps conversations forever")
    history_turns: int = Field(default=6, ge=0)
