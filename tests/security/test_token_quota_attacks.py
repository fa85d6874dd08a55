"""Attacks on token quotas: bursts of concurrent completions against per-minute limits and a
monthly budget (memory and a real redis-server), huge max_tokens, providers that ignore
max_tokens, and answers written by the LLM through /v1/answers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api
from tests.llm.conftest import managed
from tests.llm.fake_openai import Script, fake_openai_app
from tests.servers import serve

# about 130 tokens by the gateway's estimate: at least what the fake provider reports (120)
PROMPT = "Summarise the travel policy for a new employee in two short sentences. " * 7


def _storage(backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "memory":
        return "memory://"
    url: str = request.getfixturevalue("redis_url")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


def _gateway(
    tmp_path: Path, minilm: MiniLMEmbedder, script: Script, limits: dict[str, Any]
) -> Iterator[tuple[Api, str]]:
    with serve(fake_openai_app(script, name="cloud")) as url:
        for api in start_api(
            tmp_path,
            minilm,
            llm={
                "deployments": {"cloud": managed(f"{url}/v1")},
                "routes": {"chat": {"deployments": ["cloud"]}},
            },
            security={
                "limits": {"requests": {"user": "100000/minute"}, **limits},
                "cache": {"enabled": False},
            },
        ):
            yield api, url


async def _burst(api: Api, n: int, **body: Any) -> list[httpx.Response]:
    payload = {"model": "chat", "messages": [{"role": "user", "content": PROMPT}], **body}
    async with httpx.AsyncClient(
        base_url=api.url, headers={"Authorization": f"Bearer {api.key}"}, timeout=60
    ) as c:
        return await asyncio.gather(
            *(c.post("/v1/chat/completions", json=payload) for _ in range(n))
        )


def _spent(responses: list[httpx.Response]) -> int:
    return sum(r.json()["usage"]["total_tokens"] for r in responses if r.status_code == 200)


def _clear_of_the_minute_edge(margin: float = 20.0) -> None:
    """Per-minute counters are clock-aligned windows: a test that reads one counter across
    several requests starts far enough from the minute's end that they all land in one."""
    left = 60.0 - time.time() % 60.0
    if left < margin:
        time.sleep(left + 0.05)


def _usage(api: Api) -> dict[str, Any]:
    r = httpx.get(f"{api.url}/v1/usage", headers={"Authorization": f"Bearer {api.key}"})
    return dict(r.json())


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_fifty_concurrent_completions_never_pass_the_monthly_budget(
    backend: str, tmp_path: Path, minilm: MiniLMEmbedder, request: pytest.FixtureRequest
) -> None:
    budget = 2000
    script = Script(default="Book economy and keep receipts.")
    limits = {"storage_url": _storage(backend, request), "monthly_tokens": {"*": budget}}
    for api, _ in _gateway(tmp_path, minilm, script, limits):
        responses = asyncio.run(_burst(api, 50, max_tokens=100))
        codes = Counter(r.status_code for r in responses)
        assert codes[200] >= 1 and codes[429] >= 1 and set(codes) == {200, 429}, codes
        spent = _spent(responses)
        assert spent <= budget  # the overshoot bound: none
        monthly = _usage(api)["monthly_tokens"]
        assert monthly["used"] == spent  # real use, settled
        refused = next(r for r in responses if r.status_code == 429)
        assert refused.json()["error"]["code"] == "quota_exceeded"


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_fifty_concurrent_completions_never_pass_a_per_minute_token_limit(
    backend: str, tmp_path: Path, minilm: MiniLMEmbedder, request: pytest.FixtureRequest
) -> None:
    script = Script(default="Book economy and keep receipts.")
    limits = {"storage_url": _storage(backend, request), "tokens": {"user": "1500/minute"}}
    for api, _ in _gateway(tmp_path, minilm, script, limits):
        _clear_of_the_minute_edge()
        responses = asyncio.run(_burst(api, 50, max_tokens=100))
        codes = Counter(r.status_code for r in responses)
        assert codes[200] >= 1 and codes[429] >= 1, codes
        spent = _spent(responses)
        assert spent <= 1500
        row = next(x for x in _usage(api)["limits"] if x["limit"] == "model tokens per user")
        assert row["used"] == spent and row["remaining"] == 1500 - spent


def test_a_completion_too_big_for_the_limit_is_refused_before_the_call(
    tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    script = Script(default="fine")
    for api, _ in _gateway(tmp_path, minilm, script, {"tokens": {"user": "400/minute"}}):
        _clear_of_the_minute_edge()
        for body in ({"max_tokens": 5000}, {"max_completion_tokens": 5000}, {}):
            before = len(script.requests)
            r = asyncio.run(_burst(api, 1, **body))[0]
            assert r.status_code == 429, (body, r.text)
            assert len(script.requests) == before  # the provider was never asked
        row = next(x for x in _usage(api)["limits"] if x["limit"] == "model tokens per user")
        assert row["used"] == 0  # refused requests hold nothing


def test_usage_reports_real_use_past_the_budget(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    """A provider that ignores max_tokens: the use is counted as it was, never capped."""
    long = " ".join(["word"] * 600)
    script = Script(default=long)
    for api, _ in _gateway(tmp_path, minilm, script, {"monthly_tokens": {"*": 500}}):
        first = asyncio.run(_burst(api, 1, max_tokens=10))[0]
        assert first.status_code == 200
        monthly = _usage(api)["monthly_tokens"]
        assert monthly["used"] == first.json()["usage"]["total_tokens"] == 720
        assert monthly["remaining"] == 0
        assert asyncio.run(_burst(api, 1, max_tokens=10))[0].status_code == 429


def test_answers_written_by_the_llm_are_charged(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    script = Script(default="New employees get 25 days of annual leave [1].")
    for api, _ in _gateway(tmp_path, minilm, script, {"tokens": {"user": "100000/minute"}}):
        with api.client() as c:
            _clear_of_the_minute_edge()
            r = c.post("/v1/answers", json={"question": "How many days of annual leave?"})
            assert r.status_code == 200, r.text
            assert r.json()["generator"] != "extractive"
            row = next(x for x in _usage(api)["limits"] if x["limit"] == "model tokens per user")
            assert row["used"] > 120  # the prompt and the answer, as the provider reported
            streamed = c.post(
                "/v1/answers", json={"question": "And for part-time staff?", "stream": True}
            )
            assert streamed.status_code == 200
            after = next(x for x in _usage(api)["limits"] if x["limit"] == "model tokens per user")
            assert after["used"] > row["used"]


def test_answers_are_refused_when_the_budget_cannot_hold_one(
    tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    script = Script(default="New employees get 25 days of annual leave [1].")
    for api, _ in _gateway(tmp_path, minilm, script, {"monthly_tokens": {"*": 300}}):
        with api.client() as c:
            r = c.post("/v1/answers", json={"question": "How many days of annual leave?"})
            assert r.status_code == 429, r.text
            assert r.headers["content-type"] == "application/problem+json"
        assert not script.requests  # the model was never asked
