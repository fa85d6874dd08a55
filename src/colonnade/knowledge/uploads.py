"""Uploads that cannot touch what their author cannot read, and bounded upload metadata.

Uploading a file whose name a document of the collection already has replaces that
document, if the uploader may open it. If it may not (an ACL hides it), the upload
becomes a separate document of its own, kept under a per-author source URI that every
response shows without its suffix: the hidden document is neither changed nor revealed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from colonnade.errors import DocumentError, InvalidInput
from colonnade.knowledge.acl import parse_acl
from colonnade.knowledge.models import Access
from colonnade.knowledge.ports import KnowledgeStore

__all__ = [
    "MAX_METADATA_BYTES",
    "MAX_METADATA_DEPTH",
    "parse_metadata",
    "public_uri",
    "upload_uris",
]

MAX_METADATA_BYTES = 64 * 1024
MAX_METADATA_DEPTH = 16
_COPY = "#copy-"


def _depth(value: Any) -> int:
    """How deeply containers nest, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_METADATA_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, level + 1) for c in children)
    return deepest


def parse_metadata(raw: str | None) -> dict[str, Any]:
    """Upload metadata: a JSON object, bounded in size and depth, with a strict ACL."""
    if not raw:
        return {}
    if len(raw.encode()) > MAX_METADATA_BYTES:
        raise InvalidInput(
            f"metadata is over {MAX_METADATA_BYTES // 1024} KiB: keep it to a few fields",
            field="metadata",
        )
    try:
        data = json.loads(raw)
    except RecursionError as exc:
        raise InvalidInput(
            f"metadata nests deeper than {MAX_METADATA_DEPTH} levels", field="metadata"
        ) from exc
    except ValueError as exc:
        raise InvalidInput(f"metadata is not valid JSON: {exc}", field="metadata") from exc
    if not isinstance(data, dict):
        raise InvalidInput('metadata must be a JSON object, e.g. {"department": "hr"}')
    if _depth(data) > MAX_METADATA_DEPTH:
        raise InvalidInput(
            f"metadata nests deeper than {MAX_METADATA_DEPTH} levels", field="metadata"
        )
    try:
        parse_acl(data, "metadata")
    except DocumentError as exc:
        raise InvalidInput(exc.message, field="metadata") from exc
    return data


def _author_suffix(tenant: str, user: str) -> str:
    return _COPY + hashlib.sha256(f"{tenant}/{user}".encode()).hexdigest()[:12]


def upload_uris(
    store: KnowledgeStore,
    collection: str,
    names: list[str],
    *,
    tenant: str,
    user: str,
    access: Access | None,
) -> dict[str, str]:
    """The source URI each uploaded file is written under (``upload://NAME`` unless a
    document the author cannot open holds that name)."""
    uris = {}
    for name in names:
        uri = f"upload://{name}"
        existing = store.find_document(collection, uri, tenant=tenant)
        if existing is not None and (
            access is not None
            and store.get_document(existing.id, tenant=tenant, access=access) is None
        ):
            uri += _author_suffix(tenant, user)
        uris[name] = uri
    return uris


def public_uri(uri: str) -> str:
    """What a person is shown of a source URI: without the per-author suffix."""
    head, sep, _ = uri.partition(_COPY)
    return head if sep else uri
