"""The one placeholder check every secret in the tree goes through."""

from __future__ import annotations

from pydantic import SecretStr

__all__ = ["is_placeholder", "require_real"]


_PLACEHOLDERS = {"", "changeme", "change-me", "placeholder", "xxx", "sk-..."}


def is_placeholder(secret: SecretStr | None) -> bool:
    """True when a secret is missing or one of the well-known stand-ins."""
    value = secret.get_secret_value() if secret is not None else ""
    return value.strip().lower() in _PLACEHOLDERS


def require_real(secret: SecretStr | None, environment: str, message: str) -> None:
    """Outside development a missing or placeholder secret fails with ``message``."""
    if environment == "production" and is_placeholder(secret):
        raise ValueError(message)
