"""The conversation store port; SQLite now, PostgreSQL later, one contract suite for both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from colonnade.conversations.models import Conversation, Turn

if TYPE_CHECKING:
    from colonnade.conversations.feedback import Feedback, FeedbackCount, Rating

__all__ = ["ConversationStore", "FeedbackStore"]


@runtime_checkable
class ConversationStore(Protocol):
    """Every read is scoped to an owner: another owner's conversation is not found."""

    def create(self, owner: str, title: str = "") -> Conversation: ...
    def get(
        self, conversation_id: str, owner: str, *, last_turns: int | None = None
    ) -> Conversation: ...
    def list_conversations(self, owner: str, *, limit: int = 50) -> list[Conversation]: ...
    def rename(self, conversation_id: str, owner: str, title: str) -> Conversation: ...
    def append_turn(
        self,
        conversation_id: str,
        owner: str,
        question: str,
        answer: str,
        *,
        citations: list[dict[str, Any]] | None = None,
        generator: str = "",
        metadata: dict[str, Any] | None = None,
    ) -> Turn: ...
    def set_summary(self, conversation_id: str, owner: str, summary: str, upto: int) -> None: ...
    def delete(self, conversation_id: str, owner: str) -> None: ...
    def purge(self, older_than: datetime) -> int: ...


class FeedbackStore(Protocol):
    """Ratings of answers, one per turn; only the turn's owner may rate it."""

    def rate(
        self,
        conversation_id: str,
        turn: int,
        *,
        tenant: str,
        owner: str,
        rating: Rating,
        comment: str = "",
        collections: list[str] | None = None,
    ) -> Feedback: ...
    def counts(self) -> list[FeedbackCount]: ...
    def export(self, *, tenant: str | None) -> Iterator[dict[str, Any]]: ...
    def close(self) -> None: ...
