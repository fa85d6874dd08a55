"""Attacks on sign-in: tokens an identity provider hands back must never reach a response
body or the log, and credentials cannot be guessed at full speed (memory and Redis)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import start_api
from tests.servers import free_port

ACCESS = "AT-super-secret-access-token-0123456789"
REFRESH = "RT-super-secret-refresh-token-9876543210"


class TokenEndpoint:
    """An identity provider whose token endpoint answers what the test sets in ``reply``."""

    def __init__(self) -> None:
        self.reply: tuple[int, str, bytes] = (200, "application/json", b"{}")
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                meta = {
                    "issuer": idp.url,
                    "jwks_uri": f"{idp.url}/jwks",
                    "authorization_endpoint": f"{idp.url}/authorize",
                    "token_endpoint": f"{idp.url}/token",
                }
                body = meta if self.path.startswith("/.well-known") else {"keys": []}
                self._send(200, "application/json", json.dumps(body).encode())

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._send(*idp.reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def idp() -> Iterator[TokenEndpoint]:
    i = TokenEndpoint()
    yield i
    i.server.shutdown()
    i.server.server_close()


REPLIES = {
    "no_id_token": (
        200,
        "application/json",
        json.dumps(
            {"access_token": ACCESS, "refresh_token": REFRESH, "token_type": "Bearer"}
        ).encode(),
    ),
    "id_token_not_a_string": (
        200,
        "application/json",
        json.dumps(
            {"access_token": ACCESS, "refresh_token": REFRESH, "id_token": [ACCESS]}
        ).encode(),
    ),
    "error_status_with_tokens": (
        400,
        "application/json",
        json.dumps({"access_token": ACCESS, "refresh_token": REFRESH}).encode(),
    ),
    "form_encoded": (
        200,
        "application/x-www-form-urlencoded",
        f"access_token={ACCESS}&refresh_token={REFRESH}".encode(),
    ),
    "json_list": (200, "application/json", json.dumps([ACCESS, REFRESH]).encode()),
}


@pytest.mark.parametrize("reply", list(REPLIES))
def test_the_callback_never_shows_or_logs_tokens(
    idp: TokenEndpoint,
    tmp_path: Path,
    minilm: MiniLMEmbedder,
    capsys: pytest.CaptureFixture[str],
    reply: str,
) -> None:
    idp.reply = REPLIES[reply]
    oidc = {"issuer": idp.url, "client_id": "colonnade-ui", "client_secret": "shh"}
    for api in start_api(tmp_path, minilm, security={"oidc": oidc}):
        with httpx.Client(base_url=api.url, timeout=30) as browser:
            login = browser.get("/auth/login")
            assert login.status_code == 302
            state = parse_qs(urlparse(login.headers["location"]).query)["state"][0]
            r = browser.get("/auth/callback", params={"code": "abc", "state": state})
        assert r.status_code == 401
        assert r.headers["content-type"] == "application/problem+json"
        for secret in (ACCESS, REFRESH):
            assert secret not in r.text
            assert secret not in str(r.headers)
    logged = capsys.readouterr()
    assert "request_failed" in logged.out + logged.err
    for secret in (ACCESS, REFRESH, "shh"):
        assert secret not in logged.out + logged.err


async def _guess(url: str, n: int, header: str = "Authorization") -> list[int]:
    async with httpx.AsyncClient(timeout=60) as c:

        async def one(i: int) -> int:
            value = f"col_{i:012x}_" + "A" * 43
            headers = {header: f"Bearer {value}" if header == "Authorization" else value}
            return (await c.get(url + "/v1/collections", headers=headers)).status_code

        return list(await asyncio.gather(*(one(i) for i in range(n))))


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_failed_authentications_are_limited_per_address(
    backend: str, tmp_path: Path, minilm: MiniLMEmbedder, request: pytest.FixtureRequest
) -> None:
    storage = request.getfixturevalue("redis_url") if backend == "redis" else "memory://"
    if backend == "redis":
        import redis

        redis.Redis.from_url(storage).flushdb()
    limits: dict[str, Any] = {"storage_url": storage, "auth_failures": "10/minute"}
    if backend == "redis":  # the lock-out it leaves must not refuse later tests' clients
        request.addfinalizer(lambda: redis.Redis.from_url(storage).flushdb())
    for api in start_api(tmp_path, minilm, security={"limits": limits}):
        signed_in = api.container.api_keys.create(
            "svc", tenant="default", roles=("reader",), created_by="t"
        )[1]
        assert (
            httpx.get(
                f"{api.url}/v1/collections", headers={"Authorization": f"Bearer {signed_in}"}
            ).status_code
            == 200
        )
        codes = asyncio.run(_guess(api.url, 50))
        counted = Counter(codes)
        assert counted[401] <= 10 and counted[429] >= 40, counted
        # a guess by the other header, or a token, or even the right key is refused now
        assert asyncio.run(_guess(api.url, 1, "X-API-Key")) == [429]
        jwt_like = httpx.get(
            f"{api.url}/v1/collections", headers={"Authorization": "Bearer a.b.c"}, timeout=30
        )
        assert jwt_like.status_code == 429
        right = httpx.get(
            f"{api.url}/v1/collections",
            headers={"Authorization": f"Bearer {api.key}"},
            timeout=30,
        )
        assert right.status_code == 429 and "failed sign-ins" in right.json()["detail"]
        assert int(right.headers["retry-after"]) >= 1
        # a key that signed in before the lock-out still works: no lock-out of its users
        still = httpx.get(
            f"{api.url}/v1/collections", headers={"Authorization": f"Bearer {signed_in}"}
        )
        assert still.status_code == 200


def test_the_limit_holds_with_request_limits_off(tmp_path: Path, minilm: MiniLMEmbedder) -> None:
    limits = {"enabled": False, "auth_failures": "5/minute"}
    for api in start_api(tmp_path, minilm, security={"limits": limits}):
        codes = asyncio.run(_guess(api.url, 20))
        assert Counter(codes)[401] <= 5, codes


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_a_burst_with_a_new_good_key_is_not_a_burst_of_failures(
    backend: str, tmp_path: Path, minilm: MiniLMEmbedder, request: pytest.FixtureRequest
) -> None:
    """Fifty requests a client fires at once with a key it has just been given are one
    sign-in attempt, not fifty that spend the address's allowance; a burst of one wrong
    guess spends at least one, and distinct guesses after it stop at the allowance."""
    storage = request.getfixturevalue("redis_url") if backend == "redis" else "memory://"
    if backend == "redis":
        import redis

        redis.Redis.from_url(storage).flushdb()
        request.addfinalizer(lambda: redis.Redis.from_url(storage).flushdb())
    limits: dict[str, Any] = {"storage_url": storage, "auth_failures": "5/minute"}
    for api in start_api(tmp_path, minilm, security={"limits": limits}):
        fresh = api.container.api_keys.create(
            "burst", tenant="default", roles=("reader",), created_by="t"
        )[1]
        url = api.url + "/v1/collections"
        assert Counter(asyncio.run(_burst(url, fresh, 50))) == {200: 50}
        wrong = "col_0123456789ab_" + "B" * 43
        codes = Counter(asyncio.run(_burst(url, wrong, 50)))
        assert set(codes) <= {401, 429} and codes[401] >= 1, codes  # copies may share one check
        distinct = Counter(asyncio.run(_guess(api.url, 10)))
        assert distinct[401] <= 4 and distinct[429] >= 6, distinct  # the allowance still holds
        assert asyncio.run(_burst(url, fresh, 3)) == [200, 200, 200]  # known good still


async def _burst(url: str, token: str, n: int) -> list[int]:
    async with httpx.AsyncClient(timeout=60) as c:
        headers = {"Authorization": f"Bearer {token}"}
        return [
            r.status_code
            for r in await asyncio.gather(*(c.get(url, headers=headers) for _ in range(n)))
        ]


def _mcp(url: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
        },
        timeout=30,
    )


def _a2a(url: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/a2a/jsonrpc",
        json={"jsonrpc": "2.0", "id": 1, "method": "message/send", "params": {}},
        headers={"X-API-Key": token},
        timeout=30,
    )


def test_guesses_at_the_protocol_endpoints_spend_the_same_allowance(
    tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    """MCP and A2A authenticate outside FastAPI: a guesser who moves there from /v1 (or
    starts there, or alternates) meets the same count per address, and a key that signed
    in before the lock-out still reaches /mcp."""
    limits: dict[str, Any] = {"auth_failures": "6/minute"}
    for api in start_api(tmp_path, minilm, security={"limits": limits}):
        signed_in = api.container.api_keys.create(
            "svc", tenant="default", roles=("reader",), created_by="t"
        )[1]
        assert _mcp(api.url, signed_in).status_code != 401
        codes = []
        for i in range(12):  # alternating /mcp, /a2a and /v1
            guess = f"col_{i:012x}_" + "C" * 43
            if i % 3 == 0:
                codes.append(_mcp(api.url, guess).status_code)
            elif i % 3 == 1:
                codes.append(_a2a(api.url, guess).status_code)
            else:
                codes.append(asyncio.run(_guess(api.url, 1))[0])
        assert Counter(codes)[401] <= 6 and codes[-1] == 429, codes
        refused = _mcp(api.url, "col_ffffffffffff_" + "D" * 43)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) >= 1
        assert "failed sign-ins" in refused.json()["detail"]
        assert _a2a(api.url, api.key).status_code == 429  # even the right key, from here
        assert _mcp(api.url, signed_in).status_code not in (401, 429)  # no lock-out of users
