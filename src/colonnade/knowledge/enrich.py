"""Enrichment: title, language, metadata, ACL and the fingerprint of how a file was processed."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from colonnade.knowledge.acl import parse_acl

__all__ = ["detect_language", "fingerprint", "split_acl"]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for too little text."""
    sample = text[:2000]
    if len(sample.split()) < 3:
        return None
    import py3langid

    lang, _ = py3langid.classify(sample)
    return str(lang)


def split_acl(metadata: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Take the ACL out of free-form metadata, strictly (``acl.py``): a malformed ACL is a
    failed document, never a public one."""
    return parse_acl(metadata, name)


def fingerprint(**settings: object) -> str:
    """A short hash of everything that changes how a file becomes chunks and vectors."""
    blob = json.dumps(settings, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
