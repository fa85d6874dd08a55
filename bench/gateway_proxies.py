"""The servers the gateway benchmark starts, each run as its own process:

- ``upstream``: a fast OpenAI-compatible endpoint (fixed answer, whole or streamed);
- ``minimal``: a ~30-line Starlette + httpx pass-through proxy, near the floor for Python.

Usage: python gateway_proxies.py upstream|minimal PORT [UPSTREAM_URL]
"""

from __future__ import annotations

import json
import sys
import time

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

WORDS = ["The", " answer", " is", " forty", "-two", "."]
COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "bench-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "".join(WORDS)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18},
    }
).encode()


def _chunk(delta: dict, finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "bench-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


STREAM = [_chunk({"role": "assistant", "content": ""})] + [_chunk({"content": w}) for w in WORDS]
STREAM_END = [
    _chunk({}, "stop"),
    b'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,'
    b'"model":"bench-model","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":6,'
    b'"total_tokens":18}}\n\n',
    b"data: [DONE]\n\n",
]


def upstream_app() -> Starlette:
    async def completions(request: Request) -> Response:
        body = json.loads(await request.body())
        if not body.get("stream"):
            return Response(COMPLETION, media_type="application/json")

        async def events():
            for part in STREAM + STREAM_END:
                yield part

        return StreamingResponse(events(), media_type="text/event-stream")

    async def models(request: Request) -> Response:
        return Response(
            b'{"object":"list","data":[{"id":"bench-model","object":"model"}]}',
            media_type="application/json",
        )

    return Starlette(
        routes=[
            Route("/v1/chat/completions", completions, methods=["POST"]),
            Route("/v1/models", models),
        ]
    )


# -- the minimal pass-through proxy (what the benchmark calls "minimal") -------------------
def minimal_app(upstream: str) -> Starlette:
    client = httpx.AsyncClient(
        base_url=upstream, timeout=60, limits=httpx.Limits(max_connections=200)
    )

    async def proxy(request: Request) -> Response:
        req = client.build_request(
            "POST",
            "/v1/chat/completions",
            content=await request.body(),
            headers={"content-type": "application/json"},
        )
        upstream_response = await client.send(req, stream=True)
        return StreamingResponse(
            upstream_response.aiter_raw(),
            status_code=upstream_response.status_code,
            media_type=upstream_response.headers.get("content-type"),
            background=BackgroundTask(upstream_response.aclose),
        )

    return Starlette(routes=[Route("/v1/chat/completions", proxy, methods=["POST"])])


if __name__ == "__main__":
    kind, port = sys.argv[1], int(sys.argv[2])
    app = upstream_app() if kind == "upstream" else minimal_app(sys.argv[3])
    time.sleep(0)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
