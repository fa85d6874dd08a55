"""Who may act on what beyond their own requests: platform operators, keys, models.

A tenant's admin holds ``*`` inside its tenant. Operating the platform (the LLM
catalog's state, usage across tenants, metrics, models that serve every tenant) is a
separate permission, ``operate_platform``, that ``*`` does not grant: only a role that
names it (``operator``) and only in ``security.platform_tenant``.
"""

from __future__ import annotations

from collections.abc import Iterable

from colonnade.errors import Forbidden, NotFound
from colonnade.identity.principal import OPERATE, Principal

__all__ = [
    "OPERATE",
    "check_key_action",
    "check_model_owner",
    "covers",
    "is_operator",
]


def covers(held: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether the permissions ``held`` include every one of ``wanted``.

    ``*`` covers everything but ``operate_platform``; ``model:*`` covers every model alias,
    ``tool:*`` every tool.
    """
    have = frozenset(held)
    for perm in wanted:
        if perm in have:
            continue
        if perm == OPERATE:
            return False
        if "*" in have:
            continue
        kind, sep, _ = perm.partition(":")
        if sep and f"{kind}:*" in have:
            continue
        return False
    return True


def is_operator(principal: Principal, platform_tenant: str) -> bool:
    return principal.tenant == platform_tenant and OPERATE in principal.permissions


def check_key_action(principal: Principal, key_permissions: Iterable[str], verb: str) -> None:
    """A key may never act on a key that holds more than it does."""
    if not covers(principal.permissions, key_permissions):
        raise Forbidden(
            f"you may not {verb} a key that holds more than you do: ask an admin whose roles "
            "cover the key's",
            code="escalation",
        )


def check_model_owner(
    principal: Principal, model: str, owner: str | None, platform_tenant: str
) -> None:
    """Platform models (no owner) are for operators; a tenant's models for its approvers."""
    if is_operator(principal, platform_tenant):
        return
    if owner is None:
        raise Forbidden(
            f"model {model!r} serves the whole platform: only a platform operator (role "
            f"'operator' in tenant {platform_tenant!r}) may change it",
            code="platform_model",
        )
    if owner != principal.tenant:  # another tenant's model: the same answer as none
        raise NotFound(f"no registered model {model!r}")
