"""Top-k BM25 over the weighted tsvector, scored as FTS5's ``bm25()`` and pruned exactly.

BM25 (k1 1.2, b 0.75): a term's frequency in a chunk is its positions weighted by field
(title 'A', headings 'B', body 'D'); IDF = ln((N - df + 0.5) / (df + 0.5)), floored at
1e-6; length is the chunk's indexed words against the average over every chunk. Each
term adds less than ``repeats * IDF * (k1 + 1)`` to a chunk's score: its bound.

Scoring every chunk that matches a common word costs as much as the corpus, so the
search is MaxScore-like: the terms are taken rarest first (highest bound first), and the
chunks holding one of the first ``j`` are scored exactly, filters applied. A chunk
holding none of them scores less than the bounds of the other terms summed; when the
k-th score found already beats that sum, no other chunk can enter the top k and the
answer is exact. The search starts with the fewest rarest terms that k chunks hold; if
their k-th score does not settle it, that score is still a floor of the final k-th
score, so the next step takes just enough terms that the others' bounds sum below it
(with every term, the full scan), and its answer is exact. Document frequencies come
from ``chunk_lexemes`` (kept at ingest), and all the steps read one snapshot, so a
concurrent write never mixes two corpus states. A chunk's score reads only its
tsvector's query lexemes (``ts_delete`` keeps them), and no tsvector is held.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["K1", "TS_CONFIG", "B", "Fetch", "Term", "bm25_top_k", "score_sql", "tsquery_of"]

# the text search configuration of the tsvector and of queries (stemming, stop words)
TS_CONFIG = "english"
# FTS5's bm25() constants
K1, B = 1.2, 0.75
# relative slack on the stopping test, far above float8 rounding of a few additions
_SLACK = 1e-9

Fetch = Callable[[str, Sequence[Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Term:
    lexeme: str
    repeats: int
    df: int

    def bound(self, n: float) -> float:
        """More than this term can add to any chunk's score (tf / (tf + K) < 1)."""
        idf = max(math.log((n - self.df + 0.5) / (self.df + 0.5)), 1e-6)
        return self.repeats * idf * (K1 + 1)


# the query's lexemes, how often each occurs in it, and their df; a lexeme the 'simple'
# parser would split (so a one-lexeme tsquery cannot be made of it) is counted by GIN,
# as a tsquery of it would match
TERMS_SQL = f"""WITH q AS (
        SELECT u.lexeme FROM unnest(%s::text[]) AS term,
            LATERAL unnest(to_tsvector('{TS_CONFIG}', term)) AS u
    ), t AS (
        SELECT q.lexeme, count(*) AS repeats,
            to_tsquery('simple', quote_literal(q.lexeme)) AS tq
        FROM q GROUP BY q.lexeme
    )
    SELECT t.lexeme, t.repeats,
        CASE WHEN t.tq::text = quote_literal(t.lexeme)
            THEN coalesce((SELECT l.df FROM chunk_lexemes l WHERE l.lexeme = t.lexeme), 0)
            ELSE (SELECT count(*) FROM chunks x WHERE x.tsv @@ t.tq) END AS df,
        (SELECT greatest(chunks, 1)::float8 FROM knowledge_stats) AS n
    FROM t ORDER BY t.lexeme"""


def score_sql(where: str, *, restrict: bool) -> str:
    """Exact BM25 of the chunks matching the query (and, restricted, holding a prefix term).

    Each chunk is scored as it is read (its tsvector cut down to the query's lexemes),
    so no candidate's tsvector is kept; a top-N sort keeps the best k.
    """
    prefix = " AND c.tsv @@ %s::tsquery" if restrict else ""
    return f"""WITH terms AS (
        SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) AS t(lexeme, repeats, df)
    ), stats AS (
        SELECT greatest(chunks, 1)::float8 AS n,
            greatest(tokens::float8 / greatest(chunks, 1), 1e-9) AS avgdl
        FROM knowledge_stats
    )
    SELECT c.id, x.score
    FROM chunks c JOIN documents d ON d.id = c.document_id
    JOIN collections col ON col.id = d.collection_id
    CROSS JOIN stats s
    CROSS JOIN LATERAL (
        SELECT sum(
            t.repeats * greatest(ln((s.n - t.df + 0.5) / (t.df + 0.5)), 1e-6)
            * (m.tf * {K1 + 1}) / (m.tf + {K1} * (1 - {B} + {B} * c.fts_len / s.avgdl))
          ) AS score
        FROM (
            SELECT u.lexeme, (SELECT sum(CASE w WHEN 'A' THEN %s::float8
                WHEN 'B' THEN %s::float8 ELSE 1.0 END) FROM unnest(u.weights) w) AS tf
            FROM unnest(ts_delete(c.tsv, tsvector_to_array(ts_delete(c.tsv, %s::text[])))) u
            OFFSET 0
        ) m JOIN terms t ON t.lexeme = m.lexeme
    ) x
    WHERE c.tsv @@ to_tsquery('{TS_CONFIG}', %s){prefix}{where} AND x.score IS NOT NULL
    ORDER BY x.score DESC, c.id LIMIT %s"""


def tsquery_of(lexemes: Sequence[str]) -> str:
    """A tsquery matching any of ``lexemes`` as they are (quoted: no parsing, no stemming)."""
    return " | ".join("'" + x.replace("\\", "\\\\").replace("'", "''") + "'" for x in lexemes)


def bm25_top_k(
    fetch: Fetch,
    terms: Sequence[str],
    filters: tuple[list[str], list[Any]],
    k: int,
    weights: tuple[float, float],
) -> tuple[list[tuple[int, float]], int]:
    """The top ``k`` (chunk id, score) and how many of the query's terms were needed."""
    found = [
        (Term(r["lexeme"], int(r["repeats"]), int(r["df"])), float(r["n"]))
        for r in fetch(TERMS_SQL, [list(terms)])
    ]
    if not found:
        return [], 0
    n = found[0][1]
    # highest bound first (rarest); ties by lexeme, so the order is reproducible
    ordered = sorted((t for t, _ in found), key=lambda t: (-t.bound(n), t.lexeme))
    clauses, params = filters
    where = "".join(f" AND {c}" for c in clauses)
    head = [
        [t.lexeme for t in ordered],
        [t.repeats for t in ordered],
        [t.df for t in ordered],
        *weights,
        [t.lexeme for t in ordered],
        " | ".join(terms),
    ]
    tail = [*params, k]
    # rest[j]: more than any chunk holding none of the first j terms can score
    rest = [sum(t.bound(n) for t in ordered[j:]) for j in range(len(ordered) + 1)]

    def scored(j: int) -> list[dict[str, Any]]:
        if j == len(ordered):
            return fetch(score_sql(where, restrict=False), [*head, *tail])
        prefix = tsquery_of([t.lexeme for t in ordered[:j]])
        return fetch(score_sql(where, restrict=True), [*head, prefix, *tail])

    def settled(rows: list[dict[str, Any]], j: int) -> bool:
        return len(rows) == k and float(rows[-1]["score"]) > rest[j] * (1 + _SLACK)

    # first the fewest rarest terms that k chunks hold
    held, j = 0, 0
    while j < len(ordered) and held < k:
        held += ordered[j].df
        j += 1
    rows = scored(j)
    if j < len(ordered) and not settled(rows, j):
        # the k-th score found is a floor of the final one: the terms whose bounds sum
        # below it cannot lift a chunk holding none of the others into the top k
        floor = float(rows[-1]["score"]) if len(rows) == k else 0.0
        j = next(
            (i for i in range(j + 1, len(ordered)) if floor > rest[i] * (1 + _SLACK)), len(ordered)
        )
        rows = scored(j)
        if j < len(ordered) and not settled(rows, j):  # float rounding at the edge
            j = len(ordered)
            rows = scored(j)
    return [(int(r["id"]), float(r["score"])) for r in rows], j
