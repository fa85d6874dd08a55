"""Search latency on PostgreSQL (BM25 over tsvector + pgvector HNSW) on a synthetic corpus.

The same corpus shape as bench/search_latency.py (zipf vocabulary, topic clusters of
384-d vectors), written through the store; then the HNSW index is rebuilt from scratch
to time the build, and queries run hybrid, hybrid with a selective filter, keyword and
vector, with HNSW recall@10 against an exact scan (also under the filter).
Run alone: `python bench/postgres_search.py [chunks]` (default 100,000).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from colonnade.knowledge.models import Chunk, Filters, NewDocument, SearchMode  # noqa: E402
from colonnade.knowledge.retriever import Retriever  # noqa: E402
from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore  # noqa: E402
from colonnade.settings import RetrievalSettings  # noqa: E402
from pg import EmbeddedPostgres  # noqa: E402
from search_latency import DIM, MODEL, PER_DOC, QueryVectors, _unit  # noqa: E402


class ExactStore(PostgresKnowledgeStore):
    """Index scans off: every vector query is an exact scan, the recall reference."""

    def _configure(self, conn: Any) -> None:
        super()._configure(conn)
        conn.execute("SET enable_indexscan = off")


def write_corpus(
    store: PostgresKnowledgeStore, n_chunks: int, console: Console
) -> tuple[np.ndarray, list[str], int]:
    rng = np.random.default_rng(7)
    vocab = [f"term{i}" for i in range(20_000)]
    zipf = 1 / np.arange(1, len(vocab) + 1) ** 1.1
    zipf /= zipf.sum()
    centroids = _unit(rng.standard_normal((500, DIM)))
    store.ensure_collection("synthetic")
    store.ensure_collection("other")
    idx = store.create_index(MODEL, DIM, activate=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"writing {n_chunks:,} synthetic chunks", total=n_chunks)
        for d in range(n_chunks // PER_DOC):
            words = rng.choice(len(vocab), size=(PER_DOC, 60), p=zipf)
            texts = [" ".join(vocab[w] for w in row) for row in words]
            chunks, pos = [], 0
            for i, t in enumerate(texts):
                chunks.append(Chunk(i, t, ("Section",), None, pos, pos + len(t), 60))
                pos += len(t) + 2
            topic = rng.integers(len(centroids))
            vectors = _unit(
                centroids[topic]
                + 0.05 * rng.standard_normal(DIM)
                + 0.04 * rng.standard_normal((PER_DOC, DIM))
            )
            doc = NewDocument(
                collection="synthetic" if d % 10 else "other",
                source_uri=f"synthetic://{d}",
                title=f"Document {d}",
                doc_type="text",
                content_hash=str(d),
                fingerprint="f",
                size_bytes=pos,
                modified_at=datetime(2026, 1, 1, tzinfo=UTC),
                language="en",
                text="\n\n".join(texts),
                chunks=chunks,
                metadata={"team": f"t{d % 7}"},
            )
            store.write_document(doc, vectors, idx.id)
            progress.advance(task, PER_DOC)
    return centroids, vocab, idx.id


def rebuild_hnsw(url: str, index_id: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP INDEX vectors_hnsw_{index_id}".encode())
        conn.execute(b"SET maintenance_work_mem = '512MB'")
        t0 = time.perf_counter()
        conn.execute(
            f"CREATE INDEX vectors_hnsw_{index_id} ON vectors USING hnsw"
            f" ((embedding::vector({DIM})) vector_cosine_ops) WHERE index_id = {index_id}".encode()
        )
        seconds = time.perf_counter() - t0
        conn.execute(b"ANALYZE")
    return seconds


def run_postgres_search(
    console: Console, n_chunks: int = 100_000, data: Path | None = None, n_queries: int = 200
) -> dict[str, object]:
    data = data or ROOT / "bench" / ".data" / "pgsearch"
    server = EmbeddedPostgres(data)
    try:
        url = server.new_database()
        store = PostgresKnowledgeStore(url, pool_size=2)
        t0 = time.perf_counter()
        centroids, vocab, index_id = write_corpus(store, n_chunks, console)
        write_s = time.perf_counter() - t0
        build_s = rebuild_hnsw(url, index_id)
        console.print(f"  corpus written in {write_s:.0f} s; HNSW build {build_s:.1f} s")
        rng = np.random.default_rng(11)
        qvecs = _unit(
            centroids[rng.integers(len(centroids), size=n_queries)]
            + 0.06 * rng.standard_normal((n_queries, DIM))
        )
        queries = [
            " ".join(vocab[int(i)] for i in rng.integers(5, 3000, size=4)) for _ in range(n_queries)
        ]
        selective = Filters(collections=["other"], metadata={"team": "t3"})  # 1 document in 70
        results: dict[str, object] = {
            "chunks": n_chunks,
            "queries": n_queries,
            "write_s": write_s,
            "hnsw_build_s": build_s,
        }
        retriever = Retriever(
            store, QueryVectors(qvecs), RetrievalSettings(top_k=10, feedback_chunks=0)
        )  # type: ignore[arg-type]
        for name, mode, filters in (
            ("hybrid", SearchMode.hybrid, Filters()),
            ("hybrid+filter", SearchMode.hybrid, selective),
            ("keyword", SearchMode.keyword, Filters()),
            ("vector", SearchMode.vector, Filters()),
            ("vector+filter", SearchMode.vector, selective),
        ):
            retriever.embedder.next = 0  # type: ignore[attr-defined]
            times = [
                retriever.search(q, filters=filters, mode=mode, top_k=10).timings_ms["search_ms"]
                for q in queries
            ]
            results[name] = {
                "p50_ms": float(np.percentile(times, 50)),
                "p99_ms": float(np.percentile(times, 99)),
            }
        exact = ExactStore(url, pool_size=1)
        for name, filters in (("recall@10", Filters()), ("recall@10 filtered", selective)):
            overlap = []
            for q in qvecs[:100]:
                a = {h.chunk_id for h in store.vector_search(q, filters, 10, index_id=index_id)}
                b = {h.chunk_id for h in exact.vector_search(q, filters, 10, index_id=index_id)}
                overlap.append(len(a & b) / max(len(b), 1))
            results[name] = float(np.mean(overlap))
        exact.close()
        store.close()
    finally:
        server.stop()
    table = Table(
        "mode",
        "p50 ms",
        "p99 ms",
        title=f"PostgreSQL search at {n_chunks:,} chunks, query embedding excluded, {os.cpu_count()} cores",
    )
    for name in ("hybrid", "hybrid+filter", "keyword", "vector", "vector+filter"):
        f = results[name]
        assert isinstance(f, dict)
        table.add_row(name, f"{f['p50_ms']:.1f}", f"{f['p99_ms']:.1f}")
    console.print(table)
    console.print(
        f"  HNSW recall@10 vs exact: {results['recall@10']:.3f} (filtered: {results['recall@10 filtered']:.3f}); "
        f"index build {build_s:.1f} s; writes {write_s:.0f} s"
    )
    return results


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    run_postgres_search(Console(), *(args[:1] or [100_000]), n_queries=(args[1:2] or [200])[0])
