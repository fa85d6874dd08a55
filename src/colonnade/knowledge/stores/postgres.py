"""The scale-out knowledge store: PostgreSQL with a weighted tsvector (GIN) and pgvector HNSW.

Both searches run inside PostgreSQL with the tenant, ACL, collection and metadata
filters in the same query, before top-k. Keyword search scores BM25 the way the
SQLite store's FTS5 ``bm25()`` does (same k1, b, column weights and IDF), so the
fused ranking (``Retriever``) matches the embedded default's. Vector search uses
the index version's HNSW index with ``hnsw.iterative_scan`` on, so a selective
filter keeps scanning the graph instead of silently returning too few rows.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
import psycopg
from pgvector import Vector
from pgvector.psycopg import register_vector
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

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
from colonnade.knowledge.stores.postgres_keyword import TS_CONFIG, Fetch
from colonnade.knowledge.stores.postgres_search import PostgresSearch
from colonnade.knowledge.stores.postgres_sql import FROM_DOCS, acl_only, pg_filter_sql
from colonnade.knowledge.stores.rows import DOC_COLUMNS, document_info
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresKnowledgeStore"]

# pg_advisory_xact_lock key held while an index version is created ("cindex")
_INDEX_LOCK = 0x63696E646578

# pgvector builds HNSW over ``vector`` columns of at most this many dimensions
_HNSW_MAX_DIM = 2000


class PostgresKnowledgeStore(PostgresSearch):
    """``KnowledgeStore`` on PostgreSQL + pgvector; one pool per process, safe across threads."""

    def __init__(
        self,
        url: str,
        *,
        title_weight: float = 3.0,
        heading_weight: float = 2.0,
        ef_search: int = 128,
        max_scan_tuples: int = 20_000,
        pool_size: int = 10,
    ) -> None:
        self.url = url
        self.title_weight = title_weight
        self.heading_weight = heading_weight
        self.ef_search = max(1, min(ef_search, 1000))
        self.max_scan_tuples = max_scan_tuples
        ensure_schema(url, "knowledge")
        self._pool = open_pool(url, max_size=pool_size, configure=self._configure)

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        register_vector(conn)
        # a filter that rejects most of the nearest rows keeps the scan going
        conn.execute("SET hnsw.iterative_scan = relaxed_order")
        conn.execute(f"SET hnsw.ef_search = {self.ef_search}")
        conn.execute(f"SET hnsw.max_scan_tuples = {int(self.max_scan_tuples)}")

    # -- plumbing ---------------------------------------------------------
    def _fetch(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()

    @contextmanager
    def _snapshot(self) -> Iterator[Fetch]:
        with (
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=dict_row) as cur,
        ):
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

            def fetch(query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
                cur.execute(query, params)
                return cur.fetchall()

            yield fetch

    @staticmethod
    def _bump(cur: psycopg.Cursor[Any]) -> None:
        cur.execute("UPDATE knowledge_stats SET generation = generation + 1")

    def generation(self) -> int:
        row = self._one("SELECT generation FROM knowledge_stats")
        return int(row["generation"]) if row else 0

    def ping(self) -> bool:
        try:
            self._fetch("SELECT 1 AS ok")
        except (psycopg.Error, OSError):
            return False
        except Exception:  # the pool's timeout when the server is gone
            return False
        return True

    def close(self) -> None:
        self._pool.close()

    @staticmethod
    def _collection_id(cur: psycopg.Cursor[Any], name: str, tenant: str) -> int:
        row = cur.execute(
            "SELECT id FROM collections WHERE tenant = %s AND name = %s", (tenant, name)
        ).fetchone()
        if row is None:
            raise NotFound(f"collection {name!r} does not exist: ingest into it first")
        return int(row[0])

    # -- collections ------------------------------------------------------
    def ensure_collection(
        self, name: str, description: str = "", *, tenant: str = DEFAULT_TENANT
    ) -> None:
        if not name or len(name) > 128 or not name.replace("-", "").replace("_", "").isalnum():
            raise InvalidInput(
                f"collection name {name!r} must be 1-128 letters, digits, '-' or '_'"
            )
        self._fetch(
            "INSERT INTO collections(tenant, name, description, created_at)"
            " VALUES (%s, %s, %s, now()) ON CONFLICT (tenant, name) DO NOTHING RETURNING id",
            (tenant, name, description),
        )

    def list_collections(
        self, *, tenant: str = DEFAULT_TENANT, access: Access | None = None
    ) -> list[Collection]:
        """The tenant's collections; with ``access``, counting only what it may open."""
        acl, acl_params = "TRUE", []
        if access is not None and not access.everything:
            acl = (
                "(d.acl = '{}'::jsonb OR d.acl -> 'users' ? %s OR d.acl -> 'groups' ?| %s::text[])"
            )
            acl_params = [access.user, list(access.groups)]
        rows = self._fetch(
            f"""SELECT col.name, col.description, col.created_at,
                 (SELECT count(*) FROM documents d WHERE d.collection_id = col.id
                   AND {acl}) AS docs,
                 (SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id
                   WHERE d.collection_id = col.id AND {acl}) AS chunks
               FROM collections col WHERE col.tenant = %s ORDER BY col.name""",
            (*acl_params, *acl_params, tenant),
        )
        return [
            Collection(r["name"], r["description"], r["docs"], r["chunks"], r["created_at"])
            for r in rows
        ]

    def delete_collection(self, name: str, *, tenant: str = DEFAULT_TENANT) -> int:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cid = self._collection_id(cur, name, tenant)
            row = cur.execute(
                "SELECT count(*) FROM documents WHERE collection_id = %s", (cid,)
            ).fetchone()
            cur.execute("DELETE FROM collections WHERE id = %s", (cid,))
            self._bump(cur)
        return int(row[0]) if row else 0

    # -- documents --------------------------------------------------------
    def get_document(
        self, document_id: str, *, tenant: str = DEFAULT_TENANT, access: Access | None = None
    ) -> DocumentInfo | None:
        clauses, params = acl_only(access, tenant)
        row = self._one(
            f"SELECT {DOC_COLUMNS} {FROM_DOCS} WHERE d.id = %s AND {' AND '.join(clauses)}",
            (document_id, *params),
        )
        return document_info(row) if row else None

    def visible_documents(
        self, document_ids: Iterable[str], *, tenant: str, access: Access | None
    ) -> set[str]:
        ids = sorted(set(document_ids))
        if not ids:
            return set()
        clauses, params = pg_filter_sql(Filters(tenant=tenant, access=access, document_ids=ids))
        rows = self._fetch(f"SELECT d.id {FROM_DOCS} WHERE {' AND '.join(clauses)}", params)
        return {r["id"] for r in rows}

    def find_document(
        self, collection: str, source_uri: str, *, tenant: str = DEFAULT_TENANT
    ) -> DocumentInfo | None:
        row = self._one(
            f"SELECT {DOC_COLUMNS} {FROM_DOCS}"
            " WHERE col.tenant = %s AND col.name = %s AND d.source_uri = %s",
            (tenant, collection, source_uri),
        )
        return document_info(row) if row else None

    def list_documents(
        self,
        collection: str | None = None,
        *,
        prefix: str | None = None,
        limit: int = 1000,
        tenant: str = DEFAULT_TENANT,
        access: Access | None = None,
    ) -> list[DocumentInfo]:
        clauses, params = pg_filter_sql(
            Filters(
                collections=[collection] if collection else None,
                source_prefix=prefix,
                tenant=tenant,
                access=access,
            )
        )
        rows = self._fetch(
            f"SELECT {DOC_COLUMNS} {FROM_DOCS} WHERE {' AND '.join(clauses)}"
            " ORDER BY col.name, d.source_uri LIMIT %s",
            [*params, limit],
        )
        return [document_info(r) for r in rows]

    def document_text(self, document_id: str, *, tenant: str = DEFAULT_TENANT) -> str | None:
        row = self._one(
            f"SELECT d.body {FROM_DOCS} WHERE d.id = %s AND col.tenant = %s",
            (document_id, tenant),
        )
        return row["body"] if row else None

    def write_document(
        self, doc: NewDocument, vectors: Vectors | None, index_id: int | None
    ) -> str:
        if vectors is not None and len(vectors) != len(doc.chunks):
            raise ValueError(f"{len(doc.chunks)} chunks but {len(vectors)} vectors")
        values = (
            doc.title,
            doc.doc_type,
            doc.content_hash,
            doc.fingerprint,
            doc.size_bytes,
            doc.modified_at,
            doc.language,
            Jsonb(doc.metadata, dumps=_json_dumps),
            Jsonb(doc.acl),
            doc.text.replace("\x00", ""),
        )
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cid = self._collection_id(cur, doc.collection, doc.tenant)
            # the document row is locked first, so two writers of one document take turns
            row = cur.execute(
                "SELECT id FROM documents WHERE collection_id = %s AND source_uri = %s FOR UPDATE",
                (cid, doc.source_uri),
            ).fetchone()
            if row:
                doc_id = str(row[0])
                cur.execute("DELETE FROM chunks WHERE document_id = %s", (doc_id,))
                cur.execute(
                    """UPDATE documents SET title=%s, doc_type=%s, content_hash=%s,
                       fingerprint=%s, size_bytes=%s, modified_at=%s, language=%s, metadata=%s,
                       acl=%s, body=%s, updated_at=now() WHERE id=%s""",
                    (*values, doc_id),
                )
            else:
                doc_id = uuid.uuid4().hex
                cur.execute(
                    """INSERT INTO documents(title, doc_type, content_hash, fingerprint,
                       size_bytes, modified_at, language, metadata, acl, body, id,
                       collection_id, source_uri, created_at, updated_at)
                       VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,now(),now())
                       ON CONFLICT (collection_id, source_uri) DO NOTHING""",
                    (*values, doc_id, cid, doc.source_uri),
                )
                if cur.rowcount == 0:  # another writer created it a moment ago
                    raise StoreError(f"{doc.source_uri} was written concurrently: retry")
            chunk_ids = self._insert_chunks(cur, doc_id, doc) if doc.chunks else []
            if vectors is not None and index_id is not None and chunk_ids:
                cur.executemany(
                    "INSERT INTO vectors(index_id, chunk_id, embedding) VALUES (%s, %s, %s)",
                    [
                        (index_id, cid_, Vector(np.asarray(v, np.float32)))
                        for cid_, v in zip(chunk_ids, vectors, strict=True)
                    ],
                )
            self._bump(cur)
        return doc_id

    def _insert_chunks(self, cur: psycopg.Cursor[Any], doc_id: str, doc: NewDocument) -> list[int]:
        """All chunks of a document in one statement; ids in chunk order."""
        chunks = doc.chunks
        rows = cur.execute(
            f"""WITH x AS (
                SELECT * FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[],
                    %s::int[], %s::int[], %s::int[], %s::int[], %s::int[])
                  AS x(ordinal, body, heading_json, headings, page, start_char, end_char,
                       token_count, fts_len)
            ), t AS (
                SELECT x.*, setweight(to_tsvector('{TS_CONFIG}', %s), 'A')
                    || setweight(to_tsvector('{TS_CONFIG}', x.headings), 'B')
                    || setweight(to_tsvector('{TS_CONFIG}', x.body), 'D') AS tsv
                FROM x
            )
            INSERT INTO chunks(document_id, ordinal, body, heading_path, page, start_char,
                end_char, token_count, tsv, fts_len)
            SELECT %s, ordinal, body, heading_json::jsonb, page, start_char, end_char,
                token_count, tsv, fts_len
            FROM t ORDER BY ordinal
            RETURNING id, ordinal""",
            (
                [c.ordinal for c in chunks],
                [c.text.replace("\x00", "") for c in chunks],
                [_json_dumps(list(c.heading_path)) for c in chunks],
                [" ".join(c.heading_path) for c in chunks],
                [c.page for c in chunks],
                [c.start_char for c in chunks],
                [c.end_char for c in chunks],
                [c.token_count for c in chunks],
                [_words(doc.title, " ".join(c.heading_path), c.text) for c in chunks],
                doc.title,
                doc_id,
            ),
        ).fetchall()
        by_ordinal = {int(r[1]): int(r[0]) for r in rows}
        return [by_ordinal[c.ordinal] for c in chunks]

    def delete_document(self, document_id: str) -> bool:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("DELETE FROM documents WHERE id = %s", (document_id,))
            deleted = cur.rowcount > 0
            if deleted:
                self._bump(cur)
        return deleted

    # -- index versions ---------------------------------------------------
    def _indexes(self, where: str = "") -> list[IndexInfo]:
        rows = self._fetch(
            "SELECT i.id, i.model, i.dimension, i.status,"
            " (SELECT count(*) FROM vectors v WHERE v.index_id = i.id) AS n"
            f" FROM embedding_indexes i {where} ORDER BY i.id"
        )
        return [
            IndexInfo(r["id"], r["model"], r["dimension"], r["status"], int(r["n"])) for r in rows
        ]

    def active_index(self) -> IndexInfo | None:
        found = self._indexes("WHERE i.status = 'active'")
        return found[0] if found else None

    def list_indexes(self) -> list[IndexInfo]:
        return self._indexes()

    def create_index(self, model: str, dimension: int, *, activate: bool) -> IndexInfo:
        if not 1 <= dimension <= 16000:
            raise InvalidInput(f"vector dimension {dimension} must be 1-16000")
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            # writers making the first index at once (workers on a new database) take turns
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INDEX_LOCK,))
            if (
                activate
                and cur.execute(
                    "SELECT 1 FROM embedding_indexes WHERE status = 'active' FOR UPDATE"
                ).fetchone()
            ):
                raise StoreError("an index is already active: build a new one and activate it")
            row = cur.execute(
                "INSERT INTO embedding_indexes(model, dimension, status, created_at, activated_at)"
                " VALUES (%s, %s, %s, now(), %s) RETURNING id",
                (
                    model,
                    dimension,
                    "active" if activate else "building",
                    datetime.now(UTC) if activate else None,
                ),
            ).fetchone()
            assert row is not None
            index_id = int(row[0])
            if dimension <= _HNSW_MAX_DIM:
                cur.execute(
                    f"CREATE INDEX vectors_hnsw_{index_id} ON vectors USING hnsw"
                    f" ((embedding::vector({dimension})) vector_cosine_ops)"
                    f" WHERE index_id = {index_id}"
                )
        return IndexInfo(index_id, model, dimension, "active" if activate else "building", 0)

    def chunks_missing_vectors(self, index_id: int, limit: int) -> list[int]:
        rows = self._fetch(
            """SELECT c.id FROM chunks c WHERE NOT EXISTS (
                 SELECT 1 FROM vectors v WHERE v.index_id = %s AND v.chunk_id = c.id)
               ORDER BY c.id LIMIT %s""",
            (index_id, limit),
        )
        return [int(r["id"]) for r in rows]

    def write_vectors(self, index_id: int, chunk_ids: Sequence[int], vectors: Vectors) -> None:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO vectors(index_id, chunk_id, embedding)"
                " SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM chunks WHERE id = %s)"
                " ON CONFLICT (index_id, chunk_id) DO UPDATE SET embedding = excluded.embedding",
                [
                    (index_id, cid, Vector(np.asarray(v, np.float32)), cid)
                    for cid, v in zip(chunk_ids, vectors, strict=True)
                ],
            )
            self._bump(cur)

    def activate_index(self, index_id: int) -> None:
        """Swap in a complete index version; the old one is retired and its vectors dropped."""
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            # one activation at a time, and no chunk written in between goes unnoticed
            cur.execute("SELECT generation FROM knowledge_stats FOR UPDATE")
            row = cur.execute(
                """SELECT count(*) FROM chunks c WHERE NOT EXISTS (
                     SELECT 1 FROM vectors v WHERE v.index_id = %s AND v.chunk_id = c.id)""",
                (index_id,),
            ).fetchone()
            missing = int(row[0]) if row else 0
            if missing:
                raise StoreError(
                    f"index {index_id} lacks vectors for {missing} chunks: finish building it"
                )
            old = [
                int(r[0])
                for r in cur.execute(
                    "SELECT id FROM embedding_indexes WHERE status = 'active'"
                ).fetchall()
            ]
            cur.execute("UPDATE embedding_indexes SET status = 'retired' WHERE status = 'active'")
            cur.execute(
                "UPDATE embedding_indexes SET status = 'active', activated_at = now()"
                " WHERE id = %s",
                (index_id,),
            )
            for old_id in old:
                cur.execute("DELETE FROM vectors WHERE index_id = %s", (old_id,))
                cur.execute(f"DROP INDEX IF EXISTS vectors_hnsw_{old_id}")
            self._bump(cur)


_WORD = re.compile(r"[^\W_]+")


def _words(*texts: str) -> int:
    """Tokens as FTS5's unicode61 tokenizer counts them (stop words included): BM25's length."""
    return sum(len(_WORD.findall(t)) for t in texts)


def _json_dumps(value: object) -> str:
    import json

    return json.dumps(value, default=str)
