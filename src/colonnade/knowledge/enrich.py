"""Enrichment: title, language, metadata, ACL and the fingerprint of how a file was processed."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from colonnade.errors import DocumentError

__all__ = ["detect_language", "fingerprint", "split_acl"]

_ACL_KEYS = {"acl", "allowed_users", "allowed_groups"}


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for too little text."""
    sample = text[:2000]
    if len(sample.split()) < 3:
        return None
    import py3langid

    lang, _ = py3langid.classify(sample)
    return str(lang)


def split_acl(metadata: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Take the ACL out of free-form metadata.

    Accepts ``acl: {users: [...], groups: [...]}`` or ``allowed_users`` /
    ``allowed_groups``. Enforcement belongs to the security layer; here it is
    validated and stored.
    """
    rest = {k: v for k, v in metadata.items() if k not in _ACL_KEYS}
    acl: dict[str, list[str]] = {}
    raw = metadata.get("acl") or {}
    if not isinstance(raw, dict):
        raise DocumentError("bad_metadata", f"{name}: 'acl' must be a mapping of users/groups")
    users = raw.get("users", metadata.get("allowed_users", []))
    groups = raw.get("groups", metadata.get("allowed_groups", []))
    for key, values in (("users", users), ("groups", groups)):
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise DocumentError("bad_metadata", f"{name}: acl {key} must be a list of strings")
        if values:
            acl[key] = sorted(set(values))
    return rest, acl


def fingerprint(**settings: object) -> str:
    """A short hash of everything that changes how a file becomes chunks and vectors."""
    blob = json.dumps(settings, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
