from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest

from colonnade.llm.catalog import build_router
from colonnade.llm.router import Router
from colonnade.settings import LLMSettings
from tests.llm.fake_openai import Script, fake_openai_app
from tests.servers import free_port, serve

T = TypeVar("T")


class Upstreams:
    """Scripted OpenAI-compatible servers on loopback, one per name, started on demand."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self.scripts: dict[str, Script] = {}
        self.urls: dict[str, str] = {}

    def __getitem__(self, name: str) -> Script:
        if name not in self.scripts:
            script = Script(default=f"Answer from {name}.")
            self.urls[name] = self._stack.enter_context(serve(fake_openai_app(script, name=name)))
            self.scripts[name] = script
        return self.scripts[name]

    def url(self, name: str) -> str:
        self[name]
        return f"{self.urls[name]}/v1"

    @staticmethod
    def dead_url() -> str:
        return f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there


@pytest.fixture
def upstreams() -> Iterator[Upstreams]:
    with ExitStack() as stack:
        yield Upstreams(stack)


def managed(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "path": "managed",
        "base_url": url,
        "api_key": "sk-test",
        "model": "gpt-test",
        "max_retries": 0,
        **extra,
    }


def self_hosted(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "path": "self_hosted",
        "base_url": url,
        "model": "tuned-7b",
        "auth": "none",
        "max_classification": "confidential",
        "max_retries": 0,
        **extra,
    }


def make_router(tmp_path: Path, **llm: Any) -> Router:
    return build_router(LLMSettings(**llm), ledger_path=tmp_path / "ledger.db")


def run(router: Router, fn: Callable[[], Awaitable[T]]) -> T:
    """Run on a fresh event loop, closing the router's connections on it afterwards."""

    async def main() -> T:
        try:
            return await fn()
        finally:
            await router.aclose()

    return asyncio.run(main())
