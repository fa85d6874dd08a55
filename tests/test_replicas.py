"""Two `colonnade serve` replicas on one PostgreSQL and one Redis behave as one.

A conversation continues on the other replica; a document ingested through one is
searchable through the other at once; API keys made on one work on the other; request
limits and token quotas hold across both under 50 concurrent requests split between them;
an ingest through one invalidates the answer cache on both; an LLM deployment's breaker
opened by one is open on the other; and the one audit chain in PostgreSQL verifies after
both wrote to it at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import redis

from tests.llm.fake_openai import Script, fake_openai_app
from tests.servers import free_port, serve

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
KEY = "col_replica_test_key_0123456789abcdefghijklmnopqrstuvwxyz"
ROUTE_LIMIT = 20  # requests per user per minute on /v1/collections, across both replicas
TOKEN_LIMIT = 2000  # model tokens per API key per day, across both replicas


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "colonnade", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, f"http://127.0.0.1:{port}"


def _ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 240
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.fixture
def shared_redis(redis_url: str) -> Iterator[str]:
    """A database of the session's Redis for the replicas alone, emptied before and after."""
    url = redis_url.rsplit("/", 1)[0] + "/7"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def _config(path: Path, redis_url: str, good: str, flaky: str) -> Path:
    path.write_text(
        f"""
[security.limits]
storage_url = "{redis_url}"
requests = {{ tenant = "100000/minute" }}
tokens = {{ key = "{TOKEN_LIMIT}/day" }}
routes = {{ "/v1/collections" = "{ROUTE_LIMIT}/minute" }}

[security.cache]
url = "{redis_url}"

[security.audit]
key = "replica-test-audit-key-0123456789"

[llm]
assistant_route = "chat"
default_response = ""

[llm.breaker]
min_calls = 3
failure_rate = 0.5
cooldown_s = 600

[llm.deployments.good]
base_url = "{good}/v1"
api_key = "sk-test"
model = "gpt-test"
max_retries = 0

[llm.deployments.flaky]
base_url = "{flaky}/v1"
api_key = "sk-test"
model = "gpt-test"
max_retries = 0

[llm.routes.chat]
deployments = ["good"]

[llm.routes.flaky]
deployments = ["flaky"]
""",
        encoding="utf-8",
    )
    return path


def _audit_answers(client: httpx.Client) -> int:
    lines = client.get("/v1/admin/audit", params={"limit": 100000}).text.splitlines()
    return sum('"action":"answer"' in r for r in lines if r)


def test_two_replicas_on_one_postgres_and_redis_behave_as_one(
    postgres_url: str, shared_redis: str, tmp_path: Path
) -> None:
    good, flaky = Script(default="Staff park in the blue garage."), Script(default=500)
    with ExitStack() as stack:
        good_url = stack.enter_context(serve(fake_openai_app(good, name="good")))
        flaky_url = stack.enter_context(serve(fake_openai_app(flaky, name="flaky")))
        config = _config(tmp_path / "colonnade.toml", shared_redis, good_url, flaky_url)
        base = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "COLONNADE_CONFIG": str(config),
            "COLONNADE_STORAGE__DATABASE_URL": postgres_url,
            "COLONNADE_API__API_KEY": KEY,
        }
        replicas = []
        try:
            for name in ("one", "two"):  # separate data folders: nothing shared but the servers
                env = {**base, "COLONNADE_STORAGE__DATA_DIR": str(tmp_path / name)}
                log = tmp_path / f"{name}.log"
                replicas.append((*_start(env, log), log))
            for proc, url, log in replicas:
                _ready(proc, url, log)
            (_, one, _), (_, two, _) = replicas
            _behave_as_one(one, two, good, flaky)
        finally:
            for proc, _url, _log in replicas:
                proc.terminate()
            for proc, _url, _log in replicas:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _behave_as_one(one: str, two: str, good: Script, flaky: Script) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    with (
        httpx.Client(base_url=one, headers=headers, timeout=60) as a,
        httpx.Client(base_url=two, headers=headers, timeout=60) as b,
    ):
        # ingested through one, searchable through the other at once
        note = b"# Parking\n\nStaff park free of charge in the blue garage on level minus two.\n"
        r = a.post(
            "/v1/documents",
            files=[("files", ("parking.md", note, "text/markdown"))],
            data={"collection": "facilities"},
        )
        assert r.status_code == 201, r.text
        hits = b.post("/v1/search", json={"query": "blue garage parking"}).json()["hits"]
        assert hits and hits[0]["source_uri"] == "upload://parking.md"

        # a conversation started on one continues on the other
        first = a.post("/v1/answers", json={"question": "Where do staff park?"}).json()
        follow = b.post(
            "/v1/answers",
            json={"question": "Is it free?", "conversation_id": first["conversation_id"]},
        )
        assert follow.status_code == 200, follow.text
        conv = a.get(f"/v1/conversations/{first['conversation_id']}").json()
        assert conv["turns"] == 2
        assert [m["question"] for m in conv["messages"]] == ["Where do staff park?", "Is it free?"]

        _cache_is_one(a, b)

        # an API key made on one works on the other
        made = a.post("/v1/admin/keys", json={"name": "bot"}).json()
        bot = {"Authorization": f"Bearer {made['key']}"}
        assert httpx.get(f"{two}/v1/collections", headers=bot).status_code == 200

        _limits_hold_across_both(one, two, bot)
        _breaker_is_one(a, b, flaky)
        _audit_is_one_chain(a, b)
        assert good.requests  # the assistant's answers came from the catalog's model


def _cache_is_one(a: httpx.Client, b: httpx.Client) -> None:
    """An answer cached by one is served by the other; an ingest invalidates it on both."""
    question = {"question": "Which garage is for staff?"}
    assert a.post("/v1/answers", json=question).json()["cache"] == "miss"
    assert b.post("/v1/answers", json=question).json()["cache"] == "exact"
    assert a.post("/v1/answers", json=question).json()["cache"] == "exact"
    r = b.post(
        "/v1/documents",
        files=[("files", ("bikes.md", b"# Bikes\n\nBikes go in the red shed.\n", "text/markdown"))],
        data={"collection": "facilities"},
    )
    assert r.status_code == 201, r.text
    assert a.post("/v1/answers", json=question).json()["cache"] == "miss"
    assert b.post("/v1/answers", json=question).json()["cache"] == "exact"  # a's new entry


def _limits_hold_across_both(one: str, two: str, bot: dict[str, str]) -> None:
    """50 concurrent requests split between the replicas: one limit, not one per replica."""
    local = {"Authorization": f"Bearer {KEY}"}

    def listing(i: int) -> int:
        return httpx.get(
            f"{(one, two)[i % 2]}/v1/collections", headers=local, timeout=60
        ).status_code

    with ThreadPoolExecutor(25) as pool:
        statuses = list(pool.map(listing, range(50)))
    assert statuses.count(200) == ROUTE_LIMIT, statuses  # each alone would have let 20 through
    assert statuses.count(429) == 50 - ROUTE_LIMIT

    def chat(i: int) -> tuple[int, int]:
        r = httpx.post(
            f"{(one, two)[i % 2]}/v1/chat/completions",
            headers=bot,
            json={
                "model": "chat",
                "max_tokens": 200,
                "messages": [{"role": "user", "content": f"Where is garage {i}?"}],
            },
            timeout=60,
        )
        return r.status_code, r.json()["usage"]["total_tokens"] if r.status_code == 200 else 0

    with ThreadPoolExecutor(25) as pool:
        results = list(pool.map(chat, range(50)))
    spent = sum(tokens for _, tokens in results)
    codes = [code for code, _ in results]
    # each call spends ~125 tokens: 50 of them is three times what both replicas may spend
    assert set(codes) == {200, 429}, codes
    assert 0 < spent <= TOKEN_LIMIT, (spent, codes)
    for url in (one, two):
        usage = httpx.get(f"{url}/v1/usage", headers=bot, timeout=30).json()
        [row] = [r for r in usage["limits"] if r["limit"] == "model tokens per key"]
        assert row["used"] == spent, usage  # both replicas read the one counter


def _breaker_is_one(a: httpx.Client, b: httpx.Client, flaky: Script) -> None:
    """A deployment's breaker opened by one replica's failures is open on the other."""
    body = {"model": "flaky", "messages": [{"role": "user", "content": "hello"}]}
    for _ in range(3):
        assert a.post("/v1/chat/completions", json=body).status_code >= 500
    calls = len(flaky.requests)
    assert calls == 3

    def flaky_breaker(client: httpx.Client) -> dict[str, object]:
        deployments = client.get("/v1/admin/llm").json()["deployments"]
        [dep] = [d for d in deployments if d["name"] == "flaky"]
        breaker: dict[str, object] = dep["breaker"]
        return breaker

    assert flaky_breaker(a)["state"] == "open"
    assert flaky_breaker(b)["state"] == "open" and flaky_breaker(b)["shared"] == "redis"
    assert b.post("/v1/chat/completions", json=body).status_code >= 500
    assert len(flaky.requests) == calls  # the other replica spared the deployment too


def _audit_is_one_chain(a: httpx.Client, b: httpx.Client) -> None:
    """Both answer at once into one chain in PostgreSQL, which verifies from either."""
    before = _audit_answers(a)

    def ask(i: int) -> int:
        client = a if i % 2 else b
        return client.post("/v1/answers", json={"question": f"Parking rule {i}?"}).status_code

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(ask, range(12))) == {200}
    deadline = time.monotonic() + 60
    while True:  # each replica writes its buffered records within a second or so
        seen = [_audit_answers(c) for c in (a, b)]
        if seen == [before + 12] * 2:
            break
        assert time.monotonic() < deadline, (before, seen)
        time.sleep(0.5)
    for client in (a, b):
        verified = client.get("/v1/admin/audit/verify").json()
        assert verified["ok"], verified
        assert verified["records"] == b.get("/v1/admin/audit/verify").json()["records"]
