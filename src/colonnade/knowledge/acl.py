"""Document ACLs, validated strictly: anything that is not a well-formed ACL is an error,
never a document open to its whole tenant.

An ACL reads ``acl: {users: [...], groups: [...]}`` (or the flat ``allowed_users`` /
``allowed_groups``). A document without any of these keys is open to its tenant; one
that has them must name at least one user or group, in lists of non-empty strings.
Unknown keys inside ``acl`` and look-alike keys beside it (``ACL``, ``allowed_group``,
``permissions``) are refused, because a typo that silently made a document public is the
failure this module exists to prevent.
"""

from __future__ import annotations

import re
from typing import Any

from colonnade.errors import DocumentError

__all__ = ["ACL_KEYS", "parse_acl"]

ACL_KEYS = frozenset({"acl", "allowed_users", "allowed_groups"})
_FIELDS = ("users", "groups")
_LOOKALIKE = re.compile(
    r"^(acls?|access([_-]?control)?|permissions?|allow(ed)?[_-]?(users?|groups?|principals?)"
    r"|(users?|groups?)[_-]?allowed|readers?|visibility|visible[_-]?to)$",
    re.IGNORECASE,
)
_MAX_ENTRIES = 1000
_MAX_NAME = 256


def _bad(name: str, message: str) -> DocumentError:
    return DocumentError("bad_acl", f"{name}: {message}")


def _names(name: str, where: str, values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise _bad(name, f'{where} must be a list of names, e.g. ["hr"]')
    if not values:
        raise _bad(
            name,
            f"{where} is empty: name at least one, or leave the ACL out for a document open "
            "to the whole tenant",
        )
    if len(values) > _MAX_ENTRIES:
        raise _bad(name, f"{where} lists {len(values)} names, more than {_MAX_ENTRIES}")
    out = []
    for v in values:
        if not isinstance(v, str) or not v.strip() or len(v) > _MAX_NAME or v != v.strip():
            raise _bad(
                name,
                f"{where} holds {str(v)[:40]!r}: each entry is a non-empty name of at most "
                f"{_MAX_NAME} characters, without surrounding spaces",
            )
        out.append(v)
    return sorted(set(out))


def parse_acl(metadata: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The metadata without its ACL keys, and the ACL (empty: open to the tenant)."""
    for key in metadata:
        if key not in ACL_KEYS and _LOOKALIKE.match(str(key)):
            raise _bad(
                name,
                f"unknown key {key!r}: an ACL is written acl: {{users: [...], groups: [...]}} "
                "(or allowed_users / allowed_groups)",
            )
    rest = {k: v for k, v in metadata.items() if k not in ACL_KEYS}
    found: dict[str, list[str]] = {}
    if "acl" in metadata:
        raw = metadata["acl"]
        if not isinstance(raw, dict):
            raise _bad(name, "'acl' must be a mapping with users and/or groups")
        unknown = [k for k in raw if k not in _FIELDS]
        if unknown:
            raise _bad(
                name,
                f"acl has unknown key(s) {', '.join(repr(str(k)) for k in unknown)}: only "
                "'users' and 'groups' are allowed",
            )
        if not raw:
            raise _bad(
                name, "acl is empty: name users or groups, or leave it out for an open document"
            )
        for field in _FIELDS:
            if field in raw:
                found[field] = _names(name, f"acl.{field}", raw[field])
    for key, field in (("allowed_users", "users"), ("allowed_groups", "groups")):
        if key in metadata:
            found[field] = sorted({*found.get(field, []), *_names(name, key, metadata[key])})
    return rest, found
