"""The authenticated caller, as established by the Intelligence API."""

from __future__ import annotations

from dataclasses import dataclass

from colonnade.vocabulary import Access

__all__ = ["OPERATE", "Principal"]

# operating the platform: never implied by "*", only by a role that names it
OPERATE = "operate_platform"


@dataclass(slots=True, frozen=True)
class Principal:
    tenant: str
    user: str
    display_name: str = ""
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    via: str = "api_key"
    permissions: frozenset[str] = frozenset()
    key_id: str | None = None

    def can(self, permission: str) -> bool:
        """``*`` grants everything; ``model:*`` every model alias, ``tool:*`` every tool."""
        perms = self.permissions
        if permission in perms:
            return True
        if permission == OPERATE:
            return False
        if "*" in perms:
            return True
        kind, _, _ = permission.partition(":")
        return bool(kind) and f"{kind}:*" in perms

    @property
    def access(self) -> Access:
        """What retrieval may show this principal: its own documents and its groups'."""
        return Access(self.user, self.groups)

    @property
    def owner(self) -> str:
        """The owner key of conversations: a user is only ever a user within a tenant."""
        return f"{self.tenant}/{self.user}"
