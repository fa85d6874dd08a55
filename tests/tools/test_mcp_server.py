"""Colonnade as an MCP server: the official MCP client against ``/mcp`` on a real API
served by uvicorn on loopback, with Colonnade's bearer keys and permission trimming."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(
        tmp_path_factory.mktemp("mcp-api"),
        minilm,
        security={"roles": {"searcher": ["search"]}},
    )


def key(api: Api, role: str, tenant: str = "default") -> str:
    return api.container.api_keys.create(role, tenant=tenant, roles=(role,), created_by="t")[1]


@asynccontextmanager
async def connect(api: Api, token: str) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        transport = streamable_http_client(f"{api.url}/mcp", http_client=http)
        async with Client(transport, cache=None) as client:
            yield client


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    return data


def test_tools_and_resources_over_streamable_http(api: Api) -> None:
    restricted = next(d for d in api.container.store.list_documents(tenant="default") if d.acl)
    reader = key(api, "reader")

    async def run() -> None:
        async with connect(api, reader) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert tools == {"search", "answer", "list_collections", "get_document"}
            found = structured(
                await client.call_tool("search", {"query": "parental leave", "top_k": 3})
            )
            assert found["hits"] and found["hits"][0]["uri"].startswith("colonnade://documents/")
            assert all(h["document_id"] != restricted.id for h in found["hits"])
            cols = structured(await client.call_tool("list_collections", {}))
            assert cols["collections"][0]["name"] == "handbook"
            reply = structured(
                await client.call_tool(
                    "answer", {"question": "How long is parental leave for the primary carer?"}
                )
            )
            assert reply["citations"] and "week" in reply["answer"].lower()
            doc_id = reply["citations"][0]["document_id"]
            doc = structured(await client.call_tool("get_document", {"document_id": doc_id}))
            assert doc["id"] == doc_id and doc["text"]
            # documents as resources: only those the caller may open
            resources = (await client.list_resources()).resources
            uris = {str(r.uri) for r in resources}
            assert f"colonnade://documents/{doc_id}" in uris
            assert f"colonnade://documents/{restricted.id}" not in uris
            read = await client.read_resource(f"colonnade://documents/{doc_id}")
            assert read.contents[0].text == doc["text"]
            hidden = await client.call_tool("get_document", {"document_id": restricted.id})
            assert hidden.is_error and "no document" in hidden.content[0].text

    asyncio.run(run())
    records = list(api.container.audit.records(action="mcp_call"))
    assert {r["tool"] for r in records} >= {"search", "answer", "get_document"}


def test_permission_trimming_and_tenants(api: Api) -> None:
    searcher = key(api, "searcher")
    other = key(api, "reader", tenant="globex")

    async def run() -> None:
        async with connect(api, searcher) as client:
            assert {t.name for t in (await client.list_tools()).tools} == {"search"}
            denied = await client.call_tool("answer", {"question": "parental leave?"})
            assert denied.is_error and "'ask'" in denied.content[0].text
            assert (await client.list_resources()).resources == []
        async with connect(api, other) as client:
            found = structured(await client.call_tool("search", {"query": "parental leave"}))
            assert found["hits"] == []  # another tenant's documents are not there at all

    asyncio.run(run())


def test_no_or_bad_credentials_get_401_problem(api: Api) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"accept": "application/json, text/event-stream"}
    r = httpx.post(f"{api.url}/mcp", json=body, headers=headers)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = httpx.post(
        f"{api.url}/mcp", json=body, headers={**headers, "Authorization": "Bearer col_nope_nope"}
    )
    assert r.status_code == 401 and json.loads(r.text)["status"] == 401

    async def run() -> None:
        with pytest.raises(Exception):  # noqa: B017 - the SDK surfaces the 401 its own way
            async with connect(api, "wrong") as client:
                await client.list_tools()  # pragma: no cover

    asyncio.run(run())
