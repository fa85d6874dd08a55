"""``POST /v1/answers``: a grounded answer with citations, as JSON or a stream."""

from __future__ import annotations

from itertools import chain

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from colonnade.api.deps import AssistantDep, PrincipalDep
from colonnade.api.problems import problems
from colonnade.api.schemas import AnswerRequest, AnswerResponse
from colonnade.api.sse import answer_events

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["answers"])

_STREAM_DOC = {
    "description": "the answer as JSON, or with `stream: true` as server-sent events",
    "content": {
        "text/event-stream": {
            "schema": {"type": "string"},
            "example": 'event: meta\ndata: {"conversation_id":"..."}\n\n'
            'event: delta\ndata: {"text":"New employees get 25 days [1]"}\n\n'
            'event: citations\ndata: {"citations":[...]}\n\n'
            "event: done\ndata: {...the AnswerResponse...}\n\n",
        }
    },
}


@router.post(
    "/answers",
    response_model=AnswerResponse,
    responses={200: _STREAM_DOC, **problems(401, 404, 409, 413, 422, 502, 503)},
    summary="Answer a question from the documents the caller can access",
)
def create_answer(
    body: AnswerRequest, request: Request, principal: PrincipalDep, assistant: AssistantDep
) -> AnswerResponse | StreamingResponse:
    events = assistant.stream(
        body.question,
        owner=principal.user,
        conversation_id=body.conversation_id,
        filters=body.filters.to_filters() if body.filters else None,
    )
    # the first step (validation, the conversation) runs here, so its errors are
    # proper HTTP statuses rather than events in a stream that has begun
    first = next(events)
    if body.stream:
        request_id = str(request.scope.get("state", {}).get("request_id", ""))
        return StreamingResponse(
            answer_events(chain([first], events), request.url.path, request_id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    for event in chain([first], events):
        reply = getattr(event, "reply", None)
        if reply is not None:
            return AnswerResponse.of(reply)
    raise AssertionError("the assistant's stream ends with its reply")
