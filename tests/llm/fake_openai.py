"""A scripted OpenAI-compatible chat completions server, for running on loopback.

It stands in for a managed endpoint that cannot run here and injects faults
(5xx, cut streams); it speaks the wire protocol the official SDK expects,
streaming included, with ``stream_options.include_usage``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass
class Script:
    """What the next calls answer: text (split into streamed pieces) or an HTTP status."""

    replies: list[str | int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    cut_after: int | None = None  # close the stream after this many pieces

    def next(self) -> str | int:
        return self.replies.pop(0) if self.replies else "I could not find anything."


def _chunk(model: str, content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def fake_openai_app(script: Script) -> Starlette:
    async def completions(request: Request) -> Response:
        body = await request.json()
        script.requests.append(body)
        reply = script.next()
        model = body["model"]
        if isinstance(reply, int):
            return JSONResponse(
                {"error": {"message": f"scripted failure {reply}", "type": "server_error"}},
                status_code=reply,
            )
        pieces = [w + " " for w in reply.split(" ")]
        pieces[-1] = pieces[-1].rstrip()
        usage = {
            "prompt_tokens": 120,
            "completion_tokens": len(pieces),
            "total_tokens": 120 + len(pieces),
        }
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            )

        def events() -> Iterator[bytes]:
            for n, piece in enumerate(pieces):
                if script.cut_after is not None and n >= script.cut_after:
                    return
                yield f"data: {json.dumps(_chunk(model, piece))}\n\n".encode()
            yield f"data: {json.dumps(_chunk(model, None, 'stop'))}\n\n".encode()
            final = {**_chunk(model, None), "choices": [], "usage": usage}
            yield f"data: {json.dumps(final)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])
