"""Chat model adapters."""

from colonnade.llm.providers.openai_compatible import OpenAICompatibleChatModel, build_chat_model

__all__ = ["OpenAICompatibleChatModel", "build_chat_model"]
