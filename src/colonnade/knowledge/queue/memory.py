"""The in-process queue of the embedded default: a worker thread inside ``serve``.

Leases behave as the Redis adapter's: a job received and not acknowledged within
``claim_idle_s`` goes to the next consumer that asks.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from colonnade.knowledge.queue.jobs import IngestJob
from colonnade.knowledge.queue.ports import Delivery

__all__ = ["InProcessQueue"]


class InProcessQueue:
    def __init__(self, *, claim_idle_s: float = 300.0) -> None:
        self.claim_idle_s = claim_idle_s
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()  # unacknowledged, oldest first
        self._leases: dict[str, tuple[str, float, int]] = {}  # id -> consumer, since, attempt
        self._status: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()

    def enqueue(self, job: IngestJob) -> str:
        with self._cond:
            self._jobs[job.id] = job
            self._status[job.id] = job.queued_status()
            self._cond.notify()
        return job.id

    def _next(self, consumer: str) -> Delivery | None:
        now = time.monotonic()
        for job_id, job in self._jobs.items():
            lease = self._leases.get(job_id)
            if lease is None or now - lease[1] >= self.claim_idle_s:
                attempt = lease[2] + 1 if lease else 1
                self._leases[job_id] = (consumer, now, attempt)
                return Delivery(job, job_id, attempt)
        return None

    def receive(self, consumer: str, *, wait_s: float) -> Delivery | None:
        deadline = time.monotonic() + wait_s
        with self._cond:
            while True:
                found = self._next(consumer)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self._cond.wait(min(left, self.claim_idle_s))

    def ack(self, delivery: Delivery) -> None:
        with self._cond:
            self._jobs.pop(delivery.receipt, None)
            self._leases.pop(delivery.receipt, None)

    def depth(self) -> int:
        with self._cond:
            return len(self._jobs)

    def oldest_age_s(self) -> float:
        with self._cond:
            first = next(iter(self._jobs.values()), None)
        return max(0.0, time.time() - first.enqueued_at) if first else 0.0

    def set_status(self, job_id: str, status: dict[str, Any]) -> None:
        with self._cond:
            self._status[job_id] = status

    def status(self, job_id: str) -> dict[str, Any] | None:
        with self._cond:
            return self._status.get(job_id)

    def close(self) -> None:
        with self._cond:
            self._cond.notify_all()
