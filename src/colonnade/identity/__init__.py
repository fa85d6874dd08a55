"""Who is asking: the Principal every layer below the API trusts."""

from colonnade.identity.api_keys import ApiKey, ApiKeyStore
from colonnade.identity.authenticator import Authenticator
from colonnade.identity.local_key import LocalKeyAuthenticator, local_user
from colonnade.identity.principal import Principal
from colonnade.identity.rbac import Roles

__all__ = [
    "ApiKey",
    "ApiKeyStore",
    "Authenticator",
    "LocalKeyAuthenticator",
    "Principal",
    "Roles",
    "local_user",
]
