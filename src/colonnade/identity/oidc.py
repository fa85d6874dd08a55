"""OIDC bearer tokens: discovery, a JWKS cache refreshed on an unknown ``kid``, strict checks.

PyJWT does the cryptography and the registered-claim checks; what is written here is
what it leaves to its caller: an async key cache that follows key rotation without
letting a flood of made-up ``kid`` values hammer the issuer, the algorithm allow-list
applied before any key is chosen, and the mapping of claims to a :class:`Principal`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx2
import jwt

from colonnade.errors import ConfigurationError, Unauthorized
from colonnade.identity.principal import Principal
from colonnade.identity.rbac import Roles
from colonnade.observability import get_logger
from colonnade.settings import OIDCSettings

__all__ = ["OIDCVerifier"]

log = get_logger(__name__)
_REQUIRED = ["exp", "iss", "aud"]


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace(",", " ").split() if v)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if isinstance(v, str | int))
    return ()


class OIDCVerifier:
    def __init__(
        self,
        settings: OIDCSettings,
        roles: Roles,
        *,
        clock: Callable[[], float] = time.monotonic,
        timeout_s: float = 5.0,
    ) -> None:
        if not settings.issuer:
            raise ConfigurationError("OIDC needs security.oidc.issuer")
        self.settings = settings
        self.issuer = settings.issuer.rstrip("/")
        self.roles = roles
        self.clock = clock
        self.timeout_s = timeout_s
        self.metadata: dict[str, Any] | None = None
        self._keys: dict[str | None, tuple[jwt.PyJWK, dict[str, Any]]] = {}
        self._last_refresh = float("-inf")
        self._lock: asyncio.Lock | None = None

    # -- discovery and keys --------------------------------------------------
    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx2.AsyncClient(timeout=self.timeout_s) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                data = response.json()
        except (httpx2.HTTPError, ValueError) as exc:
            raise Unauthorized(
                f"cannot check the token: the identity provider at {url} did not answer ({exc})"
            ) from exc
        if not isinstance(data, dict):
            raise Unauthorized(f"the identity provider's {url} is not a JSON object")
        return data

    async def discover(self) -> dict[str, Any]:
        if self.metadata is None:
            meta = await self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if str(meta.get("issuer", "")).rstrip("/") != self.issuer:
                raise ConfigurationError(
                    f"the discovery document's issuer {meta.get('issuer')!r} is not "
                    f"security.oidc.issuer {self.issuer!r}: set the issuer exactly as it says"
                )
            self.metadata = meta
        return self.metadata

    async def _refresh(self) -> None:
        uri = self.settings.jwks_uri or (await self.discover()).get("jwks_uri")
        if not uri:
            raise ConfigurationError("the issuer publishes no jwks_uri: set security.oidc.jwks_uri")
        data = await self._get_json(str(uri))
        keys: dict[str | None, tuple[jwt.PyJWK, dict[str, Any]]] = {}
        for raw in data.get("keys", []):
            if not isinstance(raw, dict) or raw.get("use", "sig") != "sig":
                continue
            try:
                keys[raw.get("kid")] = (jwt.PyJWK(raw), raw)
            except jwt.PyJWTError:
                continue  # a key type PyJWT cannot use; others may still verify
        self._keys = keys
        log.info("oidc_keys_refreshed", issuer=self.issuer, keys=len(keys))

    def _cached(self, kid: str | None) -> tuple[jwt.PyJWK, dict[str, Any]] | None:
        """The key for ``kid``; a token without one may use the issuer's only key."""
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    async def _key(self, kid: str | None) -> tuple[jwt.PyJWK, dict[str, Any]]:
        found = self._cached(kid)
        if found is not None:
            return found
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            # rotation: an unknown kid refreshes the set, at most once per interval
            if kid not in self._keys and (
                self.clock() - self._last_refresh >= self.settings.jwks_refresh_min_s
            ):
                self._last_refresh = self.clock()
                await self._refresh()
        found = self._cached(kid)
        if found is None:
            raise Unauthorized("the token is signed by a key the issuer does not publish")
        return found

    # -- tokens ----------------------------------------------------------------
    async def verify(self, token: str) -> Principal:
        return self.principal(await self.claims(token))

    async def claims(self, token: str) -> dict[str, Any]:
        """The token's claims once its signature, algorithm, issuer, audience and times hold."""
        s = self.settings
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"the bearer token is not a well-formed JWT: {exc}") from exc
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in s.algorithms:
            raise Unauthorized(
                f"the token's algorithm {alg!r} is not accepted: allowed are "
                + ", ".join(s.algorithms)
            )
        kid = header.get("kid")
        key, raw = await self._key(kid if isinstance(kid, str) else None)
        if raw.get("alg") and raw["alg"] != alg:
            raise Unauthorized(f"the token says {alg} but its key is for {raw['alg']}")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=s.audience,
                issuer=self.issuer,
                leeway=s.leeway_s,
                options={"require": _REQUIRED},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired: sign in again") from exc
        except jwt.ImmatureSignatureError as exc:
            raise Unauthorized("the token is not valid yet (nbf/iat in the future)") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized(
                f"the token is for another audience: expected {', '.join(s.audience)}"
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized(f"the token is from another issuer: expected {self.issuer}") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized(f"the token lacks a required claim: {exc.claim}") from exc
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized(f"the token's signature or claims are not valid: {exc}") from exc
        return claims

    def principal(self, claims: dict[str, Any]) -> Principal:
        s = self.settings
        user = claims.get(s.user_claim) or claims.get("sub")
        if not isinstance(user, str) or not user:
            raise Unauthorized(f"the token has no {s.user_claim!r} claim to name the user")
        tenant = claims.get(s.tenant_claim)
        if not isinstance(tenant, str) or not tenant:
            if not s.default_tenant:
                raise Unauthorized(
                    f"the token has no {s.tenant_claim!r} claim naming its tenant: have the "
                    "issuer add it, or set security.oidc.default_tenant for a single-tenant "
                    "issuer"
                )
            tenant = s.default_tenant
        roles = _strings(claims.get(s.roles_claim)) or tuple(s.default_roles)
        return Principal(
            tenant=tenant,
            user=user,
            display_name=str(claims.get(s.name_claim) or claims.get("email") or user),
            groups=_strings(claims.get(s.groups_claim)),
            roles=roles,
            via="oidc",
            permissions=self.roles.permissions(roles),
        )
