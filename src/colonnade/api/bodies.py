"""Refuses JSON request bodies nested deeper than ``api.max_json_depth`` before any parser
sees them: Python's ``json`` recurses per level and a body of a few hundred kilobytes of
brackets would end in ``RecursionError`` (a 500) instead of an answer that says what to fix.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from colonnade.api.middleware import send_problem
from colonnade.api.problems import OPENAI_PATHS, openai_error
from colonnade.knowledge.limits import json_depth

__all__ = ["JsonDepthLimit"]

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class JsonDepthLimit:
    """Reads a JSON body whole (the body size limit around it bounds it), measures its
    nesting without recursion, and passes it on unchanged when it is within the limit."""

    def __init__(self, app: ASGIApp, max_depth: int) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"").lower()
        if b"json" not in content_type:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if json_depth(body, self.max_depth) > self.max_depth:
            await self._refuse(scope, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        detail = (
            f"the JSON body nests deeper than {self.max_depth} levels: send flat objects "
            "and lists (api.max_json_depth)"
        )
        if scope["path"] in OPENAI_PATHS:
            request_id = scope.get("state", {}).get("request_id", "")
            data = json.dumps(openai_error(400, "too_deep", detail, request_id)).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(data)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": data})
            return
        await send_problem(scope, send, 422, "too_deep", detail)
