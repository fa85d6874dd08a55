"""The knowledge layer's ports: what it needs from sources, parsers, models and stores.

Adapters live beside this module (``stores/sqlite.py``, ``embeddings/onnx_minilm.py``);
each port has one contract test suite that every adapter's tests reuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from colonnade.knowledge.models import (
    DEFAULT_TENANT,
    Access,
    Collection,
    DocumentInfo,
    Filters,
    IndexInfo,
    NewDocument,
    ParsedDocument,
    ScoredChunk,
    SearchHit,
    SearchMode,
    SearchResult,
)

__all__ = [
    "Embedder",
    "KnowledgeStore",
    "Parser",
    "Searcher",
    "Source",
    "SourceItem",
    "TokenCounter",
    "Vectors",
]

Vectors = npt.NDArray[np.float32]


@dataclass(slots=True, frozen=True)
class SourceItem:
    """One file-like object a source offers for ingestion."""

    uri: str
    name: str
    size_bytes: int
    modified_at: datetime | None
    # a token that changes whenever the content does (a blob's ETag): when the indexed
    # document carries the same one, the item is skipped without being read
    version: str | None = None


@runtime_checkable
class Source(Protocol):
    """Where documents come from: a folder, a file, later Blob/S3/SharePoint."""

    @property
    def scope(self) -> str:
        """URI prefix this source owns: documents under it that it no longer lists are deleted."""
        ...

    @property
    def complete_listing(self) -> bool:
        """True when items() lists everything under scope (so absence means deletion)."""
        ...

    def items(self) -> Iterator[SourceItem]: ...

    def read(self, item: SourceItem) -> bytes: ...

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]: ...


@runtime_checkable
class Parser(Protocol):
    """Turns the bytes of one file type into blocks with structure."""

    doc_type: str
    extensions: tuple[str, ...]

    def parse(self, data: bytes, name: str) -> ParsedDocument: ...


@runtime_checkable
class TokenCounter(Protocol):
    def count(self, text: str) -> int: ...


@runtime_checkable
class Embedder(Protocol):
    """Text in, unit-length float32 vectors out."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


@runtime_checkable
class KnowledgeStore(Protocol):
    """Collections, documents, chunks, keyword index and versioned vectors.

    Writes of one document are atomic: a reader sees the old version or the
    new one, never a mix. Filters apply inside each search, before top-k.
    """

    # collections: each belongs to a tenant; another tenant's is indistinguishable from none
    def ensure_collection(
        self, name: str, description: str = "", *, tenant: str = DEFAULT_TENANT
    ) -> None: ...
    def list_collections(
        self, *, tenant: str = DEFAULT_TENANT, access: Access | None = None
    ) -> list[Collection]: ...
    def delete_collection(self, name: str, *, tenant: str = DEFAULT_TENANT) -> int: ...

    # documents: with ``access``, only those the principal may open
    def get_document(
        self, document_id: str, *, tenant: str = DEFAULT_TENANT, access: Access | None = None
    ) -> DocumentInfo | None: ...
    def visible_documents(
        self, document_ids: Iterable[str], *, tenant: str, access: Access | None
    ) -> set[str]: ...
    def find_document(
        self, collection: str, source_uri: str, *, tenant: str = DEFAULT_TENANT
    ) -> DocumentInfo | None: ...
    def list_documents(
        self,
        collection: str | None = None,
        *,
        prefix: str | None = None,
        limit: int = 1000,
        tenant: str = DEFAULT_TENANT,
        access: Access | None = None,
    ) -> list[DocumentInfo]: ...
    def write_document(
        self, doc: NewDocument, vectors: Vectors | None, index_id: int | None
    ) -> str: ...
    def delete_document(self, document_id: str) -> bool: ...
    def document_text(self, document_id: str, *, tenant: str = DEFAULT_TENANT) -> str | None: ...

    # vector index versions
    def active_index(self) -> IndexInfo | None: ...
    def list_indexes(self) -> list[IndexInfo]: ...
    def create_index(self, model: str, dimension: int, *, activate: bool) -> IndexInfo: ...
    def chunks_missing_vectors(self, index_id: int, limit: int) -> list[int]: ...
    def write_vectors(self, index_id: int, chunk_ids: Sequence[int], vectors: Vectors) -> None: ...
    def activate_index(self, index_id: int) -> None: ...

    # search
    def keyword_search(self, query: str, filters: Filters, k: int) -> list[ScoredChunk]: ...
    def vector_search(
        self, vector: Vectors, filters: Filters, k: int, *, index_id: int
    ) -> list[ScoredChunk]: ...
    def chunk_vectors(self, chunk_ids: Sequence[int], *, index_id: int) -> Vectors: ...
    def hydrate(self, chunk_ids: Iterable[int]) -> dict[int, SearchHit]: ...

    # caches: bumped by every ingest, delete and reindex, so a cached answer built on an
    # older index is never served
    def generation(self) -> int: ...

    # lifecycle
    def ping(self) -> bool: ...
    def close(self) -> None: ...


@runtime_checkable
class Searcher(Protocol):
    """Hybrid search inside the caller's filters: what the assistant retrieves through."""

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        top_k: int | None = None,
        mode: SearchMode = SearchMode.hybrid,
    ) -> SearchResult: ...
