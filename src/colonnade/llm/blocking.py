"""The router's synchronous face, for the assistant (which runs in worker threads).

Inside the API the call hops back onto the server's event loop, so the
assistant and the gateway share one router: its breakers, balancing and
connections. Outside it (the CLI), a private event loop in a daemon thread runs
the calls.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import anyio.from_thread

from colonnade.llm.ports import ChatMessage, ChatModel, ChatRequest, ChatResult, Classification

__all__ = ["BlockingChat"]

T = TypeVar("T")


class BlockingChat:
    """``BlockingChatModel`` over an async ``ChatModel`` (the router) and one alias."""

    def __init__(
        self,
        model: ChatModel,
        alias: str,
        *,
        classification: Classification = "internal",
        deadline_s: float = 120.0,
    ) -> None:
        self.model = model
        self.alias = alias
        self.classification: Classification = classification
        self.deadline_s = deadline_s
        self.token: Any = None  # the API's event loop, once its lifespan binds it
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def bind(self, token: Any) -> None:
        """Run calls on this event loop (``anyio.lowlevel.current_token()``); None unbinds."""
        self.token = token

    @property
    def name(self) -> str:
        return self.alias

    def _run(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
        if self.token is not None:
            return anyio.from_thread.run(fn, *args, token=self.token)
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="llm", daemon=True
                )
                self._thread.start()
        return asyncio.run_coroutine_threadsafe(fn(*args), self._loop).result()

    def stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        classification: Classification | None = None,
        sticky_key: str | None = None,
    ) -> Iterator[str | ChatResult]:
        request = ChatRequest(
            body={
                "messages": [{"role": m.role, "content": m.content} for m in messages],
                "max_tokens": max_tokens,
                "temperature": temperature,
            },
            model=self.alias,
            classification=classification or self.classification,
            sticky_key=sticky_key,
            deadline=time.monotonic() + self.deadline_s,
        )
        stream = self._run(self.model.open_stream, request)
        chunks = stream.__aiter__()

        async def step() -> dict[str, Any] | None:
            return await anext(chunks, None)

        while (chunk := self._run(step)) is not None:
            for choice in chunk.get("choices") or ():
                content = (choice.get("delta") or {}).get("content")
                if content:
                    yield content
        served = stream.served
        yield ChatResult(
            "".join(stream.collected),
            served.model or served.deployment,
            stream.finish_reason,
            stream.usage.as_dict(),
            served=served,
            cost_usd=stream.usage.cost_usd,
        )

    def close(self) -> None:
        with self._lock:
            if self._loop is not None:
                aclose = getattr(self.model, "aclose", None)
                if aclose is not None:
                    asyncio.run_coroutine_threadsafe(aclose(), self._loop).result(timeout=10)
                self._loop.call_soon_threadsafe(self._loop.stop)
                if self._thread is not None:
                    self._thread.join(timeout=10)
                self._loop.close()
                self._loop, self._thread = None, None
