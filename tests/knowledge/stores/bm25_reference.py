"""The PostgreSQL store's first keyword query, kept as the reference of its BM25.

It scores every chunk matching any query term (df counted by GIN for each term) in one
statement; the store's pruned search must return the same ids and scores.
"""

from __future__ import annotations

from colonnade.knowledge.models import Filters, ScoredChunk
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore
from colonnade.knowledge.stores.postgres_sql import pg_filter_sql

TS_CONFIG = "english"
_K1, _B = 1.2, 0.75


def reference_keyword_search(
    store: PostgresKnowledgeStore, query: str, filters: Filters, k: int
) -> list[ScoredChunk]:
    terms = keyword_terms(query)
    if not terms:
        return []
    clauses, params = pg_filter_sql(filters)
    where = "".join(f" AND {c}" for c in clauses)
    rows = store._fetch(
        f"""WITH q AS (
            SELECT u.lexeme FROM unnest(%s::text[]) AS term,
                LATERAL unnest(to_tsvector('{TS_CONFIG}', term)) AS u
        ), terms AS (
            SELECT q.lexeme, count(*) AS repeats,
                (SELECT count(*) FROM chunks x
                  WHERE x.tsv @@ to_tsquery('simple', quote_literal(q.lexeme))) AS df
            FROM q GROUP BY q.lexeme
        ), stats AS (
            SELECT greatest(chunks, 1)::float8 AS n,
                greatest(tokens::float8 / greatest(chunks, 1), 1e-9) AS avgdl
            FROM knowledge_stats
        ), cand AS MATERIALIZED (
            SELECT c.id, c.tsv, c.fts_len
            FROM chunks c JOIN documents d ON d.id = c.document_id
            JOIN collections col ON col.id = d.collection_id
            WHERE c.tsv @@ to_tsquery('{TS_CONFIG}', %s){where}
        )
        SELECT cand.id, sum(
            t.repeats * greatest(ln((s.n - t.df + 0.5) / (t.df + 0.5)), 1e-6)
            * (m.tf * {_K1 + 1}) / (m.tf + {_K1} * (1 - {_B} + {_B} * cand.fts_len / s.avgdl))
          ) AS score
        FROM cand
        CROSS JOIN LATERAL (
            SELECT u.lexeme, (SELECT sum(CASE w WHEN 'A' THEN %s::float8
                WHEN 'B' THEN %s::float8 ELSE 1.0 END) FROM unnest(u.weights) w) AS tf
            FROM unnest(cand.tsv) u
        ) m
        JOIN terms t ON t.lexeme = m.lexeme
        CROSS JOIN stats s
        GROUP BY cand.id ORDER BY score DESC, cand.id LIMIT %s""",
        [terms, " | ".join(terms), *params, store.title_weight, store.heading_weight, k],
    )
    return [ScoredChunk(int(r["id"]), float(r["score"])) for r in rows]
