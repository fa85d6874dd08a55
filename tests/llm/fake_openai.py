"""A scripted OpenAI-compatible chat completions server, for running on loopback.

It stands in for a managed endpoint that cannot run here and injects faults:
each reply is text or a ``Fault`` (an HTTP status with ``Retry-After``, a slow
or silent upstream, a content-filter refusal, a context-length error, a stream
cut mid-way). It speaks the wire protocol the official SDK expects, streaming
included, with ``stream_options.include_usage``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass
class Fault:
    """One scripted misbehaviour."""

    status: int | None = None  # answer this HTTP status
    retry_after: float | None = None
    code: str | None = None  # error code: content_filter, context_length_exceeded
    delay_s: float = 0.0  # wait this long before answering (a slow or silent upstream)
    finish: str | None = None  # end the answer with this finish reason (content_filter)
    cut_after: int | None = None  # close a stream after this many pieces
    text: str = "Slow but fine."


@dataclass
class Script:
    """What the next calls answer, in order; the default once the list runs out."""

    replies: list[str | int | Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    clients: list[tuple[str, int]] = field(default_factory=list)  # the connection of each
    cut_after: int | None = None  # close every stream after this many pieces
    default: str | int | Fault = "I could not find anything."
    usage: bool = True  # send usage (some servers do not)
    # answer the assistant's follow-up rewrite with the question as asked, leaving replies
    echo_rewrites: bool = False

    def rewrite(self, body: dict[str, Any]) -> Fault | None:
        if not self.echo_rewrites:
            return None
        prompt = str(body["messages"][-1].get("content") or "")
        if not prompt.startswith("Rewrite the employee's last message"):
            return None
        return Fault(text=prompt.rsplit("Employee's last message:", 1)[-1].strip())

    def next(self) -> Fault:
        reply = self.replies.pop(0) if self.replies else self.default
        if isinstance(reply, Fault):
            return reply
        if isinstance(reply, int):
            return Fault(status=reply)
        return Fault(text=reply, cut_after=self.cut_after)


def _chunk(
    model: str, content: str | None, finish: str | None = None, **delta: Any
) -> dict[str, Any]:
    d: dict[str, Any] = {"content": content} if content is not None else {}
    d.update(delta)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": d, "finish_reason": finish}],
    }


def _tool_calls(body: dict[str, Any]) -> list[dict[str, Any]] | None:
    tools = body.get("tools")
    if not tools:
        return None
    name = tools[0]["function"]["name"]
    return [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": name, "arguments": '{"city": "Oslo"}'},
        }
    ]


def fake_openai_app(script: Script, *, name: str = "fake") -> Starlette:
    async def completions(request: Request) -> Response:
        body = await request.json()
        script.requests.append(body)
        if request.client is not None:
            script.clients.append((request.client.host, request.client.port))
        fault = script.rewrite(body) or script.next()
        model = body["model"]
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault.status is not None:
            headers = (
                {"retry-after": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            )
            message = f"scripted failure {fault.status} from {name}"
            if fault.code == "context_length_exceeded":
                message = "This model's maximum context length is 512 tokens."
            elif fault.code == "content_filter":
                message = "The response was filtered due to the prompt triggering content management policy."
            return JSONResponse(
                {
                    "error": {
                        "message": message,
                        "type": "invalid_request_error",
                        "code": fault.code,
                    }
                },
                status_code=fault.status,
                headers=headers,
            )
        reply = fault.text
        finish = fault.finish or "stop"
        tool_calls = _tool_calls(body)
        pieces = [w + " " for w in reply.split(" ")]
        pieces[-1] = pieces[-1].rstrip()
        usage = {
            "prompt_tokens": 120,
            "completion_tokens": len(pieces),
            "total_tokens": 120 + len(pieces),
        }
        if not body.get("stream"):
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None if tool_calls else reply,
            }
            if tool_calls:
                message["tool_calls"] = tool_calls
                finish = "tool_calls"
            if body.get("response_format", {}).get("type") == "json_object":
                message["content"] = json.dumps({"answer": reply})
            out: dict[str, Any] = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            }
            if script.usage:
                out["usage"] = usage
            return JSONResponse(out, headers={"x-upstream": name})

        async def events() -> AsyncIterator[bytes]:
            yield f"data: {json.dumps(_chunk(model, None, role='assistant'))}\n\n".encode()
            if tool_calls:
                yield f"data: {json.dumps(_chunk(model, None, tool_calls=[{**tool_calls[0], 'index': 0}]))}\n\n".encode()
                yield f"data: {json.dumps(_chunk(model, None, 'tool_calls'))}\n\n".encode()
            else:
                for n, piece in enumerate(pieces):
                    if fault.cut_after is not None and n >= fault.cut_after:
                        return
                    yield f"data: {json.dumps(_chunk(model, piece))}\n\n".encode()
                    await asyncio.sleep(0)
                yield f"data: {json.dumps(_chunk(model, None, finish))}\n\n".encode()
            if script.usage and (body.get("stream_options") or {}).get("include_usage"):
                final = {**_chunk(model, None), "choices": [], "usage": usage}
                yield f"data: {json.dumps(final)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])
