"""The embedded knowledge store: one SQLite file (WAL) with FTS5 BM25 and versioned vectors.

Vectors live in the ``vectors`` table as float32 blobs, tagged with the
index version (model and dimension) that produced them, and are searched in
memory by :class:`VectorIndex`, refreshed from the file when another writer
bumps the store's generation.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from colonnade.errors import InvalidInput, NotFound, StoreError
from colonnade.knowledge.models import (
    DEFAULT_TENANT,
    Access,
    Collection,
    DocumentInfo,
    Filters,
    IndexInfo,
    NewDocument,
)
from colonnade.knowledge.ports import Vectors
from colonnade.knowledge.stores.filter_cache import FilterCache
from colonnade.knowledge.stores.sqlite_search import SQLiteSearch
from colonnade.knowledge.stores.sqlite_sql import (
    DOC_COLUMNS,
    acl_sql,
    doc_info,
    filter_sql,
    now,
)
from colonnade.knowledge.stores.vector_index import VectorIndex
from colonnade.storage import ConnectionPerThread, transaction
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.sqlite import schema_version

__all__ = ["SQLiteKnowledgeStore"]


class SQLiteKnowledgeStore(SQLiteSearch):
    """``KnowledgeStore`` on one SQLite file; safe to share between threads."""

    def __init__(
        self,
        path: Path,
        *,
        title_weight: float = 3.0,
        heading_weight: float = 2.0,
        ann_threshold: int = 100_000,
        ann_expansion: int = 128,
    ) -> None:
        self.path = path
        self.title_weight = title_weight
        self.heading_weight = heading_weight
        self.ann_threshold = ann_threshold
        self.ann_expansion = ann_expansion
        self._pool = ConnectionPerThread(path)
        self._vectors: dict[int, tuple[int, VectorIndex]] = {}
        self._vectors_lock = threading.Lock()
        self._filtered = FilterCache()
        self._active_cache: tuple[int, IndexInfo | None] | None = None
        try:
            ensure_schema(path, "knowledge")
        except StoreError as exc:
            raise StoreError(f"{path} is not a usable Colonnade database: {exc}") from exc
        self.schema_version = schema_version(self._conn(), "knowledge")

    # -- plumbing ---------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        return self._pool.get()

    def _bump(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
        )

    def generation(self) -> int:
        row = (
            self._conn().execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()
        )
        return int(row["value"])

    def ping(self) -> bool:
        try:
            self._conn().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        self._pool.close()

    def _collection_id(self, conn: sqlite3.Connection, name: str, tenant: str) -> int:
        row = conn.execute(
            "SELECT id FROM collections WHERE tenant = ? AND name = ?", (tenant, name)
        ).fetchone()
        if row is None:
            raise NotFound(f"collection {name!r} does not exist: ingest into it first")
        return int(row["id"])

    # -- collections ------------------------------------------------------
    def ensure_collection(
        self, name: str, description: str = "", *, tenant: str = DEFAULT_TENANT
    ) -> None:
        if not name or len(name) > 128 or not name.replace("-", "").replace("_", "").isalnum():
            raise InvalidInput(
                f"collection name {name!r} must be 1-128 letters, digits, '-' or '_'"
            )
        self._conn().execute(
            "INSERT INTO collections(tenant, name, description, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(tenant, name) DO NOTHING",
            (tenant, name, description, now()),
        )

    def list_collections(
        self, *, tenant: str = DEFAULT_TENANT, access: Access | None = None
    ) -> list[Collection]:
        """The tenant's collections; with ``access``, counting only what it may open."""
        acl, acl_params = ("1", []) if access is None or access.everything else acl_sql(access)
        rows = (
            self._conn()
            .execute(
                f"""SELECT col.name, col.description, col.created_at,
                 (SELECT count(*) FROM documents d WHERE d.collection_id = col.id
                   AND {acl}) AS docs,
                 (SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id
                   WHERE d.collection_id = col.id AND {acl}) AS chunks
               FROM collections col WHERE col.tenant = ? ORDER BY col.name""",
                (*acl_params, *acl_params, tenant),
            )
            .fetchall()
        )
        return [
            Collection(
                r["name"],
                r["description"],
                r["docs"],
                r["chunks"],
                datetime.fromisoformat(r["created_at"]),
            )
            for r in rows
        ]

    def delete_collection(self, name: str, *, tenant: str = DEFAULT_TENANT) -> int:
        conn = self._conn()
        with transaction(conn):
            cid = self._collection_id(conn, name, tenant)
            n = conn.execute(
                "SELECT count(*) FROM documents WHERE collection_id = ?", (cid,)
            ).fetchone()[0]
            conn.execute("DELETE FROM collections WHERE id = ?", (cid,))
            self._bump(conn)
        return int(n)

    # -- documents --------------------------------------------------------
    def get_document(
        self, document_id: str, *, tenant: str = DEFAULT_TENANT, access: Access | None = None
    ) -> DocumentInfo | None:
        """The document if it is in ``tenant`` and, with ``access``, visible to it."""
        clauses, params = filter_sql(Filters(tenant=tenant, access=access))
        row = (
            self._conn()
            .execute(
                f"SELECT {DOC_COLUMNS} FROM documents d JOIN collections col"
                f" ON col.id = d.collection_id WHERE d.id = ? AND {' AND '.join(clauses)}",
                (document_id, *params),
            )
            .fetchone()
        )
        return doc_info(row) if row else None

    def visible_documents(
        self, document_ids: Iterable[str], *, tenant: str, access: Access | None
    ) -> set[str]:
        """Those of ``document_ids`` that exist in ``tenant`` and ``access`` may open now."""
        ids = sorted(set(document_ids))
        if not ids:
            return set()
        clauses, params = filter_sql(Filters(tenant=tenant, access=access, document_ids=ids))
        rows = (
            self._conn()
            .execute(
                "SELECT d.id FROM documents d JOIN collections col ON col.id = d.collection_id"
                f" WHERE {' AND '.join(clauses)}",
                params,
            )
            .fetchall()
        )
        return {r[0] for r in rows}

    def find_document(
        self, collection: str, source_uri: str, *, tenant: str = DEFAULT_TENANT
    ) -> DocumentInfo | None:
        row = (
            self._conn()
            .execute(
                f"SELECT {DOC_COLUMNS} FROM documents d JOIN collections col"
                " ON col.id = d.collection_id"
                " WHERE col.tenant = ? AND col.name = ? AND d.source_uri = ?",
                (tenant, collection, source_uri),
            )
            .fetchone()
        )
        return doc_info(row) if row else None

    def list_documents(
        self,
        collection: str | None = None,
        *,
        prefix: str | None = None,
        limit: int = 1000,
        tenant: str = DEFAULT_TENANT,
        access: Access | None = None,
    ) -> list[DocumentInfo]:
        clauses, params = filter_sql(
            Filters(
                collections=[collection] if collection else None,
                source_prefix=prefix,
                tenant=tenant,
                access=access,
            )
        )
        where = f"WHERE {' AND '.join(clauses)}"
        rows = (
            self._conn()
            .execute(
                f"SELECT {DOC_COLUMNS} FROM documents d JOIN collections col"
                f" ON col.id = d.collection_id {where} ORDER BY col.name, d.source_uri LIMIT ?",
                [*params, limit],
            )
            .fetchall()
        )
        return [doc_info(r) for r in rows]

    def document_text(self, document_id: str, *, tenant: str = DEFAULT_TENANT) -> str | None:
        row = (
            self._conn()
            .execute(
                "SELECT d.body FROM documents d JOIN collections col ON col.id = d.collection_id"
                " WHERE d.id = ? AND col.tenant = ?",
                (document_id, tenant),
            )
            .fetchone()
        )
        return row["body"] if row else None

    def write_document(
        self, doc: NewDocument, vectors: Vectors | None, index_id: int | None
    ) -> str:
        if vectors is not None and len(vectors) != len(doc.chunks):
            raise ValueError(f"{len(doc.chunks)} chunks but {len(vectors)} vectors")
        conn = self._conn()
        stamp = now()
        with transaction(conn):
            cid = self._collection_id(conn, doc.collection, doc.tenant)
            row = conn.execute(
                "SELECT id FROM documents WHERE collection_id = ? AND source_uri = ?",
                (cid, doc.source_uri),
            ).fetchone()
            values = (
                doc.title,
                doc.doc_type,
                doc.content_hash,
                doc.fingerprint,
                doc.size_bytes,
                doc.modified_at.isoformat() if doc.modified_at else None,
                doc.language,
                json.dumps(doc.metadata, default=str),
                json.dumps(doc.acl),
                doc.text,
                stamp,
            )
            if row:
                doc_id = str(row["id"])
                conn.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))
                conn.execute(
                    """UPDATE documents SET title=?, doc_type=?, content_hash=?, fingerprint=?,
                       size_bytes=?, modified_at=?, language=?, metadata=?, acl=?, body=?,
                       updated_at=? WHERE id=?""",
                    (*values, doc_id),
                )
            else:
                doc_id = uuid.uuid4().hex
                conn.execute(
                    """INSERT INTO documents(title, doc_type, content_hash, fingerprint,
                       size_bytes, modified_at, language, metadata, acl, body, updated_at,
                       id, collection_id, source_uri, created_at)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    (*values, doc_id, cid, doc.source_uri, stamp),
                )
            for i, chunk in enumerate(doc.chunks):
                cur = conn.execute(
                    """INSERT INTO chunks(document_id, ordinal, body, heading_path, page,
                       start_char, end_char, token_count) VALUES (?,?,?,?,?,?,?,?)""",
                    (
                        doc_id,
                        chunk.ordinal,
                        chunk.text,
                        json.dumps(list(chunk.heading_path)),
                        chunk.page,
                        chunk.start_char,
                        chunk.end_char,
                        chunk.token_count,
                    ),
                )
                chunk_id = cur.lastrowid
                conn.execute(
                    "INSERT INTO chunks_fts(rowid, title, headings, body) VALUES (?,?,?,?)",
                    (chunk_id, doc.title, " ".join(chunk.heading_path), chunk.text),
                )
                if vectors is not None and index_id is not None:
                    conn.execute(
                        "INSERT INTO vectors(index_id, chunk_id, vector) VALUES (?,?,?)",
                        (
                            index_id,
                            chunk_id,
                            np.ascontiguousarray(vectors[i], np.float32).tobytes(),
                        ),
                    )
            self._bump(conn)
        return doc_id

    def delete_document(self, document_id: str) -> bool:
        conn = self._conn()
        with transaction(conn):
            cur = conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            if cur.rowcount:
                self._bump(conn)
        return cur.rowcount > 0

    # -- index versions ---------------------------------------------------
    def _index(self, row: sqlite3.Row) -> IndexInfo:
        n = (
            self._conn()
            .execute("SELECT count(*) FROM vectors WHERE index_id = ?", (row["id"],))
            .fetchone()[0]
        )
        return IndexInfo(row["id"], row["model"], row["dimension"], row["status"], int(n))

    def active_index(self) -> IndexInfo | None:
        """The active index version; cached until the store's generation changes."""
        generation = self.generation()
        cached = self._active_cache
        if cached is not None and cached[0] == generation:
            return cached[1]
        row = (
            self._conn()
            .execute("SELECT * FROM embedding_indexes WHERE status = 'active'")
            .fetchone()
        )
        info = self._index(row) if row else None
        self._active_cache = (generation, info)
        return info

    def list_indexes(self) -> list[IndexInfo]:
        rows = self._conn().execute("SELECT * FROM embedding_indexes ORDER BY id").fetchall()
        return [self._index(r) for r in rows]

    def create_index(self, model: str, dimension: int, *, activate: bool) -> IndexInfo:
        conn = self._conn()
        with transaction(conn):
            if (
                activate
                and conn.execute(
                    "SELECT 1 FROM embedding_indexes WHERE status = 'active'"
                ).fetchone()
            ):
                raise StoreError("an index is already active: build a new one and activate it")
            cur = conn.execute(
                "INSERT INTO embedding_indexes(model, dimension, status, created_at, activated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    model,
                    dimension,
                    "active" if activate else "building",
                    now(),
                    now() if activate else None,
                ),
            )
            row = conn.execute(
                "SELECT * FROM embedding_indexes WHERE id = ?", (cur.lastrowid,)
            ).fetchone()
        return self._index(row)

    def chunks_missing_vectors(self, index_id: int, limit: int) -> list[int]:
        rows = (
            self._conn()
            .execute(
                """SELECT c.id FROM chunks c WHERE NOT EXISTS (
                 SELECT 1 FROM vectors v WHERE v.index_id = ? AND v.chunk_id = c.id)
               ORDER BY c.id LIMIT ?""",
                (index_id, limit),
            )
            .fetchall()
        )
        return [int(r["id"]) for r in rows]

    def write_vectors(self, index_id: int, chunk_ids: Sequence[int], vectors: Vectors) -> None:
        conn = self._conn()
        with transaction(conn):
            conn.executemany(
                "INSERT OR REPLACE INTO vectors(index_id, chunk_id, vector)"
                " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)",
                [
                    (index_id, cid, np.ascontiguousarray(v, np.float32).tobytes(), cid)
                    for cid, v in zip(chunk_ids, vectors, strict=True)
                ],
            )
            self._bump(conn)

    def activate_index(self, index_id: int) -> None:
        """Swap in a complete index version; the old one is retired and its vectors dropped."""
        conn = self._conn()
        with transaction(conn):
            missing = conn.execute(
                """SELECT count(*) FROM chunks c WHERE NOT EXISTS (
                     SELECT 1 FROM vectors v WHERE v.index_id = ? AND v.chunk_id = c.id)""",
                (index_id,),
            ).fetchone()[0]
            if missing:
                raise StoreError(
                    f"index {index_id} lacks vectors for {missing} chunks: finish building it"
                )
            old = conn.execute(
                "SELECT id FROM embedding_indexes WHERE status = 'active'"
            ).fetchall()
            conn.execute("UPDATE embedding_indexes SET status = 'retired' WHERE status = 'active'")
            conn.execute(
                "UPDATE embedding_indexes SET status = 'active', activated_at = ? WHERE id = ?",
                (now(), index_id),
            )
            for row in old:
                conn.execute("DELETE FROM vectors WHERE index_id = ?", (row["id"],))
            self._bump(conn)
