from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api
from tests.servers import free_port

AUDIENCE = "colonnade"


class Issuer:
    """A real OIDC issuer on loopback (discovery + JWKS over HTTP) whose keys the tests hold,
    so they can mint every kind of bad token an attacker might present."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, Any]] = []
        self.jwks_fetches = 0
        self.rotate()
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks"}
                elif self.path == "/jwks":
                    issuer.jwks_fetches += 1
                    body = {"keys": [issuer.jwk(kid, key) for kid, key in issuer.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def jwk(kid: str, key: Any) -> dict[str, Any]:
        data: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {**data, "kid": kid, "use": "sig", "alg": "RS256"}

    def rotate(self) -> str:
        kid = uuid.uuid4().hex[:8]
        self.keys.insert(0, (kid, rsa.generate_private_key(public_exponent=65537, key_size=2048)))
        return kid

    def token(
        self,
        sub: str = "alice",
        *,
        tid: str = "acme",
        groups: tuple[str, ...] = (),
        roles: tuple[str, ...] = ("reader",),
        key: Any = None,
        kid: str | None = None,
        alg: str = "RS256",
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": sub,
            "tid": tid,
            "groups": list(groups),
            "roles": list(roles),
            "name": sub.title(),
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        kid = kid or self.keys[0][0]
        signing = key if key is not None else self.keys[0][1]
        return jwt.encode(payload, signing, algorithm=alg, headers={"kid": kid})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    i = Issuer()
    yield i
    i.close()


def oidc_settings(issuer: Issuer, **extra: Any) -> dict[str, Any]:
    return {"issuer": issuer.url, "audience": [AUDIENCE], "jwks_refresh_min_s": 0, **extra}


@pytest.fixture(scope="module")
def secure_api(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, issuer: Issuer
) -> Iterator[Api]:
    """The API with OIDC, the handbook in tenant "default", generous limits."""
    yield from start_api(
        tmp_path_factory.mktemp("secure"),
        minilm,
        security={
            "oidc": oidc_settings(issuer),
            "limits": {"requests": {"user": "100000/minute"}},
            "audit": {"question": "store"},
        },
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def call(api: Api, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{api.url}{path}", headers=bearer(token), timeout=60, **kwargs)
