"""Roles map to permissions; the API asks ``principal.can(permission)`` and nothing else.

Permissions: ``ask``, ``search``, ``read`` (documents and collections), ``ingest``,
``manage_collections`` (delete documents and collections), ``manage_keys``, ``audit``,
``admin`` (the operators' routes), ``model:<alias>`` (``model:*`` for all), ``tool:<name>``.
``*`` grants everything of a tenant; ``operate_platform`` (the ``operator`` role) is never
implied by it and counts only in ``security.platform_tenant``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from colonnade.errors import Forbidden

__all__ = ["DEFAULT_ROLES", "PERMISSIONS", "Roles"]

PERMISSIONS = (
    "ask",
    "search",
    "read",
    "ingest",
    "manage_collections",
    "manage_keys",
    "audit",
    "admin",
    "predict",
    "approve_models",
    "approve_tools",
    "operate_platform",
)
_READER = ("ask", "search", "read", "predict", "model:*", "tool:*")
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "reader": _READER,
    "contributor": (*_READER, "ingest", "manage_collections"),
    "admin": ("*",),
    "operator": ("*", "operate_platform"),
}


def _check(role: str, permission: str) -> None:
    kind, sep, name = permission.partition(":")
    if (
        permission == "*"
        or permission in PERMISSIONS
        or (sep and kind in ("model", "tool") and name)
    ):
        return
    raise ValueError(
        f"security.roles.{role} names an unknown permission {permission!r}: use one of "
        f"{', '.join(PERMISSIONS)}, model:<alias>, tool:<name> or *"
    )


class Roles:
    def __init__(self, configured: Mapping[str, Iterable[str]] | None = None) -> None:
        self.roles = dict(DEFAULT_ROLES)
        for role, perms in (configured or {}).items():
            perms = tuple(perms)
            for p in perms:
                _check(role, p)
            self.roles[role] = perms

    def permissions(self, roles: Iterable[str]) -> frozenset[str]:
        """Unknown roles grant nothing (a token may carry roles meant for other systems)."""
        return frozenset(p for r in roles for p in self.roles.get(r, ()))

    def check_grantable(self, roles: Iterable[str]) -> tuple[str, ...]:
        roles = tuple(dict.fromkeys(roles))
        unknown = [r for r in roles if r not in self.roles]
        if unknown:
            raise Forbidden(
                f"unknown roles {unknown}: known roles are {', '.join(sorted(self.roles))}",
                code="unknown_role",
            )
        return roles
