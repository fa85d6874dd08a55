"""Who is calling: the local key, a managed API key, or an OIDC token, in that order."""

from __future__ import annotations

import hmac

from colonnade.errors import Unauthorized
from colonnade.identity.api_keys import ApiKeyStore, looks_like_managed_key
from colonnade.identity.local_key import LocalKeyAuthenticator, local_user
from colonnade.identity.oidc import OIDCVerifier
from colonnade.identity.principal import Principal
from colonnade.identity.rbac import Roles

__all__ = ["Authenticator"]


class Authenticator:
    def __init__(
        self,
        local: LocalKeyAuthenticator | None,
        keys: ApiKeyStore,
        roles: Roles,
        oidc: OIDCVerifier | None = None,
    ) -> None:
        self.local = local
        self.keys = keys
        self.roles = roles
        self.oidc = oidc
        self._local_principal = Principal(
            tenant="default",
            user=local_user(),
            roles=("admin", "operator"),  # the local key's holder runs the platform
            via="local_api_key",
            permissions=roles.permissions(("admin", "operator")),
        )

    async def authenticate(self, presented: str | None) -> Principal:
        if not presented:
            hint = " or sign in through OIDC" if self.oidc else ""
            raise Unauthorized(
                "no credentials: send Authorization: Bearer <API key> (`colonnade keys create` "
                "makes one; `colonnade api-key` prints the local one)" + hint
            )
        if self.local is not None and hmac.compare_digest(
            presented.encode(), self.local.key.encode()
        ):
            return self._local_principal
        if looks_like_managed_key(presented):
            key = self.keys.authenticate(presented)
            return Principal(
                tenant=key.tenant,
                user=f"key:{key.id}",
                display_name=key.name,
                roles=key.roles,
                via="api_key",
                permissions=self.roles.permissions(key.roles),
                key_id=key.id,
            )
        if self.oidc is not None and presented.count(".") == 2:
            return await self.oidc.verify(presented)
        raise Unauthorized(
            "the API key or token is not valid: use a key from `colonnade keys create` "
            "(or `colonnade api-key` locally)"
            + (", or an OIDC token from the configured issuer" if self.oidc else "")
        )
