"""The completion cache as a wrapper around a chat model.

Only deterministic whole completions are cached (temperature 0, one choice);
the key holds the tenant, the alias, the classification, the catalog's version
and the whole request body, so two callers share an entry only when they sent
the same thing to the same models.
"""

from __future__ import annotations

from typing import Any

from colonnade.llm.ports import ChatModel, ChatRequest, ChatStream, Completion, Served, Usage
from colonnade.storage.cache import ResponseCache, cache_key

__all__ = ["CachedChat"]


def _cacheable(body: dict[str, Any]) -> bool:
    return body.get("temperature") == 0 and body.get("n", 1) == 1


class CachedChat:
    def __init__(self, inner: ChatModel, cache: ResponseCache, *, model_version: str) -> None:
        self.inner = inner
        self.cache = cache
        self.model_version = model_version

    @property
    def name(self) -> str:
        return self.inner.name

    async def complete(self, request: ChatRequest) -> Completion:
        if not _cacheable(request.body):
            return await self.inner.complete(request)
        key = cache_key(
            "chat",
            request.tenant,
            request.model,
            request.classification,
            self.model_version,
            request.body,
        )
        cached = await self.cache.aget(key)
        if cached is not None:  # nothing was spent on this answer
            served = Served(**{**cached["served"], "cache": "hit"})
            return Completion(cached["body"], served, Usage())
        completion = await self.inner.complete(request)
        completion.served.cache = "miss"
        if not completion.body.get("usage"):
            completion.body["usage"] = completion.usage.as_dict()
        await self.cache.aput(key, {"body": completion.body, "served": completion.served.as_dict()})
        return completion

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        return await self.inner.open_stream(request)
