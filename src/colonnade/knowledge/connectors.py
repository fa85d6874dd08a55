"""Sources beyond files: a paged JSON REST API, and an MCP server's resources.

Both implement the ``Source`` port, so documents go through the same pipeline (parsers,
chunking, embeddings, ACLs) and the same incremental rules: an unchanged record is
skipped by its content hash, a changed one re-indexed, and one the source no longer lists
deleted (only after a complete listing: a failed page deletes nothing).

ACLs map from the record (``acl_users_field`` / ``acl_groups_field``) or from the
resource's ``_meta`` (``acl: {users, groups}``) to the document's ACL, applied in every
search like a sidecar's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx2

from colonnade.errors import DocumentError, InvalidInput
from colonnade.knowledge.ports import SourceItem

__all__ = ["MCPResourceSource", "RestSource", "RestSourceConfig"]


def _field(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


@dataclass(slots=True)
class RestSourceConfig:
    """Where the records are in each page and which of their fields mean what."""

    url: str
    items_field: str = "items"
    next_field: str = "next"  # a URL or a cursor; absent or null on the last page
    cursor_param: str = "cursor"  # used when next_field holds a cursor, not a URL
    id_field: str = "id"
    title_field: str = "title"
    body_field: str = "body"
    updated_field: str = "updated_at"
    acl_users_field: str | None = None
    acl_groups_field: str | None = None
    metadata_fields: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    max_pages: int = 10_000
    timeout_s: float = 30.0


class RestSource:
    """Every record of a paged JSON API as one Markdown document ``rest+URL#id``."""

    def __init__(
        self, config: RestSourceConfig, *, transport: httpx2.BaseTransport | None = None
    ) -> None:
        self.config = config
        self._transport = transport
        self._records: dict[str, Mapping[str, Any]] = {}
        self._complete = False

    @property
    def scope(self) -> str:
        return f"rest+{self.config.url}#"

    @property
    def complete_listing(self) -> bool:
        return self._complete

    def _pages(self, client: httpx2.Client) -> Iterator[list[Mapping[str, Any]]]:
        c = self.config
        url: str | None = c.url
        params: dict[str, str] = {}
        for _ in range(c.max_pages):
            if url is None:
                return
            try:
                response = client.get(url, params=params)
                response.raise_for_status()
                page = response.json()
            except (httpx2.HTTPError, ValueError) as exc:
                raise DocumentError("unreadable", f"cannot read page {url}: {exc}") from exc
            records = _field(page, c.items_field)
            if not isinstance(records, list):
                raise DocumentError(
                    "unreadable", f"{url}: no list at {c.items_field!r} (set items_field)"
                )
            yield [r for r in records if isinstance(r, Mapping)]
            nxt = _field(page, c.next_field)
            if not nxt:
                return
            if isinstance(nxt, str) and nxt.startswith(("http://", "https://", "/")):
                url, params = str(response.url.join(nxt)), {}
            else:
                url, params = c.url, {c.cursor_param: str(nxt)}
        raise DocumentError("unreadable", f"{c.url}: more than {c.max_pages} pages")

    def items(self) -> Iterator[SourceItem]:
        c = self.config
        self._records, self._complete = {}, False
        with httpx2.Client(
            headers=c.headers, timeout=c.timeout_s, transport=self._transport
        ) as client:
            for page in self._pages(client):
                for record in page:
                    rid = _field(record, c.id_field)
                    if rid is None:
                        continue
                    key = str(rid)
                    self._records[key] = record
        self._complete = True
        for key, record in self._records.items():
            body = self._render(record)
            yield SourceItem(
                uri=f"{self.scope}{quote(key, safe='')}",
                name=f"{re.sub(r'[^A-Za-z0-9._-]+', '-', key)}.md",
                size_bytes=len(body),
                modified_at=_when(_field(record, c.updated_field)),
            )

    def _key(self, item: SourceItem) -> str:
        from urllib.parse import unquote

        return unquote(item.uri.removeprefix(self.scope))

    def _render(self, record: Mapping[str, Any]) -> bytes:
        c = self.config
        title = str(_field(record, c.title_field) or _field(record, c.id_field))
        body = _field(record, c.body_field)
        return f"# {title}\n\n{body if body is not None else ''}\n".encode()

    def read(self, item: SourceItem) -> bytes:
        record = self._records.get(self._key(item))
        if record is None:
            raise DocumentError("unreadable", f"{item.uri} was not in the listing")
        return self._render(record)

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        c = self.config
        record = self._records.get(self._key(item), {})
        meta: dict[str, object] = {
            name: _field(record, name)
            for name in c.metadata_fields
            if _field(record, name) is not None
        }
        meta["title"] = str(_field(record, c.title_field) or "")
        acl: dict[str, list[str]] = {}
        if c.acl_users_field:
            acl["users"] = _names(_field(record, c.acl_users_field))
        if c.acl_groups_field:
            acl["groups"] = _names(_field(record, c.acl_groups_field))
        if any(acl.values()):
            meta["acl"] = acl
        return meta


class MCPResourceSource:
    """Every text resource an MCP server lists, as a document under ``mcp+NAME:``.

    The listing and the reads happen in one MCP session when ``items()`` is called (the
    pipeline is synchronous; the session runs on its own event loop).
    """

    EXTENSIONS: ClassVar[dict[str, str]] = {
        "text/markdown": ".md",
        "text/html": ".html",
        "text/plain": ".txt",
    }

    def __init__(self, name: str, server: Any, *, timeout_s: float = 30.0) -> None:
        self.name = name
        self.server = server  # colonnade.settings.MCPServerSettings
        self.timeout_s = timeout_s
        self._docs: dict[str, tuple[bytes, dict[str, object]]] = {}
        self._complete = False

    @property
    def scope(self) -> str:
        return f"mcp+{self.name}:"

    @property
    def complete_listing(self) -> bool:
        return self._complete

    async def _fetch(self) -> list[SourceItem]:
        from contextlib import AsyncExitStack

        from mcp import Client, StdioServerParameters
        from mcp.client.streamable_http import streamable_http_client
        from mcp_types import TextResourceContents

        s = self.server
        items: list[SourceItem] = []
        async with AsyncExitStack() as stack:
            if s.command is not None:
                target: Any = StdioServerParameters(
                    command=s.command, args=s.args, env=s.env or None
                )
            else:
                token = s.token.get_secret_value() if s.token else None
                http = await stack.enter_async_context(
                    httpx2.AsyncClient(
                        headers={"Authorization": f"Bearer {token}"} if token else None,
                        timeout=self.timeout_s,
                    )
                )
                target = streamable_http_client(s.url, http_client=http)
            client = await stack.enter_async_context(
                Client(target, read_timeout_seconds=self.timeout_s, cache=None)
            )
            listed = await client.list_resources()
            for resource in listed.resources:
                mime = resource.mime_type or "text/plain"
                if not mime.startswith("text/"):
                    continue
                uri = str(resource.uri)
                read = await client.read_resource(uri)
                text = "".join(c.text for c in read.contents if isinstance(c, TextResourceContents))
                meta: dict[str, object] = {"title": resource.title or resource.name}
                extra = resource.meta or {}
                acl = extra.get("acl") if isinstance(extra, Mapping) else None
                if isinstance(acl, Mapping):
                    given = {k: _names(acl.get(k)) for k in ("users", "groups")}
                    # only the lists it names; one naming nobody stays empty and fails closed
                    meta["acl"] = {k: v for k, v in given.items() if v} or given
                for key, value in extra.items() if isinstance(extra, Mapping) else []:
                    if key != "acl" and isinstance(value, str | int | float | bool):
                        meta[key] = value
                data = text.encode()
                ours = f"{self.scope}{uri}"
                self._docs[ours] = (data, meta)
                stem = re.sub(r"[^A-Za-z0-9._-]+", "-", resource.name)[:80] or "resource"
                items.append(
                    SourceItem(ours, stem + self.EXTENSIONS.get(mime, ".txt"), len(data), None)
                )
        return items

    def items(self) -> Iterator[SourceItem]:
        import anyio

        self._docs, self._complete = {}, False
        try:
            items = anyio.run(self._fetch)
        except Exception as exc:
            raise InvalidInput(
                f"cannot read the resources of MCP server {self.name}: {exc}"
            ) from exc
        self._complete = True
        yield from items

    def read(self, item: SourceItem) -> bytes:
        return self._docs[item.uri][0]

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        return dict(self._docs[item.uri][1])
