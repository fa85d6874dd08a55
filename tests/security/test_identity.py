"""Bearer tokens and API keys as an attacker would present them, against the real API."""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from tests.api.conftest import Api
from tests.security.conftest import Issuer, call


def test_a_valid_token_maps_its_claims_to_a_principal(secure_api: Api, issuer: Issuer) -> None:
    token = issuer.token("alice", tid="acme", groups=("hr", "eng"), roles=("contributor",))
    r = call(secure_api, "GET", "/v1/usage", token)
    assert r.status_code == 200, r.text
    assert r.json()["tenant"] == "acme"
    assert r.json()["user"] == "alice"
    # contributor may list collections (read) but not manage keys
    assert call(secure_api, "GET", "/v1/collections", token).status_code == 200
    r = call(secure_api, "GET", "/v1/admin/keys", token)
    assert r.status_code == 403
    assert "manage_keys" in r.json()["detail"]


def _unsigned(payload: dict[str, object], header: dict[str, object]) -> str:
    def part(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}."


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("expired", "expired"),
        ("future", "not valid yet"),
        ("wrong_audience", "another audience"),
        ("wrong_issuer", "another issuer"),
        ("alg_none", "algorithm 'none'"),
        ("hs256_with_public_key", "algorithm 'HS256'"),
        ("foreign_key", "signature"),
        ("unknown_kid", "key the issuer does not publish"),
        ("no_exp", "required claim"),
        ("garbage", "not a well-formed JWT"),
        ("tampered_payload", "signature"),
    ],
)
def test_bad_tokens_are_refused(secure_api: Api, issuer: Issuer, case: str, expected: str) -> None:
    now = int(time.time())
    kid = issuer.keys[0][0]
    if case == "expired":
        token = issuer.token(exp=now - 120, iat=now - 900)
    elif case == "future":
        token = issuer.token(nbf=now + 600, iat=now)
    elif case == "wrong_audience":
        token = issuer.token(aud="someone-else")
    elif case == "wrong_issuer":
        token = issuer.token(iss="https://evil.example")
    elif case == "alg_none":
        token = _unsigned(
            {
                "iss": issuer.url,
                "aud": "colonnade",
                "sub": "mallory",
                "exp": now + 600,
                "roles": ["admin"],
            },
            {"alg": "none", "kid": kid},
        )
    elif case == "hs256_with_public_key":
        public_pem = (
            issuer.keys[0][1]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        payload = {"iss": issuer.url, "aud": "colonnade", "sub": "mallory", "exp": now + 600}
        token = _hs256(payload, public_pem, kid)
    elif case == "foreign_key":
        mine = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = issuer.token("mallory", roles=("admin",), key=mine, kid=kid)
    elif case == "unknown_kid":
        mine = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = issuer.token("mallory", key=mine, kid="not-published")
    elif case == "no_exp":
        token = issuer.token(exp=None)
    elif case == "garbage":
        token = "a.b.c"
    else:  # a valid token with its payload swapped for one granting admin
        header, _, signature = issuer.token("mallory").split(".")
        forged = _unsigned(
            {
                "iss": issuer.url,
                "aud": "colonnade",
                "sub": "mallory",
                "exp": now + 600,
                "roles": ["admin"],
            },
            {},
        ).split(".")[1]
        token = f"{header}.{forged}.{signature}"
    r = call(secure_api, "GET", "/v1/collections", token)
    assert r.status_code == 401, (case, r.text)
    assert r.headers["www-authenticate"] == "Bearer"
    assert expected in r.json()["detail"], r.json()["detail"]


def _hs256(payload: dict[str, object], secret: bytes, kid: str) -> str:
    """HS256 signed with the issuer's public key as the secret (the key-confusion attack).
    Built by hand: PyJWT itself refuses to use a PEM key as an HMAC secret."""
    import hashlib
    import hmac

    def part(d: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    signing_input = f"{part({'alg': 'HS256', 'kid': kid, 'typ': 'JWT'})}.{part(payload)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_key_rotation_is_followed_and_unknown_kids_cannot_hammer_the_issuer(
    secure_api: Api, issuer: Issuer
) -> None:
    assert call(secure_api, "GET", "/v1/usage", issuer.token()).status_code == 200
    issuer.rotate()  # the issuer publishes a new key and signs with it
    fetches = issuer.jwks_fetches
    assert call(secure_api, "GET", "/v1/usage", issuer.token()).status_code == 200
    assert issuer.jwks_fetches == fetches + 1  # one refresh found the new kid
    assert call(secure_api, "GET", "/v1/usage", issuer.token()).status_code == 200
    assert issuer.jwks_fetches == fetches + 1  # and it is cached from then on


def test_unknown_kid_refreshes_are_rate_limited(issuer: Issuer) -> None:
    import asyncio

    from colonnade.identity import Roles
    from colonnade.identity.oidc import OIDCVerifier
    from colonnade.settings import OIDCSettings

    clock = [1000.0]
    verifier = OIDCVerifier(
        OIDCSettings(issuer=issuer.url, audience=["colonnade"], jwks_refresh_min_s=30),
        Roles(),
        clock=lambda: clock[0],
    )
    mine = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    async def attempts() -> int:
        before = issuer.jwks_fetches
        for n in range(20):
            with pytest.raises(Exception, match="does not publish"):
                await verifier.verify(issuer.token(key=mine, kid=f"made-up-{n}"))
        return issuer.jwks_fetches - before

    assert asyncio.run(attempts()) == 1
    clock[0] += 31
    assert asyncio.run(attempts()) == 1


def test_alg_none_and_hs_algorithms_cannot_be_configured() -> None:
    from pydantic import ValidationError

    from colonnade.settings import OIDCSettings

    for bad in (["none"], ["RS256", "HS256"]):
        with pytest.raises(ValidationError, match="only asymmetric"):
            OIDCSettings(issuer="https://id.example", audience=["a"], algorithms=bad)


def test_managed_keys_are_shown_once_stored_hashed_scoped_and_revocable(secure_api: Api) -> None:
    with secure_api.client() as admin:
        _managed_keys(secure_api, admin)


def _managed_keys(secure_api: Api, admin: httpx.Client) -> None:
    r = admin.post("/v1/admin/keys", json={"name": "report-bot", "roles": ["reader"]})
    assert r.status_code == 201, r.text
    created = r.json()
    token = created["key"]
    assert token.startswith("col_") and created["prefix"].startswith("col_")
    # stored as a hash only: the token's secret appears nowhere in the database
    db = sqlite3.connect(secure_api.container.settings.storage.sqlite_path())
    dump = "\n".join(db.iterdump())
    db.close()
    assert token.split("_", 2)[2] not in dump
    assert "key" not in admin.get("/v1/admin/keys").json()[0]
    # scoped: a reader may ask but not ingest
    assert call(secure_api, "GET", "/v1/collections", token).status_code == 200
    r = call(
        secure_api,
        "POST",
        "/v1/documents",
        token,
        files={"files": ("a.md", b"# A\n\ntext")},
        data={"collection": "x"},
    )
    assert r.status_code == 403
    # revoked: refused at once
    assert admin.delete(f"/v1/admin/keys/{created['id']}").json()["state"] == "revoked"
    r = call(secure_api, "GET", "/v1/collections", token)
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]
    # a key cannot grant more than its creator holds
    reader = admin.post("/v1/admin/keys", json={"name": "r", "roles": ["reader"]}).json()["key"]
    r = call(secure_api, "POST", "/v1/admin/keys", reader, json={"name": "x", "roles": ["admin"]})
    assert r.status_code == 403


def test_expired_and_malformed_keys_are_refused(secure_api: Api) -> None:
    store = secure_api.container.api_keys
    _, token = store.create(
        "soon",
        tenant="default",
        roles=("reader",),
        created_by="t",
        expires_at=datetime.now(UTC) + timedelta(seconds=1),
    )
    assert call(secure_api, "GET", "/v1/collections", token).status_code == 200
    time.sleep(1.2)
    r = call(secure_api, "GET", "/v1/collections", token)
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "col_000000000000_" + "x" * 43,
        "col_nothex",
        "Bearer",
    ):
        assert call(secure_api, "GET", "/v1/collections", bad).status_code == 401, bad
    with pytest.raises(Exception, match="past"):
        store.create(
            "old",
            tenant="default",
            roles=("reader",),
            created_by="t",
            expires_at=datetime.now(UTC) - timedelta(days=1),
        )


def test_keys_from_the_cli(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli, ["keys", "create", "ci", "--role", "contributor", "--tenant", "acme"])
    assert r.exit_code == 0, r.output
    token = next(w for w in r.output.split() if w.startswith("col_"))
    r = runner.invoke(cli, ["keys", "list"])
    assert "ci" in r.output and "acme" in r.output and token not in r.output
    key_id = token.split("_")[1]
    assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["keys", "list"]).output
    r = runner.invoke(cli, ["keys", "create", "x", "--role", "wizard"])
    assert r.exit_code == 1 and "unknown roles" in r.output
    r = runner.invoke(cli, ["audit", "verify"])
    # the CLI's key commands are audited like the API's
    assert r.exit_code == 0 and "audit trail intact" in r.output


def test_without_credentials_every_route_is_401(secure_api: Api) -> None:
    spec = httpx.get(f"{secure_api.url}/openapi.json").json()
    open_paths = {"/healthz", "/readyz", "/v2/health/live", "/v2/health/ready"}  # probes
    for path, ops in spec["paths"].items():
        if path in open_paths:
            continue
        for method in ops:
            url = secure_api.url + path.replace("{", "").replace("}", "")
            r = httpx.request(method.upper(), url, timeout=30)
            assert r.status_code == 401, (method, path, r.status_code)


def test_credentials_never_reach_the_logs(
    secure_api: Api, issuer: Issuer, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_key = "col_0123456789ab_" + "S" * 43
    token = issuer.token(exp=int(time.time()) - 120, iat=int(time.time()) - 900)
    for presented in (secret_key, token, "not-a-key-at-all-but-secret"):
        assert call(secure_api, "GET", "/v1/collections", presented).status_code == 401
    logged = capsys.readouterr()
    text = logged.out + logged.err
    assert "request_failed" in text  # the failures are logged ...
    for presented in (secret_key, token, "not-a-key-at-all-but-secret"):
        assert presented not in text  # ... without what was presented
    assert token.split(".")[1] not in text
