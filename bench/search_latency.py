"""Search latency on a synthetic corpus in SQLite, exact and HNSW: 100k chunks in
`make bench`; any size with `python bench/search_latency.py --chunks N` (results in
bench/results/search_<N>.json)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress

from colonnade.knowledge.models import Chunk, Filters, NewDocument, SearchMode
from colonnade.knowledge.retriever import Retriever
from colonnade.knowledge.stores import SQLiteKnowledgeStore
from colonnade.settings import RetrievalSettings

DIM = 384
N_CHUNKS = int(os.environ.get("COLONNADE_BENCH_SQLITE_CHUNKS", "100000"))
PER_DOC = 10
MODEL = "bench/synthetic-384"


class QueryVectors:
    """An embedder that hands out prepared query vectors: embedding time is not measured here."""

    model_id = MODEL
    dimension = DIM

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.next = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query(self, text: str) -> np.ndarray:
        v = self.vectors[self.next % len(self.vectors)]
        self.next += 1
        return v


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def build(path: Path, console: Console) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(7)
    vocab = [f"term{i}" for i in range(20_000)]
    zipf = 1 / np.arange(1, len(vocab) + 1) ** 1.1
    zipf /= zipf.sum()
    # topics -> documents -> chunks: neighbours are meaningful, as with real embeddings
    centroids = _unit(rng.standard_normal((500, DIM)))
    if path.exists():  # always rebuilt: the figures include nothing left from earlier runs
        path.unlink()
    store = SQLiteKnowledgeStore(path)
    store.ensure_collection("synthetic")
    store.ensure_collection("other")
    idx = store.create_index(MODEL, DIM, activate=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"writing {N_CHUNKS:,} synthetic chunks", total=N_CHUNKS)
        for d in range(N_CHUNKS // PER_DOC):
            words = rng.choice(len(vocab), size=(PER_DOC, 60), p=zipf)
            texts = [" ".join(vocab[w] for w in row) for row in words]
            chunks, pos = [], 0
            for i, t in enumerate(texts):
                chunks.append(Chunk(i, t, ("Section",), None, pos, pos + len(t), 60))
                pos += len(t) + 2
            topic = rng.integers(len(centroids))
            doc_centre = centroids[topic] + 0.05 * rng.standard_normal(DIM)
            vectors = _unit(doc_centre + 0.04 * rng.standard_normal((PER_DOC, DIM)))
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
    store.close()
    return centroids, vocab


def run_search_latency(
    data: Path, console: Console, keyword_terms: Callable[[str], list[str]], n_queries: int = 300
) -> dict[str, object]:
    data.mkdir(parents=True, exist_ok=True)
    path = data / "synthetic.db"
    t0 = time.perf_counter()
    centroids, vocab = build(path, console)
    console.print(f"  corpus ready: {N_CHUNKS:,} chunks ({time.perf_counter() - t0:.0f} s)")
    rng = np.random.default_rng(11)
    qvecs = _unit(
        centroids[rng.integers(len(centroids), size=n_queries)]
        + 0.06 * rng.standard_normal((n_queries, DIM))
    )
    queries = [
        " ".join(vocab[int(i)] for i in rng.integers(5, 3000, size=4)) for _ in range(n_queries)
    ]
    results: dict[str, object] = {
        "chunks": N_CHUNKS,
        "queries": n_queries,
        "corpus_build_s": time.perf_counter() - t0,
    }
    exact_top: list[set[int]] = []
    for label, threshold in (("exact", 10**9), ("hnsw", 1)):
        store = SQLiteKnowledgeStore(path, ann_threshold=threshold)
        t_load = time.perf_counter()
        idx = store.active_index()
        assert idx is not None
        store.vector_search(qvecs[0], Filters(), 1, index_id=idx.id)  # load (and build the graph)
        load_s = time.perf_counter() - t_load
        retriever = Retriever(store, QueryVectors(qvecs), RetrievalSettings(top_k=10))  # type: ignore[arg-type]
        row: dict[str, object] = {"load_or_build_s": load_s}
        for name, mode, filters in (
            ("hybrid", SearchMode.hybrid, Filters()),
            (
                "hybrid+filter",
                SearchMode.hybrid,
                Filters(collections=["synthetic"], metadata={"team": "t3"}),
            ),
            ("keyword", SearchMode.keyword, Filters()),
            ("vector", SearchMode.vector, Filters()),
        ):
            retriever.embedder.next = 0  # type: ignore[attr-defined]
            times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
            for q in queries:
                r = retriever.search(q, filters=filters, mode=mode, top_k=10)
                times.append(r.timings_ms["search_ms"])
            cpu = (time.process_time() - cpu0) / len(queries) * 1000
            wall = (time.perf_counter() - wall0) / len(queries) * 1000
            row[name] = {
                "p50_ms": float(np.percentile(times, 50)),
                "p99_ms": float(np.percentile(times, 99)),
                "cpu_ms_per_query": cpu,
                "wall_ms_per_query_all_in": wall,
            }
        tops = [
            {h.chunk_id for h in store.vector_search(q, Filters(), 10, index_id=idx.id)}
            for q in qvecs
        ]
        if label == "exact":
            exact_top = tops
        else:
            row["recall@10_vs_exact"] = float(
                np.mean([len(a & b) / 10 for a, b in zip(tops, exact_top, strict=True)])
            )
        results[label] = row
        store.close()
    import os

    from rich.table import Table

    table = Table(
        "vector search",
        "mode",
        "p50 ms",
        "p99 ms",
        "mean ms all-in",
        "CPU ms/query",
        title=f"Search at {N_CHUNKS:,} chunks, query embedding excluded, {os.cpu_count()} cores",
    )
    for label in ("exact", "hnsw"):
        row = results[label]
        assert isinstance(row, dict)
        for name in ("hybrid", "hybrid+filter", "keyword", "vector"):
            f = row[name]
            table.add_row(
                label,
                name,
                f"{f['p50_ms']:.1f}",
                f"{f['p99_ms']:.1f}",
                f"{f['wall_ms_per_query_all_in']:.1f}",
                f"{f['cpu_ms_per_query']:.1f}",
            )
    console.print(table)
    hnsw = results["hnsw"]
    assert isinstance(hnsw, dict)
    console.print(
        f"  HNSW recall@10 vs exact: {hnsw['recall@10_vs_exact']:.3f}; graph build {hnsw['load_or_build_s']:.1f} s"
        " (targets: hybrid p50 <= 30 ms, p99 <= 100 ms)"
    )
    return results


def main() -> None:
    import argparse
    import json
    import platform
    import tempfile

    from colonnade.knowledge.query_text import keyword_terms

    global N_CHUNKS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=N_CHUNKS)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    N_CHUNKS = args.chunks
    console = Console()
    machine = {"cores": os.cpu_count(), "python": platform.python_version()}
    with tempfile.TemporaryDirectory() as tmp:
        results = run_search_latency(Path(tmp), console, keyword_terms, args.queries)
    out = Path(__file__).parent / "results" / f"search_{N_CHUNKS}.json"
    out.write_text(json.dumps({"machine": machine, "search": results}, indent=2) + "\n")
    console.print(f"results written to {out}")


if __name__ == "__main__":
    main()
