"""Server-sent events for a streamed answer.

``meta`` (conversation, standalone query), ``delta`` (answer text, in order),
``citations``, then ``done`` with the whole answer object. A failure after the
stream started ends it with an ``error`` event carrying a problem document,
never with a silent truncated answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from starlette.types import Scope

from colonnade.api.problems import problem_document
from colonnade.api.schemas import AnswerResponse, CitationOut
from colonnade.errors import ColonnadeError
from colonnade.observability import get_logger
from colonnade.orchestration.assistant import Finished, Started
from colonnade.orchestration.models import TextDelta

__all__ = ["answer_events", "sse"]

log = get_logger(__name__)


def sse(event: str, data: Any) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def answer_events(
    events: Iterator[Started | TextDelta | Finished], scope: Scope
) -> Iterator[bytes]:
    try:
        for event in events:
            if isinstance(event, Started):
                yield sse(
                    "meta",
                    {
                        "conversation_id": event.conversation_id,
                        "question": event.question,
                        "search_query": event.search_query,
                        "intent": event.intent.value,
                    },
                )
            elif isinstance(event, TextDelta):
                yield sse("delta", {"text": event.text})
            else:
                body = AnswerResponse.of(event.reply)
                yield sse(
                    "citations",
                    {"citations": [CitationOut.model_dump(c) for c in body.citations]},
                )
                yield sse("done", body.model_dump(mode="json"))
    except ColonnadeError as exc:
        log.warning("stream_failed", code=exc.code, detail=exc.message)
        title = "The answer could not be completed"
        problem = problem_document(
            scope, exc.status_code, exc.code, exc.public_message, title=title
        )
        yield sse("error", problem)
