"""The ingestion worker with the real pipeline: in process, and across processes on Redis
and PostgreSQL with a worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from colonnade.container import Container
from colonnade.knowledge.models import Filters
from colonnade.knowledge.queue import InProcessQueue, job_from_source
from colonnade.knowledge.queue.redis_streams import RedisStreamsQueue
from colonnade.knowledge.queue.worker import IngestWorker
from colonnade.knowledge.sources import open_source
from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore

ROOT = Path(__file__).resolve().parents[3]


def test_a_queued_folder_is_applied_once(container: Container, handbook_copy: Path) -> None:
    queue = InProcessQueue()
    container.store.ensure_collection("handbook")
    job = job_from_source(open_source(handbook_copy), "handbook", max_file_bytes=10**7)
    queue.enqueue(job)
    worker = IngestWorker(queue, container.ingestor, consumer="w1")
    assert worker.process_one(wait_s=1)
    status = queue.status(job.id)
    assert status is not None and status["state"] == "done"
    assert status["done"] == status["total"] == len(job.files)
    report = status["report"]
    assert report["added"] == len(job.files) - len(report["failed"]) and report["chunks"] > 0
    hits = container.retriever.search("annual leave days").hits
    assert hits and hits[0].source_uri.startswith("file://")
    # the same files again: every document version is already applied
    again = job_from_source(open_source(handbook_copy), "handbook", max_file_bytes=10**7)
    queue.enqueue(again)
    assert worker.process_one(wait_s=1)
    assert queue.status(again.id)["report"]["skipped"] == report["added"]  # type: ignore[index]
    assert queue.depth() == 0


def test_a_failing_job_is_reported_and_not_retried(container: Container) -> None:
    from colonnade.knowledge.queue import IngestJob, JobFile

    queue = InProcessQueue()
    job = IngestJob(
        collection="not a name!",
        files=[JobFile("upload://a.md", "a.md", b"# A")],
        actor="alice",
    )
    queue.enqueue(job)
    worker = IngestWorker(queue, container.ingestor, history=container.ingest_history)
    assert worker.process_one(wait_s=1)
    status = queue.status(job.id)
    assert status is not None and status["state"] == "failed"
    assert "collection name" in status["error"]
    # the ingest history keeps the failed job, each of its files with the job's error
    (record,) = container.ingest_history.recent("default", collection="not a name!")
    assert (record.kind, record.actor, record.job_id, record.failed) == (
        "queue",
        "alice",
        job.id,
        1,
    )
    assert record.failures[0].source_uri == "upload://a.md"
    assert record.failures[0].message == status["error"]
    assert queue.depth() == 0
    assert queue.receive("other", wait_s=0.05) is None


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "colonnade", "worker", "ingest"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_a_worker_killed_mid_job_is_finished_by_another(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """kill -9 a worker mid-job: another takes the job over, nothing is indexed twice and
    nothing half-written stays."""
    docs = tmp_path / "docs"
    docs.mkdir()
    n = 40
    for i in range(n):
        body = "\n\n".join(
            f"Paragraph {j} of report {i} about topic{i} and more words." for j in range(30)
        )
        (docs / f"r{i:02d}.md").write_text(f"# Report {i}\n\n{body}\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "COLONNADE_STORAGE__DATA_DIR": str(tmp_path / "data"),
        "COLONNADE_STORAGE__DATABASE_URL": postgres_url,
        "COLONNADE_INGESTION__QUEUE_URL": redis_url,
        "COLONNADE_INGESTION__CLAIM_IDLE_S": "1",
    }
    queue = RedisStreamsQueue(redis_url, claim_idle_s=1)
    store = PostgresKnowledgeStore(postgres_url, pool_size=2)
    store.ensure_collection("reports")
    job = job_from_source(open_source(docs), "reports", max_file_bytes=10**7)
    queue.enqueue(job)
    first = _worker(env, tmp_path / "first.log")
    try:
        deadline = time.monotonic() + 180
        while True:  # until the first worker has written some documents, not all
            written = len(store.list_documents("reports"))
            if written >= 3:
                break
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            assert time.monotonic() < deadline, "the first worker made no progress"
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        partial = len(store.list_documents("reports"))
        assert partial < n, "the job finished before the worker was killed: make it longer"
        second = _worker(env, tmp_path / "second.log")
        try:
            while (queue.status(job.id) or {}).get("state") != "done":
                assert second.poll() is None, (tmp_path / "second.log").read_text()
                assert time.monotonic() < deadline, f"not finished: {queue.status(job.id)}"
                time.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
        status = queue.status(job.id)
        assert status is not None and status["attempt"] >= 2
        report = status["report"]
        assert report["failed"] == []
        assert report["skipped"] >= partial  # what the dead worker wrote is not applied again
        assert report["added"] + report["skipped"] == n
        documents = store.list_documents("reports")
        assert len(documents) == n == len({d.source_uri for d in documents})
        for d in documents:  # every document whole: its chunks and their vectors
            assert d.chunks > 0
        index = store.active_index()
        assert index is not None
        assert index.vectors == sum(d.chunks for d in documents)
        assert store.keyword_search("topic7", Filters(), 5)
        assert queue.depth() == 0
    finally:
        if first.poll() is None:
            first.kill()
        store.close()
        queue.close()
