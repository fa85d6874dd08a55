"""``POST /v1/answers``: a grounded answer with citations, as JSON or a stream."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from anyio import from_thread
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from colonnade.api.deps import Asker, AssistantDep, ContainerDep
from colonnade.api.governance import audit, question, reserve_tokens, settle_tokens
from colonnade.api.problems import problems
from colonnade.api.schemas import AnswerRequest, AnswerResponse
from colonnade.api.sse import answer_events
from colonnade.api.token_quota import Reservation, answer_tokens_bound
from colonnade.identity import Principal
from colonnade.knowledge.models import Filters
from colonnade.observability.audit import Stopwatch
from colonnade.orchestration.assistant import AssistantReply, Finished, Started
from colonnade.orchestration.models import TextDelta

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["answers"])

_STREAM_DOC = {
    "description": "the answer as JSON, or with `stream: true` as server-sent events",
    "content": {
        "text/event-stream": {
            "schema": {
                "type": "object",
                "description": "one server-sent event: meta, delta, citations, done or error",
                "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
            },
            "example": 'event: meta\ndata: {"conversation_id":"..."}\n\n'
            'event: delta\ndata: {"text":"New employees get 25 days [1]"}\n\n'
            'event: citations\ndata: {"citations":[...]}\n\n'
            "event: done\ndata: {...the AnswerResponse...}\n\n",
        }
    },
}


def _audited(
    events: Iterator[Started | TextDelta | Finished],
    request: Request,
    principal: Principal,
    text: str,
    watch: Stopwatch,
    reservation: Reservation | None = None,
) -> Iterator[Started | TextDelta | Finished]:
    """The events as they are, with one audit record when the reply is known (or fails),
    and the model tokens settled with what the answer really used (a failure keeps the
    reservation: the model may have spent it)."""
    status = "failed"
    try:
        for event in events:
            if isinstance(event, Finished):
                status = "ok"
                used = event.reply.answer.usage or {}
                spent = int(used.get("prompt_tokens", 0)) + int(used.get("completion_tokens", 0))
                from_thread.run(settle_tokens, request, reservation, spent)
                _audit_reply(request, principal, event.reply, text, watch)
            yield event
    finally:
        if status != "ok":
            audit(
                request,
                "answer",
                principal,
                status=status,
                latency_ms=watch.ms,
                **question(request, text),
            )


def _audit_reply(
    request: Request, principal: Principal, reply: AssistantReply, text: str, watch: Stopwatch
) -> None:
    audit(
        request,
        "answer",
        principal,
        latency_ms=watch.ms,
        status="ok",
        **reply.audit_fields(),
        **question(request, text),
    )


@router.post(
    "/answers",
    response_model=AnswerResponse,
    responses={200: _STREAM_DOC, **problems(401, 403, 404, 409, 413, 422, 429, 502, 503)},
    summary="Answer a question from the documents the caller can access, or route it by "
    "intent to a prediction or a tool",
)
def create_answer(
    body: AnswerRequest,
    request: Request,
    principal: Asker,
    assistant: AssistantDep,
    container: ContainerDep,
) -> AnswerResponse | StreamingResponse:
    watch = Stopwatch()
    filters = (
        body.filters.to_filters(principal)
        if body.filters
        else Filters(tenant=principal.tenant, access=principal.access)
    )
    entry = container.routed_assistant
    route = from_thread.run(entry.route, principal, body.question)
    stream: Iterator[Started | TextDelta | Finished]
    if route is None:  # documents and small talk, as the assistant answers them
        most = answer_tokens_bound(container, body.question)
        reservation = from_thread.run(reserve_tokens, request, principal, most) if most else None
        stream = assistant.stream(
            body.question,
            owner=principal.owner,
            conversation_id=body.conversation_id,
            filters=filters,
        )
    else:  # a prediction or a tool, with the documents part (if any) answered as before
        entry.check_conversation(body.conversation_id, principal.owner)
        docs = route.documents
        most = answer_tokens_bound(container, docs) if docs else 0
        reservation = from_thread.run(reserve_tokens, request, principal, most) if most else None
        parts = from_thread.run(entry.act, principal, route)
        stream = entry.stream(
            route,
            parts,
            owner=principal.owner,
            conversation_id=body.conversation_id,
            filters=filters,
        )
    events = _audited(
        stream,
        request,
        principal,
        body.question,
        watch,
        reservation,
    )
    # the first step (validation, the conversation) runs here, so its errors are
    # proper HTTP statuses rather than events in a stream that has begun
    try:
        first = next(events)
    except BaseException:
        from_thread.run(settle_tokens, request, reservation, 0)  # no model was asked yet
        raise
    if body.stream:
        return StreamingResponse(
            answer_events(chain([first], events), request.scope),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    for event in chain([first], events):
        if isinstance(event, Finished):
            return AnswerResponse.of(event.reply)
    raise AssertionError("the assistant's stream ends with its reply")
