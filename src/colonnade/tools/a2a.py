"""A remote A2A agent as one tool: the question goes out as a message, the agent's reply
(its message, or the artifacts of the task it finished) comes back as text.

The official ``a2a-sdk`` client resolves the agent card once and keeps the client.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import httpx
from a2a.client import A2AClientError, A2AClientTimeoutError, Client, ClientConfig, create_client
from a2a.helpers.proto_helpers import get_stream_response_text
from a2a.types import Message, Part, Role, SendMessageRequest, TaskState

from colonnade.identity.principal import Principal
from colonnade.settings import A2AAgentSettings
from colonnade.tools.ports import ToolError, ToolResult, ToolSpec

__all__ = ["A2AAgentTool"]

_FAILED = {
    TaskState.TASK_STATE_FAILED,
    TaskState.TASK_STATE_REJECTED,
    TaskState.TASK_STATE_CANCELED,
}


class A2AAgentTool:
    def __init__(
        self,
        name: str,
        url: str,
        *,
        description: str,
        risk: Any = "read",
        headers: Mapping[str, str] | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self.url = url
        self._spec = ToolSpec(
            name,
            description or f"Ask the A2A agent at {url}",
            {
                "type": "object",
                "properties": {"message": {"type": "string", "minLength": 1, "maxLength": 8000}},
                "required": ["message"],
                "additionalProperties": False,
            },
            risk=risk,
            source="a2a",
        )
        self._http = httpx.AsyncClient(headers=dict(headers or {}), timeout=timeout_s)
        self._client: Client | None = None

    @classmethod
    def from_settings(cls, name: str, s: A2AAgentSettings) -> A2AAgentTool:
        headers = {"Authorization": f"Bearer {s.token.get_secret_value()}"} if s.token else None
        return cls(name, s.url, description=s.description, risk=s.risk, headers=headers)

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def _connect(self) -> Client:
        if self._client is None:
            self._client = await create_client(
                self.url, client_config=ClientConfig(streaming=False, httpx_client=self._http)
            )
        return self._client

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        name = self._spec.name
        message = Message(
            role=Role.ROLE_USER,
            message_id=str(uuid.uuid4()),
            parts=[Part(text=str(arguments["message"]))],
        )
        texts: list[str] = []
        state: int | None = None
        try:
            client = await self._connect()
            async for event in client.send_message(SendMessageRequest(message=message)):
                text = get_stream_response_text(event)
                if text:
                    texts.append(text)
                if event.HasField("task"):
                    state = event.task.status.state
                elif event.HasField("status_update"):
                    state = event.status_update.status.state
        except A2AClientTimeoutError as exc:
            raise ToolError(
                f"A2A agent {name} timed out", tool=name, retryable=True, kind="timeout"
            ) from exc
        except (A2AClientError, httpx.TransportError) as exc:
            raise ToolError(
                f"A2A agent {name} failed: {exc}", tool=name, retryable=True, kind="connection"
            ) from exc
        reply = "\n".join(dict.fromkeys(texts))
        return ToolResult(text=reply, is_error=state in _FAILED, meta={"state": state})

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
        await self._http.aclose()
