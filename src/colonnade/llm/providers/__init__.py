"""Adapters behind the ChatModel port."""

from colonnade.llm.providers.openai_compatible import (
    OpenAICompatibleChatModel,
    build_async_client,
    estimate_tokens,
)

__all__ = ["OpenAICompatibleChatModel", "build_async_client", "estimate_tokens"]
