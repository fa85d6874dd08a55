"""The web UI's sign-in: OIDC authorization code with PKCE, or the local development key.

``/auth/login`` sends the browser to the issuer with a PKCE challenge; the verifier,
state and nonce wait in a short-lived signed, HttpOnly cookie. ``/auth/callback``
exchanges the code (with the verifier) for tokens, checks the ID token like any bearer
token plus its nonce, and hands it to the page in the URL fragment, which browsers never
send to a server.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlencode

import httpx2
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from colonnade.api.deps import container_of
from colonnade.errors import NotFound, Unauthorized
from colonnade.identity.oidc import OIDCVerifier

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["sign-in"], include_in_schema=False)
_COOKIE = "colonnade_auth"


_MAX_AGE_S = 600  # the sign-in must come back within ten minutes


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(container_of(request).session_secret, salt="colonnade-sign-in")


def _verifier(request: Request) -> OIDCVerifier:
    oidc: OIDCVerifier | None = container_of(request).authenticator.oidc
    settings = container_of(request).settings.security.oidc
    if oidc is None or not settings.client_id:
        raise NotFound("OIDC sign-in is not configured: set security.oidc.issuer and client_id")
    return oidc


def _redirect_uri(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/auth/callback"


def _token_error(status: int, tokens: object) -> str:
    """What a token response says about its failure, never the tokens it may hold."""
    if not isinstance(tokens, dict):
        return f"status {status}, a JSON {type(tokens).__name__}"
    error = tokens.get("error")
    if isinstance(error, str) and error:
        described = tokens.get("error_description")
        text = f"{error}: {described}" if isinstance(described, str) else error
        return f"status {status}, {text[:300]}"
    fields = ", ".join(sorted(str(k)[:40] for k in tokens)[:20]) or "none"
    return f"status {status}, fields {fields}: ask for the 'openid' scope (security.oidc.scopes)"


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
    verifier, state, nonce = generate_token(48), generate_token(22), generate_token(22)
    challenge = create_s256_code_challenge(verifier)
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
        _signer(request).dumps([state, verifier, nonce]),
        max_age=_MAX_AGE_S,
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
    try:
        value = _signer(request).loads(request.cookies.get(_COOKIE, ""), max_age=_MAX_AGE_S)
    except BadSignature as exc:  # tampered, expired, or signed by another deployment
        raise Unauthorized("the sign-in expired or was started elsewhere: sign in again") from exc
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)):
        raise Unauthorized("the sign-in expired or was started elsewhere: sign in again")
    expected_state, verifier, nonce = value
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
    except ValueError as exc:  # its body may carry tokens in another encoding: never echo it
        raise Unauthorized(
            f"the identity provider's token endpoint answered {reply.status_code} "
            f"({reply.headers.get('content-type', 'no content type')}), not JSON"
        ) from exc
    id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if reply.status_code != 200 or not isinstance(id_token, str):
        raise Unauthorized(
            "the identity provider issued no ID token: " + _token_error(reply.status_code, tokens)
        )
    claims = await oidc.claims(id_token)
    oidc.principal(claims)  # the claims must also make a principal
    if claims.get("nonce") != nonce:
        raise Unauthorized("the ID token's nonce does not match the sign-in: sign in again")
    response = RedirectResponse(f"/#token={id_token}", status_code=302)
    response.delete_cookie(_COOKIE, path="/auth")
    return response
