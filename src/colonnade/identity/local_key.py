"""The single local API key of the embedded default.

Generated on first start into ``DATA_DIR/api_key`` (mode 0600) unless
``api.api_key`` is set; every API caller presents it as ``Authorization:
Bearer <key>`` or ``X-API-Key``. It maps to one local admin principal; the
security layer replaces this authenticator with OIDC tokens and managed keys.
"""

from __future__ import annotations

import getpass
import hmac
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from colonnade.errors import Unauthorized
from colonnade.identity.principal import Principal

__all__ = [
    "KEY_PREFIX",
    "LocalKeyAuthenticator",
    "load_or_create_secret",
    "local_owner",
    "local_user",
]

KEY_PREFIX = "col_"


def local_user() -> str:
    """Until identity is configured, everything belongs to the local OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def local_owner() -> str:
    """The CLI's conversations: the same owner as the local API key's principal."""
    return f"default/{local_user()}"


def load_or_create_secret(path: Path, prefix: str = "") -> str:
    """A random secret kept in ``path`` (mode 0600), made on first use."""
    return _load_or_create(path, prefix)


def _load_or_create(path: Path, prefix: str = KEY_PREFIX) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = prefix + secrets.token_urlsafe(32)
    try:  # O_EXCL: two workers starting at once agree on one key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


class LocalKeyAuthenticator:
    def __init__(self, data_dir: Path, configured: SecretStr | None = None) -> None:
        self.path = data_dir / "api_key"
        self.key = configured.get_secret_value() if configured else _load_or_create(self.path)
        self.principal = Principal(
            tenant="default", user=local_user(), roles=("admin",), via="local_api_key"
        )

    def authenticate(self, presented: str | None) -> Principal:
        if not presented:
            raise Unauthorized(
                "no API key: send Authorization: Bearer <key> (the key is printed by "
                "`colonnade serve` and `colonnade api-key`)"
            )
        if not hmac.compare_digest(presented.encode(), self.key.encode()):
            raise Unauthorized("the API key is not valid: use the key `colonnade api-key` prints")
        return self.principal
