"""The web UI's sign-in: OIDC authorization code with PKCE, or the local development key.

``/auth/login`` sends the browser to the issuer with a PKCE challenge; the verifier,
state and nonce wait in a short-lived signed, HttpOnly cookie. ``/auth/callback``
exchanges the code (with the verifier) for tokens, checks the ID token like any bearer
token plus its nonce, and hands it to the page in the URL fragment, which browsers never
send to a server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx2
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from colonnade.api.deps import container_of
from colonnade.errors import NotFound, Unauthorized
from colonnade.identity.oidc import OIDCVerifier

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["sign-in"], include_in_schema=False)
_COOKIE = "colonnade_auth"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _sign(secret: bytes, value: str) -> str:
    return value + "." + _b64(hmac.new(secret, value.encode(), hashlib.sha256).digest())


def _unsign(secret: bytes, signed: str) -> str | None:
    value, _, _mac = signed.rpartition(".")
    return value if value and hmac.compare_digest(_sign(secret, value), signed) else None


def _verifier(request: Request) -> OIDCVerifier:
    oidc: OIDCVerifier | None = container_of(request).authenticator.oidc
    settings = container_of(request).settings.security.oidc
    if oidc is None or not settings.client_id:
        raise NotFound("OIDC sign-in is not configured: set security.oidc.issuer and client_id")
    return oidc


def _redirect_uri(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/auth/callback"


@router.get("/config")
def config(request: Request) -> dict[str, Any]:
    security = container_of(request).settings.security
    return {
        "oidc": bool(container_of(request).authenticator.oidc and security.oidc.client_id),
        "local_login": security.local_login,
    }


@router.get("/login")
async def login(request: Request) -> RedirectResponse:
    oidc = _verifier(request)
    s = oidc.settings
    meta = await oidc.discover()
    verifier, state, nonce = (
        _b64(secrets.token_bytes(32)),
        _b64(secrets.token_bytes(16)),
        _b64(secrets.token_bytes(16)),
    )
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "response_type": "code",
            "client_id": s.client_id,
            "redirect_uri": _redirect_uri(request),
            "scope": s.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    response = RedirectResponse(f"{meta['authorization_endpoint']}?{query}", status_code=302)
    response.set_cookie(
        _COOKIE,
        _sign(container_of(request).session_secret, f"{state}~{verifier}~{nonce}"),
        max_age=600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/auth",
    )
    return response


@router.get("/callback")
async def callback(
    request: Request,
    code: str = Query(default="", max_length=4096),
    state: str = Query(default="", max_length=256),
    error: str = Query(default="", max_length=256),
) -> RedirectResponse:
    if error:
        raise Unauthorized(f"the identity provider refused the sign-in: {error}")
    oidc = _verifier(request)
    s = oidc.settings
    value = _unsign(container_of(request).session_secret, request.cookies.get(_COOKIE, ""))
    if value is None or value.count("~") != 2:
        raise Unauthorized("the sign-in expired or was started elsewhere: sign in again")
    expected_state, verifier, nonce = value.split("~")
    if not code or not hmac.compare_digest(state, expected_state):
        raise Unauthorized("the sign-in response does not match the request: sign in again")
    meta = await oidc.discover()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": _redirect_uri(request),
        "client_id": s.client_id or "",
        "code_verifier": verifier,
    }
    if s.client_secret is not None:
        form["client_secret"] = s.client_secret.get_secret_value()
    try:
        async with httpx2.AsyncClient(timeout=oidc.timeout_s) as client:
            reply = await client.post(meta["token_endpoint"], data=form)
    except httpx2.HTTPError as exc:
        raise Unauthorized(f"the identity provider's token endpoint failed: {exc}") from exc
    try:
        tokens = reply.json()
    except ValueError as exc:
        raise Unauthorized(
            f"the identity provider's token endpoint answered {reply.status_code} without JSON: "
            f"{reply.text[:200]}"
        ) from exc
    id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if reply.status_code != 200 or not isinstance(id_token, str):
        raise Unauthorized(f"the identity provider issued no ID token: {tokens}")
    claims = await oidc.claims(id_token)
    oidc.principal(claims)  # the claims must also make a principal
    if claims.get("nonce") != nonce:
        raise Unauthorized("the ID token's nonce does not match the sign-in: sign in again")
    response = RedirectResponse(f"/#token={id_token}", status_code=302)
    response.delete_cookie(_COOKIE, path="/auth")
    return response
