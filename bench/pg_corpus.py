"""A synthetic corpus bulk-loaded into the PostgreSQL knowledge store with COPY.

Reproducible from one seed: documents of ``PER_DOC`` chunks spread over collections of
unequal size and ACL groups, chunk text drawn from a Zipf-weighted list of pronounceable
words, and 384-d unit vectors clustered by topic (a document's chunks sit near its topic,
so nearest neighbours mean something, as with real embeddings). The rows are the ones
``PostgresKnowledgeStore.write_document`` writes (the same tsvector weights, ``fts_len``
and JSON), loaded with COPY and one ``INSERT ... SELECT`` per worker, with the GIN and HNSW
indexes (and the keyword postings' index) dropped during the load and rebuilt after it so
their build times are measured; the chunks' triggers write the postings and lexeme counts.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore
from colonnade.knowledge.stores.postgres_search import TS_CONFIG

__all__ = [
    "ACL_GROUPS",
    "COLLECTIONS",
    "DIM",
    "MODEL",
    "Corpus",
    "LoadTimes",
    "load_corpus",
]

DIM = 384
MODEL = "bench/synthetic-384"
PER_DOC = 10
WORDS_PER_CHUNK = 80
HEADING = "Section"
# collection -> share of documents: the small ones make collection filters selective
COLLECTIONS = {
    "policies": 0.40,
    "engineering": 0.25,
    "support": 0.15,
    "finance": 0.10,
    "legal": 0.06,
    "research": 0.04,
}
ACL_GROUPS = 20  # each document is open to one group: an ACL filter keeps one in 20
BATCH_DOCS = 1000


def word_list(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct pronounceable words of two to four syllables, in a seeded order."""
    onsets = [*"bdfgklmnprstvz", "br", "st", "tr", "pl", "gr", "sh"]
    syllables = [o + v for o in onsets for v in "aeiou"]
    words: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        parts = rng.integers(len(syllables), size=int(rng.integers(2, 5)))
        word = "".join(syllables[p] for p in parts)
        if word not in words:
            words.add(word)
            out.append(word)
    return out


@dataclass
class Corpus:
    """What queries are drawn from: the topics' centres and the word list."""

    chunks: int
    documents: int
    centroids: np.ndarray
    vocab: list[str]
    index_id: int


@dataclass
class LoadTimes:
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, t0: float) -> None:
        self.seconds[name] = time.perf_counter() - t0


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _batches(
    n_docs: int, rng: np.random.Generator, vocab: np.ndarray, cdf: np.ndarray, centroids: np.ndarray
) -> Iterator[tuple[int, list[str], np.ndarray, np.ndarray]]:
    """(first document number, chunk texts, chunk vectors, document topics) per batch."""
    for start in range(0, n_docs, BATCH_DOCS):
        docs = min(BATCH_DOCS, n_docs - start)
        words = np.searchsorted(cdf, rng.random((docs * PER_DOC, WORDS_PER_CHUNK)))
        texts = [" ".join(row) for row in vocab[words].tolist()]
        topics = rng.integers(len(centroids), size=docs)
        doc_centres = centroids[topics] + 0.05 * rng.standard_normal((docs, DIM))
        vectors = _unit(
            np.repeat(doc_centres, PER_DOC, axis=0)
            + 0.04 * rng.standard_normal((docs * PER_DOC, DIM))
        )
        yield start, texts, vectors, topics


def load_corpus(
    store: PostgresKnowledgeStore, n_chunks: int, *, seed: int = 7, workers: int = 2
) -> tuple[Corpus, LoadTimes]:
    """Fill an empty store with ``n_chunks`` synthetic chunks and build its indexes."""
    rng = np.random.default_rng(seed)
    n_docs = max(1, n_chunks // PER_DOC)
    vocab = word_list(30_000, rng)
    zipf = 1 / np.arange(1, len(vocab) + 1) ** 1.07
    cdf = np.cumsum(zipf / zipf.sum())
    cdf[-1] = 1.0
    centroids = _unit(rng.standard_normal((500, DIM)))
    names = list(COLLECTIONS)
    shares = np.array(list(COLLECTIONS.values()))
    for name in names:
        store.ensure_collection(name)
    index = store.create_index(MODEL, DIM, activate=True)
    times = LoadTimes()
    url = store.url
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        col_ids = {
            r[0]: int(r[1]) for r in conn.execute("SELECT name, id FROM collections").fetchall()
        }
        conn.execute("DROP INDEX chunks_tsv")
        # the inverted index's postings are written by the chunks' trigger and indexed after
        conn.execute("ALTER TABLE chunk_postings DROP CONSTRAINT chunk_postings_pkey")
        conn.execute(f"DROP INDEX vectors_hnsw_{index.id}".encode())
        # vectors reference chunks, which come from the staging table at the end: the
        # foreign key is put back (and checked) once they are in
        conn.execute("ALTER TABLE vectors DROP CONSTRAINT vectors_chunk_id_fkey")
        conn.execute(
            "CREATE UNLOGGED TABLE bench_stage (id BIGINT, document_id TEXT, ordinal INT,"
            " body TEXT, title TEXT)"
        )
        doc_collection = rng.choice(len(names), size=n_docs, p=shares / shares.sum())
        doc_group = rng.integers(ACL_GROUPS, size=n_docs)
        at = datetime(2026, 1, 1, tzinfo=UTC)
        t_gen = t_copy = 0.0
        t0 = time.perf_counter()
        cur = conn.cursor()
        batches = _batches(n_docs, rng, np.array(vocab, dtype=object), cdf, centroids)
        while True:
            g0 = time.perf_counter()
            batch = next(batches, None)
            t_gen += time.perf_counter() - g0
            if batch is None:
                break
            start, texts, vectors, topics = batch
            c0 = time.perf_counter()
            with conn.transaction():
                with cur.copy(
                    "COPY documents (id, collection_id, source_uri, title, doc_type,"
                    " content_hash, fingerprint, size_bytes, modified_at, language, metadata,"
                    " acl, body, created_at, updated_at) FROM STDIN"
                ) as copy:
                    for i in range(len(topics)):
                        d = start + i
                        copy.write_row(
                            (
                                f"doc{d:08d}",
                                col_ids[names[doc_collection[d]]],
                                f"synthetic://{d}",
                                f"Document {d}",
                                "text",
                                str(d),
                                "f",
                                WORDS_PER_CHUNK * 8 * PER_DOC,
                                at,
                                "en",
                                json.dumps({"topic": int(topics[i])}),
                                json.dumps({"groups": [f"g{doc_group[d]:02d}"]}),
                                f"Document {d}",
                                at,
                                at,
                            )
                        )
                first_chunk = start * PER_DOC
                with cur.copy(
                    "COPY bench_stage (id, document_id, ordinal, body, title) FROM STDIN"
                ) as copy:
                    for j, text in enumerate(texts):
                        d = start + j // PER_DOC
                        copy.write_row(
                            (first_chunk + j + 1, f"doc{d:08d}", j % PER_DOC, text, f"Document {d}")
                        )
                with cur.copy(
                    "COPY vectors (index_id, chunk_id, embedding) FROM STDIN WITH (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(["int8", "int8", "vector"])
                    for j, v in enumerate(vectors):
                        copy.write_row((index.id, first_chunk + j + 1, v))
            t_copy += time.perf_counter() - c0
        times.seconds["generate"] = t_gen
        times.seconds["copy"] = t_copy
        total = n_docs * PER_DOC
        t0 = time.perf_counter()
        edges = np.linspace(0, total, workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda r: _insert_chunks(url, *r), itertools.pairwise(edges)))
        times.timed("tsvector_insert", t0)
        conn.execute("DROP TABLE bench_stage")
        conn.execute("SELECT setval('chunks_id_seq', %s)", (max(total, 1),))
        conn.execute(
            "ALTER TABLE vectors ADD CONSTRAINT vectors_chunk_id_fkey FOREIGN KEY (chunk_id)"
            " REFERENCES chunks(id) ON DELETE CASCADE"
        )
        conn.execute("UPDATE knowledge_stats SET generation = generation + 1")
        t0 = time.perf_counter()
        for table in ("documents", "chunks", "vectors", "chunk_postings", "chunk_lexemes"):
            conn.execute(f"VACUUM ANALYZE {table}".encode())
        times.timed("vacuum_analyze", t0)
        conn.execute("SET maintenance_work_mem = '4GB'")
        conn.execute(f"SET max_parallel_maintenance_workers = {max(workers - 1, 0)}".encode())
        t0 = time.perf_counter()
        conn.execute("CREATE INDEX chunks_tsv ON chunks USING gin (tsv)")
        times.timed("gin_build", t0)
        t0 = time.perf_counter()
        conn.execute(
            "ALTER TABLE chunk_postings ADD PRIMARY KEY (lexeme, chunk_id)"
            " INCLUDE (title_n, heading_n, body_n, chunk_len)"
        )
        conn.execute("VACUUM ANALYZE chunk_postings")  # all-visible: index-only scans
        times.timed("postings_index_build", t0)
        t0 = time.perf_counter()
        # the definition PostgresKnowledgeStore.create_index gives every index version
        conn.execute(
            f"CREATE INDEX vectors_hnsw_{index.id} ON vectors USING hnsw"
            f" ((embedding::vector({DIM})) vector_cosine_ops) WHERE index_id = {index.id}".encode()
        )
        times.timed("hnsw_build", t0)
        conn.execute("ANALYZE")
    return Corpus(total, n_docs, centroids, vocab, index.id), times


def _insert_chunks(url: str, lo: int, hi: int) -> None:
    """Chunks ``lo < id <= hi`` from the staging table, weighted as the store weights them."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"""INSERT INTO chunks(id, document_id, ordinal, body, heading_path, page,
                start_char, end_char, token_count, tsv, fts_len)
            SELECT id, document_id, ordinal, body, %s::jsonb, NULL,
                ordinal * (length(body) + 2), ordinal * (length(body) + 2) + length(body),
                {WORDS_PER_CHUNK},
                setweight(to_tsvector('{TS_CONFIG}', title), 'A')
                  || setweight(to_tsvector('{TS_CONFIG}', %s), 'B')
                  || setweight(to_tsvector('{TS_CONFIG}', body), 'D'),
                %s + {WORDS_PER_CHUNK}
            FROM bench_stage WHERE id > %s AND id <= %s""".encode(),
            (json.dumps([HEADING]), HEADING, 2 + 1, int(lo), int(hi)),
        )
