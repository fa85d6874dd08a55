"""The chat model port. Providers (managed or self-hosted) implement it; so do wrappers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

__all__ = ["ChatMessage", "ChatModel", "ChatResult"]


@dataclass(slots=True, frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(slots=True)
class ChatResult:
    text: str
    model: str
    finish_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class ChatModel(Protocol):
    @property
    def name(self) -> str:
        """The deployment, as reported with every answer."""
        ...

    def stream(
        self, messages: list[ChatMessage], *, max_tokens: int, temperature: float
    ) -> Iterator[str | ChatResult]:
        """Text pieces as they arrive, then one ChatResult with the whole text and usage."""
        ...
