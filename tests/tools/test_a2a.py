"""Colonnade as an A2A agent, called by the a2a-sdk client over loopback; and the A2A
tool adapter calling that agent under governance (both ends real)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
from a2a.client import A2ACardResolver, ClientConfig, create_client
from a2a.helpers.proto_helpers import get_stream_response_text
from a2a.types import Message, Part, Role, SendMessageRequest

from colonnade.identity import Principal
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.settings import ToolsSettings
from colonnade.tools.a2a import A2AAgentTool
from colonnade.tools.governance import ToolGateway
from colonnade.tools.ports import ToolError, ToolRegistry
from tests.api.conftest import Api, start_api


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(tmp_path_factory.mktemp("a2a-api"), minilm)


def ask(api: Api, token: str | None, text: str) -> list[str]:
    async def run() -> list[str]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(headers=headers, timeout=60) as http:
            client = await create_client(
                api.url, client_config=ClientConfig(streaming=False, httpx_client=http)
            )
            message = Message(
                role=Role.ROLE_USER, message_id=str(uuid.uuid4()), parts=[Part(text=text)]
            )
            out = [
                get_stream_response_text(event)
                async for event in client.send_message(SendMessageRequest(message=message))
            ]
            await client.close()
            return out

    return asyncio.run(run())


def test_agent_card_names_the_assistant_skill_and_this_host(api: Api) -> None:
    async def run() -> None:
        async with httpx.AsyncClient() as http:
            card = await A2ACardResolver(http, api.url).get_agent_card()
        assert card.name == "Colonnade"
        assert [s.id for s in card.skills] == ["assistant"]
        assert card.supported_interfaces[0].url == f"{api.url}/a2a/jsonrpc"

    asyncio.run(run())


def test_sdk_client_gets_a_cited_answer(api: Api) -> None:
    replies = ask(api, api.key, "How long is parental leave for the primary carer?")
    text = "\n".join(replies)
    assert "week" in text.lower() and "Sources:" in text and "[1]" in text
    assert any(r["action"] == "a2a_message" for r in api.container.audit.records())


def test_without_credentials_the_agent_refuses(api: Api) -> None:
    with pytest.raises(Exception):  # noqa: B017 - the SDK maps the 401 to its own error types
        ask(api, None, "How long is parental leave?")
    r = httpx.post(f"{api.url}/a2a/jsonrpc", json={"jsonrpc": "2.0", "id": 1, "method": "x"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"


def test_a2a_agent_as_a_governed_tool(api: Api) -> None:
    settings = ToolsSettings()
    who = Principal("default", "alice", permissions=frozenset({"tool:colonnade_agent"}))
    nobody = Principal("default", "bob", permissions=frozenset({"tool:other"}))

    async def run() -> None:
        tool = A2AAgentTool(
            "colonnade_agent",
            api.url,
            description="Ask Colonnade",
            headers={"Authorization": f"Bearer {api.key}"},
        )
        gateway = ToolGateway(ToolRegistry([tool]), settings, approvals=None, audit=None)
        outcome = await gateway.call(
            who, "colonnade_agent", {"message": "What is the hotel limit in London?"}
        )
        assert outcome.status == "done" and "Sources:" in outcome.text
        with pytest.raises(Exception, match="tool:colonnade_agent"):
            await gateway.call(nobody, "colonnade_agent", {"message": "hi"})
        await tool.aclose()
        unreachable = A2AAgentTool("gone", "http://127.0.0.1:9", description="nothing there")
        with pytest.raises(ToolError, match="A2A agent gone failed"):
            await unreachable.call({"message": "hi"}, who)
        await unreachable.aclose()

    asyncio.run(run())
