"""What ``colonnade ingest`` reads: a folder or a file, a paged JSON REST API (``--rest``),
an MCP server's resources (``--mcp``, a server from the ``tools.mcp`` settings), or an
Azure Blob container (``--blob``).

All three go through the same pipeline and the same incremental rules (unchanged documents
skipped, changed ones re-indexed, ones the source no longer lists deleted); the REST and MCP
sources map ACLs from the records (``--field acl_groups=...``) or the resources' ``_meta``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from colonnade.container import Container
from colonnade.errors import InvalidInput
from colonnade.knowledge.ports import Source
from colonnade.knowledge.sources import open_source

__all__ = ["REST_FIELDS", "ingest_source"]

# --field NAME=PATH: which field of a page or a record means what (dotted paths)
REST_FIELDS = {
    "items": "items_field",
    "next": "next_field",
    "cursor": "cursor_param",
    "id": "id_field",
    "title": "title_field",
    "body": "body_field",
    "updated": "updated_field",
    "acl_users": "acl_users_field",
    "acl_groups": "acl_groups_field",
}


def _pairs(values: list[str], sep: str, option: str, example: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        key, found, rest = value.partition(sep)
        if not found or not key.strip() or not rest.strip():
            raise InvalidInput(f"{option} {value!r} must look like {example}")
        out.append((key.strip(), rest.strip()))
    return out


def rest_source(
    url: str, fields: list[str], meta: list[str], headers: list[str], timeout_s: float
) -> Source:
    from colonnade.knowledge.connectors import RestSource, RestSourceConfig

    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"--rest {url!r} is not an http(s) URL")
    options: dict[str, Any] = {}
    for name, path in _pairs(fields, "=", "--field", "acl_groups=groups"):
        if name not in REST_FIELDS:
            raise InvalidInput(
                f"--field {name!r} is not one of {', '.join(REST_FIELDS)} (e.g. --field items=data)"
            )
        options[REST_FIELDS[name]] = path
    config = RestSourceConfig(
        url=url,
        metadata_fields=list(meta),
        headers=dict(_pairs(headers, ":", "--header", "'Authorization: Bearer TOKEN'")),
        timeout_s=timeout_s,
        **options,
    )
    return RestSource(config)


def mcp_source(c: Container, name: str) -> Source:
    from colonnade.knowledge.connectors import MCPResourceSource

    servers = c.settings.tools.mcp
    if name not in servers:
        known = ", ".join(sorted(servers)) or "none"
        raise InvalidInput(
            f"no MCP server {name!r} in the settings (configured: {known}): add "
            f"[tools.mcp.{name}] with command/args or url to colonnade.toml"
        )
    return MCPResourceSource(name, servers[name], timeout_s=c.settings.tools.timeout_s)


def ingest_source(
    c: Container,
    path: Path | None,
    *,
    rest: str | None = None,
    mcp: str | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    fields: list[str] | None = None,
    meta: list[str] | None = None,
    headers: list[str] | None = None,
    blob: str | None = None,
    blob_prefix: str = "",
) -> tuple[Source, str]:
    """The source the options name, and how to call it in the progress bar."""
    named = (("a PATH", path), ("--rest", rest), ("--mcp", mcp), ("--blob", blob))
    given = [n for n, v in named if v is not None]
    if len(given) != 1:
        raise InvalidInput(
            "give exactly one of a PATH, --rest URL, --mcp SERVER or --blob CONTAINER_URL"
            + (f" (got {' and '.join(given)})" if given else "")
        )
    if path is None and blob is None and (include or exclude):
        raise InvalidInput("--include and --exclude choose files: use them with a PATH or --blob")
    if blob is None and blob_prefix:
        raise InvalidInput("--blob-prefix chooses blobs: use it with --blob")
    if rest is None and (fields or meta or headers):
        raise InvalidInput("--field, --meta and --header describe a REST API: use them with --rest")
    if rest is not None:
        timeout = c.settings.tools.timeout_s
        return rest_source(rest, fields or [], meta or [], headers or [], timeout), rest
    if mcp is not None:
        return mcp_source(c, mcp), f"mcp:{mcp}"
    ing = c.settings.ingestion
    globs = (include or ing.include, [*ing.exclude, *(exclude or [])])
    if blob is not None:
        from colonnade.knowledge.blob_source import BlobSource

        source = BlobSource.from_url(
            blob, ing.blob, prefix=blob_prefix, include=globs[0], exclude=globs[1]
        )
        return source, blob
    assert path is not None
    return open_source(path, *globs), str(path)
