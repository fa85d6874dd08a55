"""knowledge: an inverted index of the chunks' lexemes, kept at ingest, for keyword search.

``chunk_postings`` holds a row per (lexeme, chunk): how often the lexeme occurs in the
chunk's title ('A'), headings ('B') and body (other weights), and the chunk's length,
so BM25 reads a query's postings from one index (index-only) instead of every matching
chunk's tsvector. ``chunk_lexemes`` counts the chunks holding each lexeme (BM25's df).
Statement triggers keep both exact on insert and delete (cascaded deletes included),
as ``knowledge_stats`` is kept; they fire after the stats triggers, which lock the
stats row first, so writers update them in one order. Existing chunks are indexed here.

Revision ID: knowledge_0002
"""

from __future__ import annotations

from alembic import op

revision = "knowledge_0002"
down_revision = "knowledge_0001"
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE TABLE chunk_lexemes (
                lexeme TEXT PRIMARY KEY,
                df BIGINT NOT NULL CHECK (df > 0))""",
    """CREATE TABLE chunk_postings (
                lexeme TEXT NOT NULL,
                chunk_id BIGINT NOT NULL,
                title_n SMALLINT NOT NULL,
                heading_n SMALLINT NOT NULL,
                body_n SMALLINT NOT NULL,
                chunk_len INTEGER NOT NULL,
                PRIMARY KEY (lexeme, chunk_id) INCLUDE (title_n, heading_n, body_n, chunk_len))""",
    """CREATE FUNCTION knowledge_lexemes_added() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO chunk_postings (lexeme, chunk_id, title_n, heading_n, body_n, chunk_len)
                SELECT u.lexeme, r.id, p.a, p.b, cardinality(u.weights) - p.a - p.b, r.fts_len
                FROM new_rows r, LATERAL unnest(r.tsv) AS u,
                    LATERAL (SELECT cardinality(array_positions(u.weights, 'A')) AS a,
                        cardinality(array_positions(u.weights, 'B')) AS b) AS p;
                INSERT INTO chunk_lexemes AS l (lexeme, df)
                SELECT u.lexeme, count(*) FROM new_rows r,
                    LATERAL unnest(tsvector_to_array(r.tsv)) AS u(lexeme)
                GROUP BY u.lexeme ORDER BY u.lexeme
                ON CONFLICT (lexeme) DO UPDATE SET df = l.df + excluded.df;
                RETURN NULL;
            END $$""",
    """CREATE FUNCTION knowledge_lexemes_removed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM chunk_postings p USING old_rows r,
                    LATERAL unnest(tsvector_to_array(r.tsv)) AS u(lexeme)
                WHERE p.lexeme = u.lexeme AND p.chunk_id = r.id;
                WITH gone AS (
                    SELECT u.lexeme, count(*) AS n FROM old_rows r,
                        LATERAL unnest(tsvector_to_array(r.tsv)) AS u(lexeme)
                    GROUP BY u.lexeme
                ), kept AS (
                    UPDATE chunk_lexemes l SET df = l.df - g.n FROM gone g
                    WHERE l.lexeme = g.lexeme AND l.df > g.n RETURNING l.lexeme
                )
                DELETE FROM chunk_lexemes l USING gone g
                WHERE l.lexeme = g.lexeme AND l.df <= g.n;
                RETURN NULL;
            END $$""",
    # named to sort after chunks_added and chunks_removed: same-event triggers fire by name
    """CREATE TRIGGER chunks_added_lexemes AFTER INSERT ON chunks
                REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION knowledge_lexemes_added()""",
    """CREATE TRIGGER chunks_removed_lexemes AFTER DELETE ON chunks
                REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION knowledge_lexemes_removed()""",
    """INSERT INTO chunk_postings (lexeme, chunk_id, title_n, heading_n, body_n, chunk_len)
                SELECT u.lexeme, c.id, p.a, p.b, cardinality(u.weights) - p.a - p.b, c.fts_len
                FROM chunks c, LATERAL unnest(c.tsv) AS u,
                    LATERAL (SELECT cardinality(array_positions(u.weights, 'A')) AS a,
                        cardinality(array_positions(u.weights, 'B')) AS b) AS p""",
    """INSERT INTO chunk_lexemes (lexeme, df)
                SELECT u.lexeme, count(*) FROM chunks c,
                    LATERAL unnest(tsvector_to_array(c.tsv)) AS u(lexeme)
                GROUP BY u.lexeme""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS chunks_added_lexemes ON chunks")
    op.execute("DROP TRIGGER IF EXISTS chunks_removed_lexemes ON chunks")
    op.execute("DROP FUNCTION IF EXISTS knowledge_lexemes_added()")
    op.execute("DROP FUNCTION IF EXISTS knowledge_lexemes_removed()")
    op.execute("DROP TABLE IF EXISTS chunk_lexemes")
    op.execute("DROP TABLE IF EXISTS chunk_postings")
