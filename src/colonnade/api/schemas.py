"""Request and response bodies of the Intelligence API (what the OpenAPI document shows)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from colonnade.conversations import Conversation
from colonnade.identity import ApiKey, Principal
from colonnade.knowledge.models import DEFAULT_TENANT, Filters, SearchMode
from colonnade.orchestration.assistant import AssistantReply

__all__ = [
    "AnswerPart",
    "AnswerRequest",
    "AnswerResponse",
    "CitationOut",
    "CollectionOut",
    "ConversationDetail",
    "ConversationOut",
    "DocumentOut",
    "FiltersIn",
    "Health",
    "IngestRecordOut",
    "IngestResponse",
    "RenameRequest",
    "SearchHitOut",
    "SearchRequest",
    "SearchResponse",
    "TurnOut",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    """Read from the layers' dataclasses by attribute; undeclared fields (ACLs) never leak."""

    model_config = ConfigDict(from_attributes=True)


class FiltersIn(_In):
    collections: list[str] | None = Field(default=None, description="search only these")
    doc_types: list[str] | None = Field(default=None, examples=[["pdf", "markdown"]])
    languages: list[str] | None = Field(default=None, examples=[["en"]])
    source_prefix: str | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    metadata: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="exact matches on document metadata"
    )

    def to_filters(self, principal: Principal | None = None) -> Filters:
        """The caller's filters, with the tenant and ACL of ``principal`` that always apply."""
        return Filters(
            tenant=principal.tenant if principal else DEFAULT_TENANT,
            access=principal.access if principal else None,
            collections=self.collections or None,
            source_prefix=self.source_prefix,
            doc_types=self.doc_types or None,
            languages=self.languages or None,
            modified_after=self.modified_after,
            modified_before=self.modified_before,
            metadata=dict(self.metadata),
        )


class AnswerRequest(_In):
    question: str = Field(min_length=1, examples=["How many days of annual leave do I get?"])
    conversation_id: str | None = Field(
        default=None, description="continue this conversation; omit to start a new one"
    )
    filters: FiltersIn | None = None
    stream: bool = Field(
        default=False,
        description="answer as a text/event-stream: meta, delta..., citations, done "
        "(or error) events",
    )


class CitationOut(_Out):
    number: int = Field(description="the [n] marker in the answer text")
    chunk_id: int
    document_id: str
    title: str
    source_uri: str
    page: int | None
    heading_path: list[str]
    snippet: str = Field(description="the sentence of the passage that supports the answer")
    passage: str = Field(description="the whole retrieved passage")


class AnswerPart(BaseModel):
    """One route of a turn that needed more than the documents."""

    kind: Literal["documents", "prediction", "tool"]
    status: Literal["done", "pending_approval", "failed", "missing"] = Field(
        description="pending_approval: a high-risk tool waits for a person (data.approval)"
    )
    text: str
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="documents: citations; prediction: the model's output; tool: its name, "
        "result, and for a pending call the approval with the exact arguments",
    )


class AnswerResponse(BaseModel):
    conversation_id: str
    turn: int = Field(description="the turn's ordinal in the conversation")
    question: str
    search_query: str = Field(description="the standalone query used for retrieval")
    intent: str = Field(description="documents, chit_chat, prediction, tool or mixed")
    answer: str
    citations: list[CitationOut]
    grounded: bool = Field(description="the answer rests on cited sources")
    related: list[CitationOut] = Field(
        default_factory=list,
        description="when nothing found answers the question: the passages retrieval found "
        "nearest, one per document, to read; the answer does not rest on them",
    )
    confidence: float = Field(ge=0, description="0-1; low values mean weak support")
    generator: str = Field(description="extractive, llm, rules or tools")
    model: str | None = None
    warnings: list[str] = Field(default_factory=list)
    usage: dict[str, int] = Field(default_factory=dict)
    served: dict[str, str | int | float] = Field(
        default_factory=dict,
        description="the LLM deployment that wrote the answer: route, deployment, path, "
        "attempt, cost_usd",
    )
    timings_ms: dict[str, float]
    cache: str = Field(default="off", description="exact, semantic, miss or off")
    guardrails: dict[str, Any] = Field(
        default_factory=dict, description="what the guardrails found and did, when anything"
    )
    parts: list[AnswerPart] = Field(
        default_factory=list,
        description="a turn routed to a prediction or a tool: each route with its status; "
        "empty for documents and small talk",
    )

    @classmethod
    def of(cls, reply: AssistantReply) -> AnswerResponse:
        a = reply.answer
        return cls(
            conversation_id=reply.conversation_id,
            turn=reply.turn,
            question=reply.question,
            search_query=reply.search_query,
            intent=reply.intent.value,
            answer=a.text,
            citations=[CitationOut.model_validate(c) for c in a.citations],
            related=[CitationOut.model_validate(c) for c in a.related],
            grounded=a.grounded,
            confidence=round(a.confidence, 4),
            generator=a.generator,
            model=a.model,
            warnings=a.warnings,
            usage=a.usage,
            served=a.served,
            timings_ms={k: round(v, 2) for k, v in reply.timings_ms.items()},
            cache=reply.cache,
            guardrails=reply.guardrails,
            parts=[AnswerPart.model_validate(p) for p in reply.parts],
        )


class ConversationOut(BaseModel):
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    turns: int

    @classmethod
    def of(cls, c: Conversation) -> ConversationOut:
        return cls(
            id=c.id,
            title=c.title,
            created_at=c.created_at,
            updated_at=c.updated_at,
            turns=c.turn_count,
        )


class TurnOut(_Out):
    ordinal: int
    question: str
    answer: str
    created_at: datetime
    citations: list[CitationOut]
    generator: str
    metadata: dict[str, Any]


class ConversationDetail(ConversationOut):
    summary: str = Field(description="running summary of turns older than the memory window")
    messages: list[TurnOut]

    @classmethod
    def of(cls, c: Conversation) -> ConversationDetail:
        return cls(
            **ConversationOut.of(c).model_dump(),
            summary=c.summary,
            messages=[TurnOut.model_validate(t) for t in c.turns],
        )


class RenameRequest(_In):
    title: str = Field(min_length=1, max_length=200)


class SearchRequest(_In):
    query: str = Field(min_length=1, examples=["hotel limit in London"])
    top_k: int = Field(default=5, ge=1, le=100)
    mode: SearchMode = SearchMode.hybrid
    filters: FiltersIn | None = None


class SearchHitOut(_Out):
    chunk_id: int
    document_id: str
    collection: str
    title: str
    source_uri: str
    doc_type: str
    heading_path: list[str]
    page: int | None
    score: float
    text: str


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    hits: list[SearchHitOut]
    timings_ms: dict[str, float]


class DocumentOut(_Out):
    id: str
    collection: str
    title: str
    source_uri: str
    doc_type: str
    size_bytes: int
    language: str | None
    chunks: int
    metadata: dict[str, Any]
    modified_at: datetime | None
    updated_at: datetime


class FailedFile(_Out):
    source_uri: str
    reason: str
    message: str


class IngestResponse(BaseModel):
    collection: str
    added: int
    updated: int
    skipped: int
    chunks: int
    seconds: float
    documents: list[DocumentOut]
    failed: list[FailedFile]


class IngestJobOut(BaseModel):
    job_id: str
    status_url: str
    files: int


class IngestionStatus(BaseModel):
    """A queued upload: queued, running (done of total files), done (with the report) or
    failed (with the error)."""

    job_id: str
    state: str
    collection: str
    total: int
    done: int = 0
    attempt: int = 0
    report: dict[str, Any] | None = None
    error: str | None = None


class IngestRecordOut(_Out):
    """A finished ingestion: who ran it, how (upload, queue, reingest, cli), when, the counts,
    and its failed files with their reasons (the first 50; ``failed`` counts them all)."""

    id: str
    collection: str
    actor: str
    kind: Literal["upload", "queue", "reingest", "cli"]
    job_id: str | None = None
    started_at: datetime
    finished_at: datetime
    added: int
    updated: int
    skipped: int
    deleted: int
    failed: int
    failures: list[FailedFile]


class CollectionOut(_Out):
    name: str
    description: str
    documents: int
    chunks: int
    created_at: datetime


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = Field(default_factory=dict)


class AccessExplanation(BaseModel):
    document_id: str
    principal: str
    groups: list[str]
    tenant: str
    allowed: bool
    reason: str
    acl: dict[str, list[str]]


class KeyCreate(_In):
    name: str = Field(min_length=1, max_length=100, examples=["nightly-report"])
    roles: list[str] = Field(default_factory=lambda: ["reader"], min_length=1, max_length=20)
    expires_at: datetime | None = Field(default=None, description="none: the key never expires")


class KeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    tenant: str
    roles: list[str]
    state: str = Field(description="active, revoked or expired")
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            tenant=key.tenant,
            roles=list(key.roles),
            state=key.state(datetime.now(UTC)),
            created_by=key.created_by,
            created_at=key.created_at,
            expires_at=key.expires_at,
            revoked_at=key.revoked_at,
            last_used_at=key.last_used_at,
        )


class KeyCreated(KeyOut):
    key: str = Field(description="the key itself: shown this once, never again")


# --- predictions ------------------------------------------------------------------------


class PredictionRequest(BaseModel):
    """Exactly one of ``features``, ``rows``, ``entity_id`` or ``entity_ids``."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())
    model: str = Field(min_length=1, max_length=200, description="a served model, e.g. churn")
    features: dict[str, Any] | None = Field(None, description="one row of feature values")
    rows: list[dict[str, Any]] | None = Field(None, min_length=1, description="several rows")
    entity_id: int | str | None = Field(None, description="look the features up online")
    entity_ids: list[int | str] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one_input(self) -> PredictionRequest:
        given = [
            n
            for n in ("features", "rows", "entity_id", "entity_ids")
            if getattr(self, n) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "send exactly one of features, rows, entity_id or entity_ids"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class PredictionOut(BaseModel):
    prediction: int | None = Field(description="1 when probability >= the model's threshold")
    probability: float | None


class PredictionResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    model: str
    model_version: str | None = Field(description="the registry version that answered")
    step: Literal["champion", "challenger", "fallback", "rules", "default"] = Field(
        description="which step of the degradation chain produced the answer"
    )
    prediction: int | None = Field(None, description="for a single row")
    probability: float | None = Field(None, description="for a single row")
    predictions: list[PredictionOut]
    latency_ms: float


class ServedModel(BaseModel):
    model_config = ConfigDict(protected_namespaces=(), extra="allow")
    model: str
    champion: dict[str, Any]
    challenger: dict[str, Any] | None
    canary_weight: float
    shadow: bool
    fallback: list[str]
    entity: str | None
    threshold: float
    features: list[dict[str, Any]]
    stats: dict[str, dict[str, Any]]
    drifted: list[str] | None


class ServedModels(BaseModel):
    data: list[ServedModel]


class PromoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alias: Literal["staging", "challenger", "champion"] = "champion"
    note: str = Field("", max_length=500)


class ModelVersionOut(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    model: str
    version: str
    status: str
    aliases: list[str]
    metrics: dict[str, float]
    run_id: str
    history: list[dict[str, Any]]
