"""Search latency on PostgreSQL + pgvector at N synthetic chunks (bench/pg_corpus.py).

The corpus is bulk-loaded with COPY, then the GIN and HNSW indexes are built (timed).
Queries go through the Retriever with the production retrieval settings (query
embedding excluded: the query vectors are prepared), unfiltered, under an ACL filter
(one group in 20) and under a selective filter (a 10% collection and one group: about
0.5% of the chunks). Each row reports p50/p99, client and server CPU per query, errors,
and how many queries came back with fewer than k hits. Beside them, in the same run, the
floors: a round trip to the server, and an exact (sequential) vector scan. HNSW recall@10
is measured against the exact scan, unfiltered and under the selective filter, and the
vector leg's row count under that filter shows whether ``hnsw.iterative_scan`` kept it full.

Run alone: `python bench/postgres_search.py --chunks 100000` (or COLONNADE_BENCH_PG_CHUNKS);
results go to bench/results/postgres_search_<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from tests.knowledge.stores.bm25_reference import reference_keyword_search  # noqa: E402

from colonnade.knowledge.models import Access, Filters, SearchMode  # noqa: E402
from colonnade.knowledge.query_text import keyword_terms  # noqa: E402
from colonnade.knowledge.retriever import Retriever  # noqa: E402
from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore  # noqa: E402
from colonnade.knowledge.stores.postgres_keyword import bm25_top_k  # noqa: E402
from colonnade.knowledge.stores.postgres_sql import pg_filter_sql  # noqa: E402
from colonnade.settings import RetrievalSettings  # noqa: E402
from pg import EmbeddedPostgres  # noqa: E402
from pg_corpus import ACL_GROUPS, DIM, Corpus, load_corpus  # noqa: E402
from search_latency import QueryVectors  # noqa: E402  (the same model id: bench/synthetic-384)

DEFAULT_CHUNKS = int(os.environ.get("COLONNADE_BENCH_PG_CHUNKS", "10000"))
K = 10
SETTINGS = RetrievalSettings(top_k=K)  # the production defaults: 100 candidates, feedback on
ACL = Filters(access=Access(user="bench-user", groups=("g07",)))
SELECTIVE = Filters(collections=["finance"], access=Access(user="bench-user", groups=("g07",)))


class ExactStore(PostgresKnowledgeStore):
    """Index scans off: every vector query is an exact scan, the floor and the recall reference."""

    def _configure(self, conn: Any) -> None:
        super()._configure(conn)
        conn.execute("SET enable_indexscan = off")


class ForcedHnswStore(PostgresKnowledgeStore):
    """Explicit sorts priced out: the ordered HNSW index scan is the plan, filter or not."""

    def _configure(self, conn: Any) -> None:
        super()._configure(conn)
        conn.execute("SET enable_sort = off")


class ServerCpu:
    """CPU seconds of the server's processes (its backends serve the pool's connections)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)

    def seconds(self) -> dict[int, float]:
        out = {}
        for p in [self.root, *self.root.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            out[p.pid] = t.user + t.system
        return out

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def measure(
    n: int, run: Callable[[int], int], server: ServerCpu, warmup: int = 5
) -> dict[str, object]:
    """``run(i)`` answers query i and returns its hit count; times, CPU, errors, short rows."""
    for i in range(min(warmup, n)):
        run(i)
    times: list[float] = []
    errors: dict[str, int] = {}
    short = 0
    cpu0, srv0 = time.process_time(), server.seconds()
    for i in range(n):
        t0 = time.perf_counter()
        try:
            hits = run(i)
        except Exception as exc:  # every failure is counted, per row
            key = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
            errors[key] = errors.get(key, 0) + 1
            continue
        times.append((time.perf_counter() - t0) * 1000)
        short += hits < K
    client = (time.process_time() - cpu0) / n * 1000
    srv = ServerCpu.spent(srv0, server.seconds()) / n * 1000
    ok = times or [float("nan")]
    return {
        "p50_ms": float(np.percentile(ok, 50)),
        "p99_ms": float(np.percentile(ok, 99)),
        "client_cpu_ms_per_query": client,
        "server_cpu_ms_per_query": srv,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "fewer_than_k": short,
    }


def uses_hnsw(
    store: PostgresKnowledgeStore, vector: np.ndarray, filters: Filters, index_id: int
) -> bool:
    """Whether the planner picks the HNSW index for the vector leg under ``filters``."""
    plans: list[str] = []
    original = store._fetch

    def explain(query: str, params: Any = ()) -> list[dict[str, Any]]:
        if "nearest" not in query:  # the index's dimension, read first
            return original(query, params)
        rows = original("EXPLAIN " + query, params)
        plans.extend(str(next(iter(r.values()))) for r in rows)
        return []

    store._fetch = explain  # type: ignore[method-assign]
    try:
        store.vector_search(vector, filters, SETTINGS.candidates, index_id=index_id)
    finally:
        del store._fetch
    return any(f"vectors_hnsw_{index_id}" in line for line in plans)


def run_postgres_search(
    console: Console,
    n_chunks: int = DEFAULT_CHUNKS,
    data: Path | None = None,
    n_queries: int = 200,
    keyword_floor: bool = True,
) -> dict[str, object]:
    data = data or ROOT / "bench" / ".data" / "pgsearch"
    server = EmbeddedPostgres(data)
    try:
        url = server.new_database()
        store = PostgresKnowledgeStore(url, pool_size=2)
        console.print(f"  loading {n_chunks:,} chunks with COPY, then building GIN and HNSW")
        t0 = time.perf_counter()
        corpus, load = load_corpus(store, n_chunks)
        load_s = time.perf_counter() - t0
        console.print(
            "  loaded in {:.0f} s: {}".format(
                load_s, ", ".join(f"{k} {v:.1f} s" for k, v in load.seconds.items())
            )
        )
        results = search_figures(store, url, corpus, server, n_queries, keyword_floor)
        results["load_s"] = load_s
        results["load_phases_s"] = load.seconds
        results["hnsw_build_chunks_per_s"] = corpus.chunks / max(load.seconds["hnsw_build"], 1e-9)
        results["settings"] = server_settings(store)
        store.close()
    finally:
        server.stop()
    print_table(console, results)
    return results


def search_figures(
    store: PostgresKnowledgeStore,
    url: str,
    corpus: Corpus,
    server: EmbeddedPostgres,
    n: int,
    keyword_floor: bool = True,
) -> dict[str, object]:
    rng = np.random.default_rng(11)
    qvecs = corpus.centroids[rng.integers(len(corpus.centroids), size=n)]
    qvecs = qvecs + 0.06 * rng.standard_normal((n, DIM))
    qvecs = (qvecs / np.linalg.norm(qvecs, axis=1, keepdims=True)).astype(np.float32)
    # mid-frequency words, as people type: neither stop-word-like nor unseen
    queries = [
        " ".join(corpus.vocab[int(i)] for i in rng.integers(30, 5000, size=int(rng.integers(2, 5))))
        for _ in range(n)
    ]
    cpu = ServerCpu(server.pid)
    exact = ExactStore(url, pool_size=1)
    idx = corpus.index_id
    # an exact scan reads every vector: a sample of the queries is enough for the floor
    # and the recall reference, and keeps the run short at a million chunks
    n_exact = min(n, max(20, 2_000_000 // max(corpus.chunks, 1)))
    filters = {"ACL": ACL, "selective": SELECTIVE}
    matching = {name: count_chunks(store, f) for name, f in filters.items()}
    results: dict[str, object] = {
        "chunks": corpus.chunks,
        "documents": corpus.documents,
        "queries": n,
        "exact_scan_queries": n_exact,
        "k": K,
        "acl_groups": ACL_GROUPS,
        "matching_chunks": matching,
        "retrieval": {
            "candidates": SETTINGS.candidates,
            "feedback_chunks": SETTINGS.feedback_chunks,
        },
        "loadavg_before": os.getloadavg(),
    }
    rows: dict[str, object] = {}

    def round_trip(i: int) -> int:
        store._fetch("SELECT 1")
        return K

    def exact_scan(i: int) -> int:
        return min(
            K, len(exact.vector_search(qvecs[i], Filters(), SETTINGS.candidates, index_id=idx))
        )

    rows["floor: round trip (SELECT 1)"] = measure(n, round_trip, cpu)
    rows["floor: exact vector scan"] = measure(n_exact, exact_scan, cpu, warmup=1)
    retriever = Retriever(store, QueryVectors(qvecs), SETTINGS)  # type: ignore[arg-type]

    def search(mode: SearchMode, filters: Filters) -> Callable[[int], int]:
        def one(i: int) -> int:
            retriever.embedder.next = i  # type: ignore[attr-defined]
            return len(retriever.search(queries[i], filters=filters, mode=mode, top_k=K).hits)

        return one

    for name, mode, f in (
        ("vector (HNSW)", SearchMode.vector, Filters()),
        ("keyword", SearchMode.keyword, Filters()),
        ("hybrid", SearchMode.hybrid, Filters()),
        ("hybrid + ACL filter", SearchMode.hybrid, ACL),
        ("hybrid + selective filter", SearchMode.hybrid, SELECTIVE),
        ("vector + ACL filter", SearchMode.vector, ACL),
        ("vector + selective filter", SearchMode.vector, SELECTIVE),
    ):
        rows[name] = measure(n, search(mode, f), cpu)
    keyword_legs(store, queries, filters, cpu, rows, results, keyword_floor)
    results["rows"] = rows
    results["loadavg_after"] = os.getloadavg()
    # the vector leg alone under each filter: does it still fill its candidates, on the
    # plan PostgreSQL picks and on the HNSW index forced (where hnsw.iterative_scan works)?
    forced = ForcedHnswStore(url, pool_size=1)
    legs: dict[str, object] = {}
    for name, f in filters.items():
        want = min(SETTINGS.candidates, matching[name])
        leg: dict[str, object] = {"asked": SETTINGS.candidates, "available": matching[name]}
        for plan, s in (("planner's choice", store), ("HNSW forced", forced)):
            got = [len(s.vector_search(q, f, SETTINGS.candidates, index_id=idx)) for q in qvecs]
            leg[plan] = {
                "uses_hnsw": uses_hnsw(s, qvecs[0], f, idx),
                "queries_short": int(sum(x < want for x in got)),
                "min_rows": int(min(got)),
                "mean_rows": float(np.mean(got)),
            }
        legs[name] = leg
    results["filtered_vector_leg"] = legs
    results["unfiltered_uses_hnsw"] = uses_hnsw(store, qvecs[0], Filters(), idx)
    for name, f in (("recall@10", Filters()), ("recall@10 selective", SELECTIVE)):
        overlap = []
        for q in qvecs[:n_exact]:
            a = {h.chunk_id for h in forced.vector_search(q, f, K, index_id=idx)}
            b = {h.chunk_id for h in exact.vector_search(q, f, K, index_id=idx)}
            overlap.append(len(a & b) / max(len(b), 1))
        results[name] = float(np.mean(overlap))
    forced.close()
    exact.close()
    return results


def keyword_legs(
    store: PostgresKnowledgeStore,
    queries: list[str],
    filters: dict[str, Filters],
    cpu: ServerCpu,
    rows: dict[str, object],
    results: dict[str, object],
    floor: bool,
) -> None:
    """The keyword leg alone (the Retriever's candidates), pruned and, as its floor, the
    full-scan query it replaced; how many terms the pruning needed, and whether both agree."""
    n, k = len(queries), SETTINGS.candidates
    weights = (store.title_weight, store.heading_weight)
    parity: dict[str, object] = {}
    for name, f in {"unfiltered": Filters(), **filters}.items():
        label = "" if name == "unfiltered" else f" + {name} filter"
        rows[f"keyword leg (k={k}){label}"] = measure(
            n, lambda i, f=f: min(K, len(store.keyword_search(queries[i], f, k))), cpu
        )
        if not floor:
            continue
        rows[f"floor: keyword leg, full scan (k={k}){label}"] = measure(
            n, lambda i, f=f: min(K, len(reference_keyword_search(store, queries[i], f, k))), cpu
        )
        same = 0
        worst = 0.0
        for q in queries:
            got = store.keyword_search(q, f, k)
            want = reference_keyword_search(store, q, f, k)
            same += [h.chunk_id for h in got] == [h.chunk_id for h in want]
            for a, b in zip(got, want, strict=False):
                worst = max(worst, abs(a.score - b.score) / max(abs(b.score), 1e-300))
        parity[name] = {"same_ranked_ids": same, "queries": n, "max_rel_score_diff": worst}
    steps: dict[str, int] = {}
    for q in queries:
        with store._snapshot() as fetch:
            _, used = bm25_top_k(fetch, keyword_terms(q), pg_filter_sql(Filters()), k, weights)
        key = f"{used} of {len(keyword_terms(q))} terms"
        steps[key] = steps.get(key, 0) + 1
    results["keyword_terms_scanned_unfiltered"] = dict(sorted(steps.items()))
    if floor:
        results["keyword_parity_with_full_scan"] = parity


def count_chunks(store: PostgresKnowledgeStore, filters: Filters) -> int:
    from colonnade.knowledge.stores.postgres_sql import pg_filter_sql

    clauses, params = pg_filter_sql(filters)
    row = store._one(
        "SELECT count(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id"
        f" JOIN collections col ON col.id = d.collection_id WHERE {' AND '.join(clauses)}",
        params,
    )
    return int(row["n"]) if row else 0


def server_settings(store: PostgresKnowledgeStore) -> dict[str, str]:
    names = (
        "server_version",
        "shared_buffers",
        "work_mem",
        "hnsw.ef_search",
        "hnsw.iterative_scan",
        "hnsw.max_scan_tuples",
    )
    out = {}
    for name in names:
        row = store._one("SELECT current_setting(%s) AS v", (name,))
        out[name] = str(row["v"]) if row else ""
    row = store._one("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'")
    out["pgvector"] = str(row["v"]) if row else ""
    return out


def print_table(console: Console, results: dict[str, object]) -> None:
    table = Table(
        "query",
        "p50 ms",
        "p99 ms",
        "client CPU ms/q",
        "server CPU ms/q",
        "errors",
        "< k hits",
        title=f"PostgreSQL + pgvector at {results['chunks']:,} chunks, k={K}, query embedding"
        f" excluded, {os.cpu_count()} cores",
    )
    rows = results["rows"]
    assert isinstance(rows, dict)
    for name, f in rows.items():
        table.add_row(
            name,
            f"{f['p50_ms']:.2f}",
            f"{f['p99_ms']:.2f}",
            f"{f['client_cpu_ms_per_query']:.2f}",
            f"{f['server_cpu_ms_per_query']:.2f}",
            str(f["errors"]),
            str(f["fewer_than_k"]),
        )
    console.print(table)
    if "keyword_parity_with_full_scan" in results:
        console.print(f"  keyword leg vs full scan: {results['keyword_parity_with_full_scan']}")
    console.print(
        f"  keyword terms scanned (unfiltered): {results['keyword_terms_scanned_unfiltered']}"
    )
    console.print(
        f"  matching chunks {results['matching_chunks']}; HNSW used unfiltered:"
        f" {results['unfiltered_uses_hnsw']}; load average {results['loadavg_before']}"
    )
    legs = results["filtered_vector_leg"]
    assert isinstance(legs, dict)
    for name, leg in legs.items():
        for plan in ("planner's choice", "HNSW forced"):
            p = leg[plan]
            console.print(
                f"  vector leg, {name} filter, {plan}: HNSW {p['uses_hnsw']}, asked"
                f" {leg['asked']} of {leg['available']}, short in {p['queries_short']} of"
                f" {results['queries']} queries (min {p['min_rows']}, mean {p['mean_rows']:.1f})"
            )
    phases = results["load_phases_s"]
    assert isinstance(phases, dict)
    console.print(
        f"  HNSW recall@10 vs exact: {results['recall@10']:.3f} (selective filter, HNSW forced:"
        f" {results['recall@10 selective']:.3f}); HNSW build {phases['hnsw_build']:.1f} s"
        f" ({results['hnsw_build_chunks_per_s']:.0f} chunks/s), GIN build"
        f" {phases['gin_build']:.1f} s, whole load {results['load_s']:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chunks",
        type=int,
        default=DEFAULT_CHUNKS,
        help="corpus size (default COLONNADE_BENCH_PG_CHUNKS or 10000)",
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--no-keyword-floor",
        action="store_true",
        help="skip the full-scan keyword query (the floor and the parity check)",
    )
    args = parser.parse_args()
    if args.chunks < 100 or args.queries < 1:
        parser.error("--chunks must be at least 100 and --queries at least 1")
    console = Console(width=max(Console().width, 120))
    results = run_postgres_search(
        console, args.chunks, n_queries=args.queries, keyword_floor=not args.no_keyword_floor
    )
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    out = ROOT / "bench" / "results" / f"postgres_search_{args.chunks}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"machine": machine, "postgres_search": results}, indent=2, default=str)
    )
    console.print(f"results written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
