"""The single local API key of the embedded default.

Generated on first start into ``DATA_DIR/api_key`` (mode 0600) unless
``api.api_key`` is set; every API caller presents it as ``Authorization:
Bearer <key>`` or ``X-API-Key``. It maps to the admin of tenant ``default``, beside
OIDC tokens and managed keys (``colonnade/identity/authenticator.py``).
"""

from __future__ import annotations

import getpass
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from colonnade.knowledge.models import Access

__all__ = [
    "KEY_PREFIX",
    "LocalKeyAuthenticator",
    "load_or_create_secret",
    "local_access",
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


def local_access() -> Access:
    """What the local user may open: the same rule as the local API key's principal (its
    own documents and those without an ACL), so that the CLI and the API agree."""
    return Access(local_user())


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
    """Holds the local key; :class:`~colonnade.identity.Authenticator` checks it first."""

    def __init__(self, data_dir: Path, configured: SecretStr | None = None) -> None:
        self.path = data_dir / "api_key"
        self.key = configured.get_secret_value() if configured else _load_or_create(self.path)
