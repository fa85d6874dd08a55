"""The LLM layer's ports.

``ChatModel`` is the async port every provider implements, and so does every
wrapper (retries, breaker, router, fallback). Requests and chunks keep the
OpenAI wire shape as plain dicts, so the gateway passes tools, response formats
and whatever else a caller sends straight through without copying it field by
field. ``BlockingChatModel`` is the synchronous face the assistant uses.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from colonnade.vocabulary import CLASSIFICATIONS, Classification

__all__ = [
    "CLASSIFICATIONS",
    "BlockingChatModel",
    "ChatMessage",
    "ChatModel",
    "ChatRequest",
    "ChatResult",
    "ChatStream",
    "Classification",
    "Completion",
    "Frame",
    "Served",
    "Usage",
    "classification_rank",
]


def classification_rank(value: str) -> int:
    return CLASSIFICATIONS.index(value)  # type: ignore[arg-type,unused-ignore]


@dataclass(slots=True)
class ChatRequest:
    """One chat completion request and what routing needs to know about it.

    ``body`` is the OpenAI request body less ``model`` and ``stream``; the router
    sets the deployment's model. ``model`` is the alias the caller asked for.
    """

    body: dict[str, Any]
    model: str = "default"
    classification: Classification = "internal"
    tenant: str | None = None
    sticky_key: str | None = None  # a conversation id: canary splits stick to it
    request_id: str | None = None
    deadline: float | None = None  # time.monotonic() by which the whole request ends
    include_usage: bool = True  # the caller asked for the usage chunk in a stream

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    estimated: bool = False  # counted here: the upstream sent no usage

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


@dataclass(slots=True)
class Served:
    """Which deployment answered, down which path, on which attempt."""

    deployment: str
    path: str
    attempt: int = 1
    model: str = ""
    route: str = ""
    cache: str = ""  # hit or miss when the answer cache saw the request
    fallback_reason: str = ""  # why a wrapper answered instead of a deployment

    def as_dict(self) -> dict[str, object]:
        """``dataclasses.asdict`` for these flat fields, without its deep copy of each."""
        return {
            "deployment": self.deployment,
            "path": self.path,
            "attempt": self.attempt,
            "model": self.model,
            "route": self.route,
            "cache": self.cache,
            "fallback_reason": self.fallback_reason,
        }

    def headers(self) -> dict[str, str]:
        headers = {
            "x-colonnade-deployment": self.deployment,
            "x-colonnade-path": self.path,
            "x-colonnade-attempt": str(self.attempt),
        }
        if self.cache:
            headers["x-colonnade-cache"] = self.cache
        if self.fallback_reason:
            headers["x-colonnade-fallback-reason"] = self.fallback_reason
        return headers


@dataclass(slots=True)
class Completion:
    """A whole chat completion: the upstream's JSON body, usage and who served it."""

    body: dict[str, Any]
    served: Served
    usage: Usage = field(default_factory=Usage)

    @property
    def text(self) -> str:
        choices = self.body.get("choices") or [{}]
        return (choices[0].get("message") or {}).get("content") or ""

    @property
    def finish_reason(self) -> str | None:
        choices = self.body.get("choices") or [{}]
        reason: str | None = choices[0].get("finish_reason")
        return reason


Finalizer = Callable[["ChatStream", BaseException | None], None]
Frame = tuple[dict[str, Any], bytes | None]
"""One chunk and, when it came from an upstream, its JSON exactly as sent (to pass on as is)."""


async def _as_frames(source: AsyncIterator[dict[str, Any]]) -> AsyncIterator[list[Frame]]:
    async for chunk in source:
        yield [(chunk, None)]


class ChatStream:
    """A started stream of OpenAI chunk dicts.

    A provider opens it only once the first meaningful chunk (content, a tool
    call or a finish) has arrived, so a wrapper can still fall back while
    nothing has been sent. ``finish_reason`` and ``usage`` are filled as the
    chunks pass; finalizers run once, in the order they were added, when the
    stream ends, fails or is closed.

    Chunks come one by one (``async for``), or as ``frames()``: the chunks in the
    batches the network delivered them, each with the upstream's own bytes, for a
    caller that relays them (the gateway writes a batch at once, as it came).
    """

    __slots__ = (
        "_buffer",
        "_done",
        "_finalizers",
        "_source",
        "collected",
        "finish_reason",
        "served",
        "usage",
    )

    def __init__(
        self,
        served: Served,
        buffer: list[dict[str, Any]],
        source: AsyncIterator[dict[str, Any]] | None = None,
    ) -> None:
        """``source``: the chunks after ``buffer``. A provider that reads frames sets
        ``_source`` to its batches instead."""
        self.served = served
        self.usage = Usage()
        self.finish_reason: str | None = None
        self.collected: list[str] = []  # the text so far, as the provider saw it
        self._buffer = buffer
        self._source: AsyncIterator[list[Frame]] = (
            _as_frames(source) if source is not None else _no_frames()
        )
        self._finalizers: list[Finalizer] = []
        self._done = False

    def on_close(self, finalizer: Finalizer) -> None:
        self._finalizers.append(finalizer)

    def _finish(self, error: BaseException | None) -> None:
        if self._done:
            return
        self._done = True
        # inner first: the provider settles usage before wrappers read it
        for fn in self._finalizers:
            fn(self, error)

    async def frames(self) -> AsyncIterator[list[Frame]]:
        """The chunks in the batches they arrived in, each with its upstream bytes (or None)."""
        try:
            if self._buffer:
                buffered, self._buffer = self._buffer, []
                yield [(chunk, None) for chunk in buffered]
            async for batch in self._source:
                yield batch
        except BaseException as exc:
            self._finish(exc)
            raise
        self._finish(None)

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        frames = self.frames()
        try:
            async for batch in frames:
                for chunk, _ in batch:
                    yield chunk
        finally:
            await frames.aclose()  # type: ignore[attr-defined]

    async def aclose(self) -> None:
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None:
            await aclose()
        self._finish(None if self.finish_reason else GeneratorExit())

    async def text(self) -> str:
        """Read the rest of the stream and return its text (for the assistant and shadows)."""
        parts = []
        async for chunk in self:
            for choice in chunk.get("choices") or ():
                content = (choice.get("delta") or {}).get("content")
                if content:
                    parts.append(content)
        return "".join(parts)


async def _no_frames() -> AsyncIterator[list[Frame]]:
    return
    yield


@runtime_checkable
class ChatModel(Protocol):
    @property
    def name(self) -> str:
        """The deployment or wrapper, as reported with every answer."""
        ...

    async def complete(self, request: ChatRequest) -> Completion:
        """One whole completion."""
        ...

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        """A stream that has produced its first meaningful chunk."""
        ...


# -- the assistant's synchronous face -------------------------------------------------------


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
    served: Served | None = None
    cost_usd: float = 0.0


@runtime_checkable
class BlockingChatModel(Protocol):
    @property
    def name(self) -> str: ...

    def stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        classification: Classification | None = None,
        sticky_key: str | None = None,
    ) -> Iterator[str | ChatResult]:
        """Text pieces as they arrive, then one ChatResult with the whole text and usage.

        ``classification`` and ``sticky_key`` are routing hints: how sensitive the
        prompt is, and the conversation a canary split sticks to."""
        ...
