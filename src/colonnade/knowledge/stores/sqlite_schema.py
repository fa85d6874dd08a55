"""Ordered migrations of the knowledge store's SQLite schema."""

from __future__ import annotations

from colonnade.storage import Migration

__all__ = ["MIGRATIONS"]

MIGRATIONS = [
    Migration(
        1,
        "collections, documents, chunks, FTS5 keyword index, versioned vectors",
        [
            """CREATE TABLE collections (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL)""",
            """CREATE TABLE documents (
                id TEXT PRIMARY KEY,
                collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                source_uri TEXT NOT NULL,
                title TEXT NOT NULL,
                doc_type TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                size_bytes INTEGER NOT NULL,
                modified_at TEXT,
                language TEXT,
                metadata TEXT NOT NULL DEFAULT '{}',
                acl TEXT NOT NULL DEFAULT '{}',
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (collection_id, source_uri))""",
            "CREATE INDEX documents_modified ON documents(modified_at)",
            """CREATE TABLE chunks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                body TEXT NOT NULL,
                heading_path TEXT NOT NULL DEFAULT '[]',
                page INTEGER,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                token_count INTEGER NOT NULL)""",
            "CREATE INDEX chunks_document ON chunks(document_id)",
            """CREATE VIRTUAL TABLE chunks_fts USING fts5(
                title, headings, body,
                tokenize = 'porter unicode61 remove_diacritics 2')""",
            """CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                DELETE FROM chunks_fts WHERE rowid = old.id;
            END""",
            """CREATE TABLE embedding_indexes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                model TEXT NOT NULL,
                dimension INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('building', 'active', 'retired')),
                created_at TEXT NOT NULL,
                activated_at TEXT)""",
            """CREATE UNIQUE INDEX one_active_index ON embedding_indexes(status)
                WHERE status = 'active'""",
            """CREATE TABLE vectors (
                index_id INTEGER NOT NULL REFERENCES embedding_indexes(id) ON DELETE CASCADE,
                chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
                vector BLOB NOT NULL,
                PRIMARY KEY (index_id, chunk_id)) WITHOUT ROWID""",
            "CREATE INDEX vectors_chunk ON vectors(chunk_id)",
            "CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO store_meta(key, value) VALUES ('generation', '0')",
        ],
    ),
    Migration(
        2,
        "collections belong to a tenant: (tenant, name) is unique",
        [
            """CREATE TABLE collections_v2 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tenant TEXT NOT NULL DEFAULT 'default',
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                UNIQUE (tenant, name))""",
            """INSERT INTO collections_v2(id, tenant, name, description, created_at)
                SELECT id, 'default', name, description, created_at FROM collections""",
            "DROP TABLE collections",
            "ALTER TABLE collections_v2 RENAME TO collections",
        ],
        foreign_keys_off=True,
    ),
]
