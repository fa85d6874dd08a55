"""What the SQLite and PostgreSQL knowledge stores read alike: a document's row and a
chunk's citable passage. Each store says how its driver hands over JSON and times
(SQLite as text, psycopg already decoded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from colonnade.knowledge.models import DocumentInfo, SearchHit

__all__ = ["DOC_COLUMNS", "HIT_COLUMNS", "HIT_JOINS", "Row", "document_info", "search_hit"]

DOC_COLUMNS = """d.id, col.name AS collection, d.source_uri, d.title, d.doc_type, d.content_hash,
    d.fingerprint, d.size_bytes, d.modified_at, d.language, d.metadata, d.acl, d.updated_at,
    (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count"""

HIT_COLUMNS = """c.id, c.document_id, c.body, c.heading_path, c.page, c.start_char,
    c.end_char, d.title, d.source_uri, d.doc_type, d.metadata, col.name AS collection,
    d.content_hash"""
HIT_JOINS = """FROM chunks c JOIN documents d ON d.id = c.document_id
    JOIN collections col ON col.id = d.collection_id"""


class Row(Protocol):
    """A row by column name: ``sqlite3.Row`` or psycopg's ``dict_row``."""

    def __getitem__(self, key: str, /) -> Any: ...


def _same(value: Any) -> Any:
    return value


def document_info(
    row: Row,
    *,
    decode: Callable[[Any], Any] = _same,
    moment: Callable[[Any], Any] = _same,
) -> DocumentInfo:
    """A row of :data:`DOC_COLUMNS`; ``decode`` reads a JSON column, ``moment`` a time."""
    return DocumentInfo(
        id=row["id"],
        collection=row["collection"],
        source_uri=row["source_uri"],
        title=row["title"],
        doc_type=row["doc_type"],
        content_hash=row["content_hash"],
        fingerprint=row["fingerprint"],
        size_bytes=row["size_bytes"],
        modified_at=moment(row["modified_at"]),
        language=row["language"],
        chunks=row["chunk_count"],
        metadata=decode(row["metadata"]),
        acl=decode(row["acl"]),
        updated_at=moment(row["updated_at"]),
    )


def search_hit(row: Row, *, decode: Callable[[Any], Any] = _same) -> SearchHit:
    """A row of :data:`HIT_COLUMNS` as a passage to cite (scored later)."""
    return SearchHit(
        chunk_id=int(row["id"]),
        document_id=row["document_id"],
        collection=row["collection"],
        title=row["title"],
        source_uri=row["source_uri"],
        doc_type=row["doc_type"],
        heading_path=tuple(decode(row["heading_path"])),
        page=row["page"],
        start_char=row["start_char"],
        end_char=row["end_char"],
        text=row["body"],
        score=0.0,
        metadata=decode(row["metadata"]),
        version=row["content_hash"][:16],
    )
