"""The LLM layer: chat models behind one port."""

from colonnade.llm.ports import ChatMessage, ChatModel, ChatResult

__all__ = ["ChatMessage", "ChatModel", "ChatResult"]
