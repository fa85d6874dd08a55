"""Colonnade knowledge-layer benchmark: `make bench`.

1. Retrieval quality on Cranfield (BEIR layout): keyword, vector, hybrid, and a
   peer BM25 library (bm25s) run in the same process.
2. Ingestion throughput against the raw throughput of the same embedding model
   on the same chunks, in the same run.
3. Search latency at 100k chunks (synthetic), exact and HNSW, with recall.
   1b. Every dataset in shared/datasets/beir with parameters chosen on the others.
4. Answer quality on the handbook question sets: the old set, the natural tuning half and
   the held-out test half (bench/answers/), side by side.
5. Latency of POST /v1/answers over HTTP at concurrency 1 and 8, and time to first
   streamed byte, against /healthz as the floor.
6. Gateway overhead on POST /v1/chat/completions: Colonnade, a minimal proxy and
   LiteLLM's proxy in front of one fast upstream (bench/gateway.py).
7. Predictions: the sample churn model through POST /v1/predictions, through
   `mlflow models serve`, and in-process ONNX Runtime (bench/predictions.py).
8. Tools: intent routing accuracy on the intent set's tuning and test halves, CPU cost of
   a governed tool call over a direct HTTP call, and a three-collection fan-out against
   the same agents one after another (bench/tools.py).
9-10. PostgreSQL: nDCG@10 against SQLite; search latency on a synthetic corpus loaded
   with COPY (10k chunks here; COLONNADE_BENCH_PG_CHUNKS or bench/postgres_search.py
   --chunks N for more), unfiltered and filtered, with HNSW recall and index build times.
11. Scale-out (bench/scale_out.py): ingestion through the queue with 1 and 2 workers as
   a ratio of the embedder's raw rate; POST /v1/answers req/s with two replicas against
   one on the same database.

Every figure is printed with the core count and written to bench/results/.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from answers import answer_quality, api_latency  # noqa: E402
from colonnade.container import Container  # noqa: E402
from colonnade.knowledge.evaluation import BeirDataset, BeirSource, evaluate, load_beir, score_run  # noqa: E402
from colonnade.knowledge.models import SearchMode  # noqa: E402
from colonnade.knowledge.pipeline import embedding_text  # noqa: E402
from colonnade.knowledge.query_text import keyword_terms  # noqa: E402
from colonnade.settings import Settings  # noqa: E402
from gateway import run_gateway_bench  # noqa: E402
from postgres_parity import run_postgres_parity  # noqa: E402
from postgres_search import DEFAULT_CHUNKS as PG_CHUNKS  # noqa: E402
from postgres_search import run_postgres_search  # noqa: E402
from predictions import run_predictions_bench  # noqa: E402
from retrieval_loo import retrieval_leave_one_out  # noqa: E402
from scale_out import queue_throughput, replicas_throughput  # noqa: E402
from search_latency import run_search_latency  # noqa: E402
from tools import run_tools_bench  # noqa: E402

CRANFIELD = Path(
    os.environ.get("COLONNADE_BENCH_BEIR", ROOT.parent / "shared/datasets/beir/cranfield")
)
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "bench" / ".data"
CORES = os.cpu_count() or 1
console = Console(width=max(Console().width, 120))  # tables of six columns stay readable


def container(name: str, **retrieval: object) -> Container:
    return Container(Settings(storage={"data_dir": DATA / name}, retrieval=retrieval))  # type: ignore[arg-type]


def bm25s_peer(ds: BeirDataset) -> dict[str, float]:
    import bm25s

    ids = list(ds.corpus)
    texts = [f"{t} {x}".strip() for t, x in ds.corpus.values()]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    qids = list(ds.queries)
    tokens = bm25s.tokenize([ds.queries[q] for q in qids], stopwords="en", show_progress=False)
    docs, scores = retriever.retrieve(tokens, k=100, show_progress=False)
    run = {
        q: {ids[d]: float(s) for d, s in zip(docs[i], scores[i], strict=True)}
        for i, q in enumerate(qids)
    }
    return score_run(ds.qrels, run)


def retrieval_quality() -> dict[str, object]:
    ds = load_beir(CRANFIELD)
    console.print(
        f"[bold]1. Retrieval quality[/] on {ds.name}: {len(ds.corpus)} documents, {len(ds.queries)} queries"
    )
    c = container("cranfield")
    t0 = time.perf_counter()
    scores = evaluate(c.ingestor, c.retriever, ds)
    plain = container("cranfield", feedback_chunks=0)
    from colonnade.knowledge.evaluation import run_mode

    scores["hybrid (no feedback)"] = score_run(
        ds.qrels, run_mode(plain.retriever, ds, SearchMode.hybrid, f"beir-{ds.name}")
    )
    scores["bm25s (peer)"] = bm25s_peer(ds)
    table = Table("mode", "nDCG@10", "Recall@100", "MRR@10", title=f"Cranfield, {CORES} cores")
    for mode, f in scores.items():
        table.add_row(mode, f"{f['nDCG@10']:.4f}", f"{f['Recall@100']:.4f}", f"{f['MRR@10']:.4f}")
    console.print(table)
    hybrid = scores["hybrid"]["nDCG@10"]
    margins = {m: hybrid - scores[m]["nDCG@10"] for m in ("keyword", "vector", "bm25s (peer)")}
    for m, d in margins.items():
        console.print(f"  hybrid - {m}: {d:+.4f} nDCG@10 (target >= +0.03)")
    console.print(
        f"  hybrid nDCG@10 {hybrid:.4f} (target >= 0.42; reference RRF in baselines.txt 0.4039)"
    )
    c.close()
    plain.close()
    return {
        "dataset": ds.name,
        "scores": scores,
        "hybrid_margins": margins,
        "seconds": time.perf_counter() - t0,
    }


def ingestion_throughput(n_docs: int = 400) -> dict[str, object]:
    ds = load_beir(CRANFIELD)
    subset = BeirDataset(
        ds.name, dict(list(ds.corpus.items())[:n_docs]), ds.queries, ds.qrels, ds.digest
    )
    console.print(
        f"[bold]2. Ingestion throughput[/]: {n_docs} Cranfield documents through the pipeline"
    )
    shutil.rmtree(DATA / "ingest", ignore_errors=True)
    c = container("ingest")
    cpu0, t0 = time.process_time(), time.perf_counter()
    report = c.ingestor.ingest(BeirSource(subset), "ingest")
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    hits = c.store.hydrate(range(1, report.chunks + 10))
    texts = [embedding_text(h.title, h.heading_path, h.text) for h in hits.values()]
    c.embedder.embed_documents(texts[:16])  # warm-up
    cpu1, t1 = time.process_time(), time.perf_counter()
    c.embedder.embed_documents(texts)
    raw_wall, raw_cpu = time.perf_counter() - t1, time.process_time() - cpu1
    pipeline_rate, raw_rate = report.chunks / wall, len(texts) / raw_wall
    ratio = pipeline_rate / raw_rate
    console.print(
        f"  pipeline {pipeline_rate:.1f} chunks/s ({report.chunks} chunks, {cpu / report.chunks * 1000:.1f} ms CPU/chunk)"
        f" · raw model {raw_rate:.1f} chunks/s ({raw_cpu / len(texts) * 1000:.1f} ms CPU/chunk)"
        f" · ratio {ratio:.2f} (target >= 0.80) · {CORES} cores"
    )
    c.close()
    return {
        "documents": n_docs,
        "chunks": report.chunks,
        "pipeline_chunks_per_s": pipeline_rate,
        "raw_model_chunks_per_s": raw_rate,
        "ratio": ratio,
        "pipeline_cpu_ms_per_chunk": cpu / report.chunks * 1000,
        "raw_cpu_ms_per_chunk": raw_cpu / len(texts) * 1000,
    }


def query_embedding_latency() -> dict[str, float]:
    c = container("cranfield")
    ds = load_beir(CRANFIELD)
    times = []
    for q in list(ds.queries.values())[:100]:
        t0 = time.perf_counter()
        c.embedder.embed_query(q)
        times.append((time.perf_counter() - t0) * 1000)
    c.close()
    return {"p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99))}


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {"cores": CORES, "python": platform.python_version(), "machine": platform.machine()}
    only = set(sys.argv[1:]) or {
        "quality",
        "ingest",
        "search",
        "answers",
        "latency",
        "gateway",
        "predictions",
        "tools",
        "postgres",
        "scale",
    }
    results: dict[str, object] = {"machine": machine}
    if "quality" in only:
        results["retrieval"] = retrieval_quality()
        console.print("[bold]1b. Retrieval, leave one dataset out[/] (cranfield, scifact)")
        results["retrieval_loo"] = retrieval_leave_one_out(DATA / "loo", console)
    if "ingest" in only:
        results["ingestion"] = ingestion_throughput()
    if "search" in only:
        qe = query_embedding_latency()
        console.print(
            f"[bold]3. Search latency[/] (query embedding, reported apart: p50 {qe['p50_ms']:.1f} ms, p99 {qe['p99_ms']:.1f} ms)"
        )
        results["query_embedding"] = qe
        results["search"] = run_search_latency(DATA / "synthetic", console, keyword_terms)
    if "answers" in only:
        console.print("[bold]4. Answer quality[/] on the handbook question set")
        results["answers"] = answer_quality(DATA / "answers", console)
    if "latency" in only:
        console.print("[bold]5. Latency of POST /v1/answers[/] over HTTP on loopback")
        results["latency"] = api_latency(DATA / "latency", console)
    if "gateway" in only:
        console.print("[bold]6. Gateway overhead[/] on POST /v1/chat/completions")
        results["gateway"] = run_gateway_bench(console)
    if "predictions" in only:
        console.print(
            "[bold]7. Predictions[/]: Colonnade vs mlflow models serve vs in-process ONNX"
        )
        results["predictions"] = run_predictions_bench(console)
    if "tools" in only:
        console.print("[bold]8. Tools[/]: intent routing, governed calls, parallel agents")
        results["tools"] = run_tools_bench(console, DATA / "tools")
    if "postgres" in only:
        console.print("[bold]9. PostgreSQL[/]: nDCG@10 against SQLite on the same collection")
        results["postgres_parity"] = run_postgres_parity(console, CRANFIELD, DATA / "parity")
        # 10k chunks unless COLONNADE_BENCH_PG_CHUNKS says otherwise; `make bench-pg
        # PG_CHUNKS=100000` runs this part alone at any size
        console.print(
            f"[bold]10. PostgreSQL search latency[/] at {PG_CHUNKS:,} chunks, with HNSW recall"
        )
        results["postgres_search"] = run_postgres_search(console, PG_CHUNKS, DATA / "pgsearch")
    if "scale" in only:
        console.print("[bold]11. Ingestion through the queue[/] (Redis Streams), 1 and 2 workers")
        results["queue_ingestion"] = queue_throughput(DATA / "queue", console)
        console.print("[bold]12. POST /v1/answers[/], two replicas against one on one database")
        results["replicas"] = replicas_throughput(DATA / "replicas", console)
    for key, value in results.items():
        if key != "machine":
            (RESULTS / f"{key}.json").write_text(
                json.dumps({"machine": machine, key: value}, indent=2, default=str)
            )
    console.print(f"results written to {RESULTS.relative_to(ROOT)}/ ({CORES} cores)")


if __name__ == "__main__":
    main()
