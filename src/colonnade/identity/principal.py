"""The authenticated caller, as established by the Intelligence API."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Principal"]


@dataclass(slots=True, frozen=True)
class Principal:
    tenant: str
    user: str
    display_name: str = ""
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    via: str = "api_key"
