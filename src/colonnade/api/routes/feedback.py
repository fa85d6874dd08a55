"""Feedback on answers: a rating stored with the turn, counted in ``/metrics``, exported
as an evaluation set for operators."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from pydantic import BaseModel, Field

from colonnade.api.deps import Asker, Auditor, ContainerDep, FeedbackDep
from colonnade.api.governance import audit
from colonnade.api.problems import problems
from colonnade.container import Container
from colonnade.conversations.ports import FeedbackStore

__all__ = ["FeedbackIn", "FeedbackOut", "FeedbackRecord", "count_feedback", "router"]


class FeedbackIn(BaseModel):
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=2000, description="what was good or wrong")


class FeedbackOut(BaseModel):
    conversation_id: str
    turn: int
    rating: Literal["up", "down"]
    comment: str
    collections: list[str]
    generator: str
    rated_at: datetime


class FeedbackRecord(BaseModel):
    """One line of ``GET /v1/admin/feedback``: a rated turn as an evaluation case."""

    question: str
    answer: str
    rating: Literal["up", "down"]
    comment: str
    documents: list[str] = Field(description="the documents the answer cited")
    collections: list[str]
    generator: str = Field(description="what wrote the answer: a model route, or extractive")
    tenant: str
    conversation_id: str
    turn: int
    rated_at: datetime


_NDJSON = {
    "description": "JSON lines, oldest rating first; each line is one FeedbackRecord",
    "content": {"application/x-ndjson": {"schema": FeedbackRecord.model_json_schema()}},
}


class _Counts(Collector):
    """``colonnade_feedback_total`` per collection, generator and rating, read at scrape."""

    def __init__(self, store: FeedbackStore) -> None:
        self.store = store

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "colonnade_feedback",
            "Answers rated by users, per cited collection, generator and rating",
            labels=["collection", "generator", "rating"],
        )
        for c in self.store.counts():
            family.add_metric([c.collection, c.generator, c.rating], c.count)
        yield family


router = APIRouter(tags=["feedback"])


@router.put(
    "/v1/conversations/{conversation_id}/turns/{turn}/feedback",
    response_model=FeedbackOut,
    responses=problems(401, 403, 404, 422, 429),
    summary="Rate an answer (thumbs up or down, with an optional comment); a new rating "
    "replaces the last",
)
def rate_turn(
    conversation_id: str,
    turn: int,
    body: FeedbackIn,
    request: Request,
    principal: Asker,
    container: ContainerDep,
    store: FeedbackDep,
) -> FeedbackOut:
    conversation = container.conversations.get(conversation_id, principal.owner)
    rated = next((t for t in conversation.turns if t.ordinal == turn), None)
    documents = {str(c.get("document_id", "")) for c in (rated.citations if rated else [])}
    collections = {
        doc.collection
        for d in documents - {""}
        if (doc := container.store.get_document(d, tenant=principal.tenant)) is not None
    }
    feedback = store.rate(
        conversation_id,
        turn,
        tenant=principal.tenant,
        owner=principal.owner,
        rating=body.rating,
        comment=body.comment,
        collections=sorted(collections),
    )
    audit(
        request,
        "feedback",
        principal,
        conversation_id=conversation_id,
        turn=turn,
        rating=body.rating,
    )
    return FeedbackOut(
        conversation_id=feedback.conversation_id,
        turn=feedback.turn,
        rating=feedback.rating,
        comment=feedback.comment,
        collections=feedback.collections,
        generator=feedback.generator,
        rated_at=feedback.rated_at,
    )


@router.get(
    "/v1/admin/feedback",
    response_class=StreamingResponse,
    responses={200: _NDJSON, **problems(401, 403, 429)},
    summary="The tenant's rated turns as JSON lines: an evaluation set for "
    "`colonnade eval answers`",
)
def export_feedback(principal: Auditor, store: FeedbackDep) -> StreamingResponse:
    lines = (
        json.dumps(r, ensure_ascii=False) + "\n" for r in store.export(tenant=principal.tenant)
    )
    return StreamingResponse(lines, media_type="application/x-ndjson")


def count_feedback(container: Container) -> None:
    """Serve the ratings' counts in ``/metrics`` (once per registry: apps made again on one
    container share it)."""
    with contextlib.suppress(ValueError):
        container.llm_metrics.registry.register(_Counts(container.feedback))
