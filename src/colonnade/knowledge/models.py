"""Values that flow through the knowledge layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from colonnade.vocabulary import Access

__all__ = [
    "DEFAULT_TENANT",
    "Access",
    "Block",
    "Chunk",
    "Collection",
    "DocumentInfo",
    "FileFailure",
    "Filters",
    "IndexInfo",
    "IngestReport",
    "NewDocument",
    "ParsedDocument",
    "ScoredChunk",
    "SearchHit",
    "SearchMode",
    "SearchResult",
]


DEFAULT_TENANT = "default"


@dataclass(slots=True)
class Block:
    """A run of text from a parser: a heading, a paragraph, a table, a page part."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    is_heading: bool = False


@dataclass(slots=True)
class ParsedDocument:
    title: str
    blocks: list[Block]
    doc_type: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Chunk:
    ordinal: int
    text: str
    heading_path: tuple[str, ...]
    page: int | None
    start_char: int
    end_char: int
    token_count: int


@dataclass(slots=True)
class NewDocument:
    """A parsed, chunked, enriched document ready to be written atomically."""

    collection: str
    source_uri: str
    title: str
    doc_type: str
    content_hash: str
    fingerprint: str
    size_bytes: int
    modified_at: datetime | None
    language: str | None
    text: str
    chunks: list[Chunk]
    metadata: dict[str, Any] = field(default_factory=dict)
    acl: dict[str, list[str]] = field(default_factory=dict)
    tenant: str = DEFAULT_TENANT


@dataclass(slots=True, frozen=True)
class Collection:
    name: str
    description: str
    documents: int
    chunks: int
    created_at: datetime


@dataclass(slots=True, frozen=True)
class DocumentInfo:
    id: str
    collection: str
    source_uri: str
    title: str
    doc_type: str
    content_hash: str
    fingerprint: str
    size_bytes: int
    modified_at: datetime | None
    language: str | None
    chunks: int
    metadata: dict[str, Any]
    acl: dict[str, list[str]]
    updated_at: datetime


@dataclass(slots=True, frozen=True)
class IndexInfo:
    """One version of the vector index: which model built it."""

    id: int
    model: str
    dimension: int
    status: str
    vectors: int


@dataclass(slots=True)
class Filters:
    """Metadata filters applied inside the search query, before top-k.

    ``tenant`` and ``access`` are set by the API from the principal, never by the caller:
    they trim the candidates inside each search, so ranking and top-k only ever see
    documents the asker may open.
    """

    tenant: str = DEFAULT_TENANT
    access: Access | None = None
    collections: list[str] | None = None
    source_prefix: str | None = None
    doc_types: list[str] | None = None
    languages: list[str] | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    metadata: dict[str, str | int | float | bool] = field(default_factory=dict)
    document_ids: list[str] | None = None

    def is_empty(self) -> bool:
        return not (
            self.collections
            or self.source_prefix
            or self.doc_types
            or self.languages
            or self.modified_after
            or self.modified_before
            or self.metadata
            or self.document_ids is not None
        )


@dataclass(slots=True, frozen=True)
class ScoredChunk:
    chunk_id: int
    score: float


class SearchMode(StrEnum):
    keyword = "keyword"
    vector = "vector"
    hybrid = "hybrid"


@dataclass(slots=True)
class SearchHit:
    """A retrieved chunk with everything a citation needs."""

    chunk_id: int
    document_id: str
    collection: str
    title: str
    source_uri: str
    doc_type: str
    heading_path: tuple[str, ...]
    page: int | None
    start_char: int
    end_char: int
    text: str
    score: float
    keyword_rank: int | None = None
    vector_rank: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    version: str = ""  # the document's content hash: which version of it was retrieved


@dataclass(slots=True)
class SearchResult:
    query: str
    mode: SearchMode
    hits: list[SearchHit]
    timings_ms: dict[str, float]


@dataclass(slots=True, frozen=True)
class FileFailure:
    source_uri: str
    reason: str
    message: str


@dataclass(slots=True)
class IngestReport:
    collection: str
    seen: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    deleted: int = 0
    failed: list[FileFailure] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed
