"""Top-k BM25 from an inverted index, scored as FTS5's ``bm25()`` and pruned exactly.

BM25 (k1 1.2, b 0.75): a term's frequency in a chunk is its positions weighted by field
(title 'A', headings 'B', body); IDF = ln((N - df + 0.5) / (df + 0.5)), floored at
1e-6; length is the chunk's indexed words against the average over every chunk. Each
term adds less than ``repeats * IDF * (k1 + 1)`` to a chunk's score: its bound.

``chunk_postings`` (kept at ingest by the chunks' triggers) holds, per lexeme and
chunk, the counts by field and the chunk's length, behind one index that a query's
postings are read from without touching the chunks; ``chunk_lexemes`` holds each
lexeme's df. The search is MaxScore-like: the terms are taken rarest first (highest
bound first), and the chunks holding one of the first ``j`` are scored exactly. A chunk
holding none of them scores less than the other terms' bounds summed; when the k-th
score found (filters applied) beats that sum, no other chunk can enter the top k and
the answer is exact. The search starts with the fewest rarest terms that k chunks
hold; if that does not settle it, its k-th score is still a floor of the final one, so
the next step takes just enough terms that the others' bounds sum below it (with every
term, every posting), and its answer is exact. All the steps read one snapshot, so a
concurrent write never mixes two corpus states.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["K1", "TS_CONFIG", "B", "Fetch", "Term", "bm25_top_k", "score_sql"]

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
        (SELECT greatest(chunks, 1)::float8 FROM knowledge_stats) AS n,
        (SELECT bool_or(numnode(to_tsquery('{TS_CONFIG}', x)) > 1)
           FROM unnest(%s::text[]) AS x) AS compound
    FROM t ORDER BY t.lexeme"""


def score_sql(where: str, *, restrict: bool, check_match: bool) -> str:
    """Exact BM25 from the query's postings (restricted: of the chunks holding a prefix term).

    The postings are summed per chunk from one index (index-only), sorted by score, and
    joined to the filters in that order, so an unselective filter reads k chunks.
    ``check_match`` keeps a chunk only if its tsvector matches the query as
    ``to_tsquery`` parses it, where a term is more than one lexeme.
    """
    if restrict:
        source = """(SELECT DISTINCT e.chunk_id FROM chunk_postings e
                WHERE e.lexeme = ANY(%s::text[])) cand
            JOIN chunk_postings p ON p.chunk_id = cand.chunk_id AND p.lexeme = ANY(%s::text[])
            JOIN terms t ON t.lexeme = p.lexeme"""
    else:
        source = "terms t JOIN chunk_postings p ON p.lexeme = t.lexeme"
    match = f" AND c.tsv @@ to_tsquery('{TS_CONFIG}', %s)" if check_match else ""
    return f"""WITH terms AS (
        SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) AS t(lexeme, repeats, df)
    ), stats AS (
        SELECT greatest(chunks, 1)::float8 AS n,
            greatest(tokens::float8 / greatest(chunks, 1), 1e-9) AS avgdl
        FROM knowledge_stats
    ), scored AS MATERIALIZED (
        SELECT p.chunk_id, sum(
            t.repeats * greatest(ln((s.n - t.df + 0.5) / (t.df + 0.5)), 1e-6)
            * (m.tf * {K1 + 1}) / (m.tf + {K1} * (1 - {B} + {B} * p.chunk_len / s.avgdl))
          ) AS score
        FROM {source}
        CROSS JOIN stats s
        CROSS JOIN LATERAL (SELECT p.title_n * %s::float8 + p.heading_n * %s::float8
            + p.body_n * 1.0::float8 AS tf) m
        GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id
    )
    SELECT sc.chunk_id AS id, sc.score
    FROM scored sc JOIN chunks c ON c.id = sc.chunk_id
    JOIN documents d ON d.id = c.document_id
    JOIN collections col ON col.id = d.collection_id
    WHERE TRUE{match}{where}
    ORDER BY sc.score DESC, sc.chunk_id LIMIT %s"""


def bm25_top_k(
    fetch: Fetch,
    terms: Sequence[str],
    filters: tuple[list[str], list[Any]],
    k: int,
    weights: tuple[float, float],
) -> tuple[list[tuple[int, float]], int]:
    """The top ``k`` (chunk id, score) and how many of the query's terms were needed."""
    rows = fetch(TERMS_SQL, [list(terms), list(terms)])
    if not rows:
        return [], 0
    n, compound = float(rows[0]["n"]), bool(rows[0]["compound"])
    # highest bound first (rarest); ties by lexeme, so the order is reproducible
    ordered = sorted(
        (Term(r["lexeme"], int(r["repeats"]), int(r["df"])) for r in rows),
        key=lambda t: (-t.bound(n), t.lexeme),
    )
    clauses, params = filters
    where = "".join(f" AND {c}" for c in clauses)
    lexemes = [t.lexeme for t in ordered]
    head = [lexemes, [t.repeats for t in ordered], [t.df for t in ordered]]
    tail = [*weights, *([" | ".join(terms)] if compound else []), *params, k]
    # rest[j]: more than any chunk holding none of the first j terms can score
    rest = [sum(t.bound(n) for t in ordered[j:]) for j in range(len(ordered) + 1)]

    def scored(j: int) -> list[dict[str, Any]]:
        if j == len(ordered):
            return fetch(score_sql(where, restrict=False, check_match=compound), [*head, *tail])
        sql = score_sql(where, restrict=True, check_match=compound)
        return fetch(sql, [*head, lexemes[:j], lexemes, *tail])

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
