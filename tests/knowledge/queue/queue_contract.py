"""The contract every ingestion queue adapter passes.

Subclass and provide ``open_queue(claim_idle_s)``: a queue on shared state, as another
worker process would open it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from colonnade.knowledge.queue import Delivery, IngestJob, JobFile, JobQueue

OpenQueue = Callable[[float], JobQueue]


def job(n: int = 1) -> IngestJob:
    files = [
        JobFile(
            f"file:///d/{i}.md",
            f"{i}.md",
            b"# T\n\n\x00\xff bytes",
            datetime(2026, 1, 1, tzinfo=UTC),
            {"k": i},
        )
        for i in range(n)
    ]
    return IngestJob(
        collection="c1", files=files, tenant="acme", scope="file:///d/", complete_listing=True
    )


def receive_until(queue: JobQueue, consumer: str, seconds: float = 20.0) -> Delivery:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = queue.receive(consumer, wait_s=0.1)
        if got is not None:
            return got
    raise AssertionError("no job was delivered")


class JobQueueContract:
    def test_a_job_goes_to_one_consumer_and_comes_back_whole(self, open_queue: OpenQueue) -> None:
        queue = open_queue(300)
        sent = job(3)
        assert queue.enqueue(sent) == sent.id
        assert queue.status(sent.id) == {
            "state": "queued",
            "tenant": "acme",
            "collection": "c1",
            "total": 3,
        }
        assert queue.depth() == 1 and queue.oldest_age_s() >= 0
        got = receive_until(queue, "a")
        assert got.attempt == 1
        assert got.job.to_json() == sent.to_json()
        assert got.job.files[0].data == b"# T\n\n\x00\xff bytes"
        assert queue.receive("b", wait_s=0.05) is None  # leased to a
        assert queue.depth() == 1
        queue.ack(got)
        assert queue.depth() == 0 and queue.oldest_age_s() == 0
        assert queue.receive("b", wait_s=0.05) is None

    def test_jobs_come_in_order(self, open_queue: OpenQueue) -> None:
        queue = open_queue(300)
        ids = [queue.enqueue(job()) for _ in range(3)]
        got = []
        for _ in ids:
            d = receive_until(queue, "a")
            got.append(d.job.id)
            queue.ack(d)
        assert got == ids

    def test_a_dead_workers_job_is_taken_over(self, open_queue: OpenQueue) -> None:
        dead, alive = open_queue(0.2), open_queue(0.2)
        sent = job()
        dead.enqueue(sent)
        first = receive_until(dead, "dead-worker")
        assert first.attempt == 1
        again = receive_until(alive, "live-worker")  # once the lease has been idle long enough
        assert again.job.id == sent.id and again.attempt == 2
        alive.ack(again)
        assert alive.depth() == 0

    def test_status_is_shared(self, open_queue: OpenQueue) -> None:
        one, two = open_queue(300), open_queue(300)
        one.set_status("j1", {"state": "running", "done": 2, "total": 5})
        assert two.status("j1") == {"state": "running", "done": 2, "total": 5}
        assert two.status("nope") is None
