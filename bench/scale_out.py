"""Scale-out figures on one PostgreSQL and one Redis (both started here, on loopback).

1. Ingestion throughput through the queue: 400 Cranfield documents split into jobs on a Redis
   stream, applied by 1 and then 2 `colonnade worker ingest` processes into PostgreSQL,
   timed from the first enqueue to the last job done, as a ratio of the embedding model's
   raw rate on the same chunks in this process.
2. `POST /v1/answers` requests/s with two `colonnade serve` replicas against one, on the
   same database, at the same concurrency (answer cache and rate limits off: the
   assistant's own work is measured).

`python bench/scale_out.py [queue|replicas]` runs one part.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.evaluation import BeirSource, load_beir
from colonnade.knowledge.pipeline import embedding_text
from colonnade.knowledge.queue.jobs import IngestJob, JobFile
from colonnade.knowledge.stores.factory import build_knowledge_store
from colonnade.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from pg import EmbeddedPostgres  # noqa: E402

CORES = os.cpu_count() or 1
HANDBOOK = ROOT / "examples" / "handbook"
CRANFIELD = Path(
    os.environ.get("COLONNADE_BENCH_BEIR", ROOT.parent / "shared/datasets/beir/cranfield")
)
KEY = "col_bench_scale_key_0123456789abcdefghijklmnopqrstuvwxyz0123"
QUESTIONS = [
    "How many days of annual leave do new employees get?",
    "What is the hotel limit in London?",
    "How do I connect to the VPN?",
    "Who approves a corporate card?",
    "How long is parental leave?",
    "What is the per diem in Paris?",
    "When are performance reviews held?",
    "How do I report a security incident?",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Redis:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.proc = subprocess.Popen(
            [binary, *args, "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLONNADE_LOG_LEVEL": "WARNING"}
    env.pop("COLONNADE_CONFIG", None)
    env.update(extra)
    return env


# -- 1. the queue ------------------------------------------------------------------------
def _jobs(n_jobs: int, n_docs: int) -> tuple[list[IngestJob], int]:
    ds = load_beir(CRANFIELD)
    source = BeirSource(ds)
    files = [
        JobFile(item.uri, item.name, source.read(item), None, source.sidecar_metadata(item))
        for item in list(source.items())[:n_docs]
    ]
    # several jobs so that two workers can share them; each lists only its own files
    jobs = [IngestJob("cranfield", files[i::n_jobs]) for i in range(n_jobs)]
    return jobs, len(files)


def _queue_run(
    pg: EmbeddedPostgres, redis_url: str, workers: int, data: Path, n_jobs: int, n_docs: int
) -> dict[str, Any]:
    from colonnade.knowledge.queue.redis_streams import RedisStreamsQueue

    db = pg.new_database()
    env = _env(
        COLONNADE_STORAGE__DATABASE_URL=db,
        COLONNADE_INGESTION__QUEUE_URL=redis_url,
        COLONNADE_SECURITY__AUDIT__ENABLED="false",
    )
    procs, logs = [], []
    for i in range(workers):
        folder = data / f"w{workers}-{i}"
        folder.mkdir(parents=True, exist_ok=True)
        logs.append(folder / "worker.log")
        with logs[-1].open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "colonnade", "worker", "ingest"],
                    env={**env, "COLONNADE_STORAGE__DATA_DIR": str(folder)},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        deadline = time.monotonic() + 240
        for p, log in zip(procs, logs, strict=True):  # each has loaded its model and joined
            while "waiting for jobs" not in log.read_text(errors="replace"):
                if p.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"a worker did not start: {log.read_text()}")
                time.sleep(0.1)
        queue = RedisStreamsQueue(redis_url)
        jobs, _ = _jobs(n_jobs, n_docs)
        t0 = time.perf_counter()
        ids = [queue.enqueue(job) for job in jobs]
        reports: dict[str, dict[str, Any]] = {}
        while len(reports) < len(ids):
            for job_id in ids:
                status = queue.status(job_id) or {}
                if status.get("state") == "failed":
                    raise RuntimeError(f"job {job_id} failed: {status}")
                if status.get("state") == "done":
                    reports[job_id] = status["report"]
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        queue.close()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
    chunks = sum(int(r["chunks"]) for r in reports.values())
    return {"workers": workers, "jobs": len(ids), "chunks": chunks, "seconds": wall, "db": db}


def _raw_rate(db: str, chunks: int) -> float:
    settings = Settings(storage={"database_url": db})  # type: ignore[arg-type]
    store = build_knowledge_store(settings.storage, settings.retrieval)
    hits = store.hydrate(range(1, chunks + 50))
    store.close()
    texts = [embedding_text(h.title, h.heading_path, h.text) for h in hits.values()]
    embedder = MiniLMEmbedder()
    embedder.embed_documents(texts[:16])  # warm-up
    t0 = time.perf_counter()
    embedder.embed_documents(texts)
    return len(texts) / (time.perf_counter() - t0)


def queue_throughput(
    data: Path, console: Console, n_jobs: int = 8, n_docs: int = 400
) -> dict[str, Any]:
    shutil.rmtree(data, ignore_errors=True)
    pg, redis = EmbeddedPostgres(data / "pg"), Redis(data / "redis")
    try:
        runs = [_queue_run(pg, redis.url, w, data, n_jobs, n_docs) for w in (1, 2)]
        raw = _raw_rate(runs[0]["db"], runs[0]["chunks"])
    finally:
        redis.stop()
        pg.stop()
    out: dict[str, Any] = {"documents": n_docs, "raw_model_chunks_per_s": raw, "cores": CORES}
    for run in runs:
        rate = run["chunks"] / run["seconds"]
        ratio = rate / raw
        out[f"workers_{run['workers']}"] = {
            "jobs": run["jobs"],
            "chunks": run["chunks"],
            "seconds": run["seconds"],
            "chunks_per_s": rate,
            "ratio_to_raw_model": ratio,
        }
        console.print(
            f"  {run['workers']} worker(s): {rate:.1f} chunks/s ({run['chunks']} chunks in "
            f"{run['jobs']} jobs, {run['seconds']:.1f} s) · ratio to the raw model "
            f"{ratio:.2f}"
        )
    one, two = out["workers_1"]["chunks_per_s"], out["workers_2"]["chunks_per_s"]
    out["two_over_one"] = two / one
    console.print(
        f"  raw model {raw:.1f} chunks/s in this process · 2 workers / 1 = {two / one:.2f}"
        f" · {CORES} cores (the workers share them)"
    )
    return out


# -- 2. replicas -------------------------------------------------------------------------
def _serve(env: dict[str, str], data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "colonnade", "serve", "--port", str(port), "--workers", "1"],
        env={**env, "COLONNADE_STORAGE__DATA_DIR": str(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("a replica did not start")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)


async def _load(urls: list[str], concurrency: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:

        async def user(i: int) -> None:
            nonlocal errors
            n = i
            while time.perf_counter() < stop:
                url = urls[n % len(urls)]
                q = QUESTIONS[n % len(QUESTIONS)]
                t0 = time.perf_counter()
                r = await client.post(f"{url}/v1/answers", json={"question": q})
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors += 1
                n += concurrency

        t0 = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(concurrency)))
        wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": len(latencies) / wall,
        "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None,
    }


def replicas_throughput(
    data: Path, console: Console, concurrency: int = 8, seconds: float = 25.0
) -> dict[str, Any]:
    shutil.rmtree(data, ignore_errors=True)
    pg = EmbeddedPostgres(data / "pg")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        db = pg.new_database()
        env = _env(
            COLONNADE_STORAGE__DATABASE_URL=db,
            COLONNADE_API__API_KEY=KEY,
            COLONNADE_SECURITY__AUDIT__KEY="bench-audit-key-0123456789",
            COLONNADE_SECURITY__CACHE__ENABLED="false",
            COLONNADE_SECURITY__LIMITS__ENABLED="false",
        )
        subprocess.run(
            [sys.executable, "-m", "colonnade", "ingest", str(HANDBOOK), "-C", "handbook"],
            env={**env, "COLONNADE_STORAGE__DATA_DIR": str(data / "cli")},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for name in ("one", "two"):
            proc, url = _serve(env, data / name)
            procs.append(proc)
            if name == "one":
                first = url
            else:
                second = url
        asyncio.run(_load([first, second], concurrency, 3.0))  # warm both
        one = asyncio.run(_load([first], concurrency, seconds))
        two = asyncio.run(_load([first, second], concurrency, seconds))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
        pg.stop()
    ratio = two["requests_per_s"] / one["requests_per_s"]
    console.print(
        f"  one replica {one['requests_per_s']:.1f} req/s (p50 {one['p50_ms']:.0f} ms) · "
        f"two replicas {two['requests_per_s']:.1f} req/s (p50 {two['p50_ms']:.0f} ms) · "
        f"two / one = {ratio:.2f} · concurrency {concurrency}, {seconds:g} s each, "
        f"{CORES} cores shared by the replicas and the load"
    )
    return {
        "concurrency": concurrency,
        "seconds": seconds,
        "one_replica": one,
        "two_replicas": two,
        "two_over_one": ratio,
        "cores": CORES,
    }


if __name__ == "__main__":
    import json

    parts = set(sys.argv[1:]) or {"queue", "replicas"}
    console = Console()
    out_dir = ROOT / "bench" / "results"
    machine = {"cores": CORES}
    if "queue" in parts:
        console.print("[bold]Ingestion through the queue[/], 1 and 2 workers")
        result = queue_throughput(ROOT / "bench" / ".data" / "queue", console)
        (out_dir / "queue_ingestion.json").write_text(
            json.dumps({"machine": machine, "queue_ingestion": result}, indent=2)
        )
    if "replicas" in parts:
        console.print("[bold]POST /v1/answers[/], two replicas against one")
        result = replicas_throughput(ROOT / "bench" / ".data" / "replicas", console)
        (out_dir / "replicas.json").write_text(
            json.dumps({"machine": machine, "replicas": result}, indent=2)
        )
