"""knowledge: each lexeme's document frequency, kept at ingest, for top-k keyword search.

``chunk_lexemes`` counts the chunks whose tsvector holds each lexeme (BM25's df).
Statement triggers keep it exact on insert and delete (cascaded deletes included), as
``knowledge_stats`` is kept; they fire after the stats triggers, which lock the stats
row first, so writers update it in one order. Existing chunks are counted here.

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
    """CREATE FUNCTION knowledge_lexemes_added() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO chunk_lexemes AS l (lexeme, df)
                SELECT u.lexeme, count(*) FROM new_rows r,
                    LATERAL unnest(tsvector_to_array(r.tsv)) AS u(lexeme)
                GROUP BY u.lexeme ORDER BY u.lexeme
                ON CONFLICT (lexeme) DO UPDATE SET df = l.df + excluded.df;
                RETURN NULL;
            END $$""",
    """CREATE FUNCTION knowledge_lexemes_removed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
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
