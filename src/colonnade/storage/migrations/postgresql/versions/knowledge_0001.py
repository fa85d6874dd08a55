"""knowledge: collections, documents, chunks with weighted tsvector, versioned pgvector vectors.

Keyword search keeps a weighted ``tsvector`` per chunk (title 'A', headings 'B',
body 'D') behind a GIN index, and the chunk's length in words, so BM25 can
normalise by length. ``knowledge_stats`` holds the row count and word total BM25
needs (kept by statement triggers, so cascaded deletes count too) and the store's
generation, which response caches watch. Vectors of every index version share one
table with an untyped ``vector`` column; each version gets its own partial HNSW
index over ``embedding::vector(dim)`` when it is created.

Revision ID: knowledge_0001
"""

from __future__ import annotations

from alembic import op

revision = "knowledge_0001"
down_revision = None
branch_labels = ("knowledge",)
depends_on = None

STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS vector",
    """CREATE TABLE collections (
                id BIGSERIAL PRIMARY KEY,
                tenant TEXT NOT NULL DEFAULT 'default',
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                created_at TIMESTAMPTZ NOT NULL,
                UNIQUE (tenant, name))""",
    """CREATE TABLE documents (
                id TEXT PRIMARY KEY,
                collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                source_uri TEXT NOT NULL,
                title TEXT NOT NULL,
                doc_type TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                modified_at TIMESTAMPTZ,
                language TEXT,
                metadata JSONB NOT NULL DEFAULT '{}',
                acl JSONB NOT NULL DEFAULT '{}',
                body TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                UNIQUE (collection_id, source_uri))""",
    "CREATE INDEX documents_modified ON documents(modified_at)",
    "CREATE INDEX documents_metadata ON documents USING gin (metadata jsonb_path_ops)",
    "CREATE INDEX documents_acl ON documents USING gin (acl)",
    """CREATE TABLE chunks (
                id BIGSERIAL PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                body TEXT NOT NULL,
                heading_path JSONB NOT NULL DEFAULT '[]',
                page INTEGER,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                token_count INTEGER NOT NULL,
                tsv TSVECTOR NOT NULL,
                fts_len INTEGER NOT NULL)""",
    "CREATE INDEX chunks_document ON chunks(document_id)",
    "CREATE INDEX chunks_tsv ON chunks USING gin (tsv)",
    """CREATE TABLE embedding_indexes (
                id BIGSERIAL PRIMARY KEY,
                model TEXT NOT NULL,
                dimension INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('building', 'active', 'retired')),
                created_at TIMESTAMPTZ NOT NULL,
                activated_at TIMESTAMPTZ)""",
    """CREATE UNIQUE INDEX one_active_index ON embedding_indexes(status)
                WHERE status = 'active'""",
    """CREATE TABLE vectors (
                index_id BIGINT NOT NULL REFERENCES embedding_indexes(id) ON DELETE CASCADE,
                chunk_id BIGINT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
                embedding vector NOT NULL,
                PRIMARY KEY (index_id, chunk_id))""",
    "CREATE INDEX vectors_chunk ON vectors(chunk_id)",
    """CREATE TABLE knowledge_stats (
                id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
                generation BIGINT NOT NULL DEFAULT 0,
                chunks BIGINT NOT NULL DEFAULT 0,
                tokens BIGINT NOT NULL DEFAULT 0)""",
    "INSERT INTO knowledge_stats DEFAULT VALUES",
    """CREATE FUNCTION knowledge_chunks_added() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE knowledge_stats SET chunks = chunks + n, tokens = tokens + t
                FROM (SELECT count(*) AS n, coalesce(sum(fts_len), 0) AS t FROM new_rows) s;
                RETURN NULL;
            END $$""",
    """CREATE FUNCTION knowledge_chunks_removed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE knowledge_stats SET chunks = chunks - n, tokens = tokens - t
                FROM (SELECT count(*) AS n, coalesce(sum(fts_len), 0) AS t FROM old_rows) s;
                RETURN NULL;
            END $$""",
    """CREATE TRIGGER chunks_added AFTER INSERT ON chunks
                REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION knowledge_chunks_added()""",
    """CREATE TRIGGER chunks_removed AFTER DELETE ON chunks
                REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION knowledge_chunks_removed()""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS knowledge_stats CASCADE")
    op.execute("DROP TABLE IF EXISTS vectors CASCADE")
    op.execute("DROP TABLE IF EXISTS embedding_indexes CASCADE")
    op.execute("DROP TABLE IF EXISTS chunks CASCADE")
    op.execute("DROP TABLE IF EXISTS documents CASCADE")
    op.execute("DROP TABLE IF EXISTS collections CASCADE")
    op.execute("DROP FUNCTION IF EXISTS knowledge_chunks_added()")
    op.execute("DROP FUNCTION IF EXISTS knowledge_chunks_removed()")
