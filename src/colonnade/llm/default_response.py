"""The last step of every fallback chain as a wrapper around a chat model.

When every deployment of a route is unavailable, the configured default
response answers, plainly marked (``x-colonnade-deployment: default-response``
and the reason). Any other failure is the caller's or the operator's to see.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from colonnade.errors import LLMError, LLMErrorKind
from colonnade.llm.ports import ChatModel, ChatRequest, ChatStream, Completion, Served

__all__ = ["DefaultResponseChat"]


class DefaultResponseChat:
    def __init__(self, inner: ChatModel, text: str) -> None:
        self.inner = inner
        self.text = text

    @property
    def name(self) -> str:
        return self.inner.name

    def _served(self, error: LLMError) -> Served:
        return Served("default-response", "none", 0, fallback_reason=error.kind.value)

    def _base(self, request: ChatRequest) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "created": int(time.time()),
            "model": request.model,
        }

    def _answers(self, error: LLMError) -> bool:
        return bool(self.text) and error.kind is LLMErrorKind.unavailable

    async def complete(self, request: ChatRequest) -> Completion:
        try:
            return await self.inner.complete(request)
        except LLMError as exc:
            if not self._answers(exc):
                raise
            message = {"role": "assistant", "content": self.text}
            body = self._base(request) | {
                "object": "chat.completion",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            }
            return Completion(body, self._served(exc))

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        try:
            return await self.inner.open_stream(request)
        except LLMError as exc:
            if not self._answers(exc):
                raise
            base = self._base(request) | {"object": "chat.completion.chunk"}
            chunks = [
                base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                for delta, finish in (
                    ({"role": "assistant", "content": self.text}, None),
                    ({}, "stop"),
                )
            ]
            stream = ChatStream(self._served(exc), chunks, _nothing())
            stream.finish_reason = "stop"
            return stream


async def _nothing() -> AsyncIterator[dict[str, Any]]:
    return
    yield
