"""Who is asking: the Principal every layer below the API trusts."""

from colonnade.identity.local_key import LocalKeyAuthenticator, local_user
from colonnade.identity.principal import Principal

__all__ = ["LocalKeyAuthenticator", "Principal", "local_user"]
