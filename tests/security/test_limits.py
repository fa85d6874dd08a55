"""Rate limits and token quotas under concurrency, with the in-process and the Redis backend."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api
from tests.llm.conftest import managed
from tests.llm.fake_openai import Script, fake_openai_app
from tests.servers import serve


def _api(tmp: Path, minilm: MiniLMEmbedder, **limits: Any) -> Iterator[Api]:
    return start_api(tmp, minilm, security={"limits": limits})


async def _burst(
    urls: list[str], key: str, n: int, path: str = "/v1/collections"
) -> list[httpx.Response]:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
        return await asyncio.gather(*(c.get(urls[i % len(urls)] + path) for i in range(n)))


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_fifty_concurrent_requests_never_overshoot(
    backend: str, tmp_path: Path, minilm: MiniLMEmbedder, request: pytest.FixtureRequest
) -> None:
    storage = request.getfixturevalue("redis_url") if backend == "redis" else "memory://"
    if backend == "redis":
        import redis

        redis.Redis.from_url(storage).flushdb()
    for api in _api(tmp_path, minilm, storage_url=storage, requests={"user": "10/minute"}):
        responses = asyncio.run(_burst([api.url], api.key, 50))
        assert Counter(r.status_code for r in responses) == {200: 10, 429: 40}
        refused = next(r for r in responses if r.status_code == 429)
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["ratelimit-limit"] == "10"
        assert refused.headers["ratelimit-remaining"] == "0"
        assert "10 requests per user" in refused.json()["detail"]
        assert refused.headers["content-type"] == "application/problem+json"
        ok = next(r for r in responses if r.status_code == 200)
        assert ok.headers["ratelimit-limit"] == "10"
        usage = httpx.get(f"{api.url}/v1/usage", headers={"Authorization": f"Bearer {api.key}"})
        row = next(x for x in usage.json()["limits"] if x["limit"] == "requests per user")
        assert row["remaining"] == 0 and row["amount"] == 10


def test_two_instances_share_one_limit_through_redis(
    tmp_path: Path, minilm: MiniLMEmbedder, redis_url: str
) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    key = "col_shared-local-key-for-both-instances-0123456789"
    settings = {"storage_url": redis_url, "requests": {"user": "12/minute"}}
    with ExitStack() as stack:
        apis = [
            stack.enter_context(
                _started(
                    start_api(
                        tmp_path / name, minilm, api={"api_key": key}, security={"limits": settings}
                    )
                )
            )
            for name in ("one", "two")
        ]
        responses = asyncio.run(_burst([a.url for a in apis], key, 50))
        assert Counter(r.status_code for r in responses) == {200: 12, 429: 38}


class _started:
    def __init__(self, gen: Iterator[Api]) -> None:
        self.gen = gen

    def __enter__(self) -> Api:
        return next(self.gen)

    def __exit__(self, *exc: object) -> None:
        for _ in self.gen:
            pass


def test_an_admin_can_see_a_keys_usage(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    for api in _api(tmp_path, minilm, requests={"key": "5/minute"}):
        with api.client() as c:
            key = c.post("/v1/admin/keys", json={"name": "bot"}).json()
            for _ in range(3):
                httpx.get(
                    f"{api.url}/v1/collections", headers={"Authorization": f"Bearer {key['key']}"}
                )
            usage = c.get(f"/v1/admin/usage/keys/{key['id']}").json()
            row = next(r for r in usage["limits"] if r["limit"] == "requests per key")
            assert row["amount"] == 5 and row["remaining"] == 2
            assert c.get("/v1/admin/usage/keys/000000000000").status_code == 404


def test_route_limits(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    for api in _api(tmp_path, minilm, routes={"/v1/search": "3/minute"}):
        with api.client() as c:
            codes = [c.post("/v1/search", json={"query": "leave"}).status_code for _ in range(5)]
            assert codes == [200, 200, 200, 429, 429]
            assert c.get("/v1/collections").status_code == 200  # other routes are not touched


def test_token_quotas_on_the_gateway(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    script = Script(default="A reply of a few words.")
    with serve(fake_openai_app(script, name="cloud")) as url:
        for api in start_api(
            tmp_path,
            minilm,
            llm={
                "deployments": {"cloud": managed(f"{url}/v1")},
                "routes": {"chat": {"deployments": ["cloud"]}},
            },
            security={
                "limits": {"monthly_tokens": {"*": 60}, "routes": {"model:chat": "100/minute"}}
            },
        ):
            with api.client() as c:
                body = {
                    "model": "chat",
                    "messages": [{"role": "user", "content": "Say hello"}],
                    "max_tokens": 10,  # the most it may cost must fit the budget up front
                }
                codes = []
                for _ in range(8):
                    r = c.post("/v1/chat/completions", json=body)
                    codes.append(r.status_code)
                    if r.status_code == 429:
                        assert r.json()["error"]["code"] == "quota_exceeded"
                        assert int(r.headers["retry-after"]) > 0
                assert codes[0] == 200 and codes[-1] == 429
                monthly = c.get("/v1/usage").json()["monthly_tokens"]
                assert monthly["budget"] == 60 and monthly["used"] >= 60
