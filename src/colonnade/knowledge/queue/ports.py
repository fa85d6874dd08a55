"""The ingestion queue port: Redis Streams, Azure Service Bus or in process.

Delivery is at least once: a job a worker received but never acknowledged (the
worker died) is handed to another worker once its lease has been idle for
``claim_idle_s``. Applying a job twice is harmless: the pipeline skips a document
whose content hash is already stored, and each document is written atomically, so
every document version is applied once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from colonnade.knowledge.queue.jobs import IngestJob

__all__ = ["Delivery", "JobQueue"]


@dataclass(frozen=True, slots=True)
class Delivery:
    job: IngestJob
    receipt: str  # what ``ack`` needs: a stream entry id, a lock token
    attempt: int  # 1 for the first delivery, more when reclaimed from a dead worker


class JobQueue(Protocol):
    def enqueue(self, job: IngestJob) -> str:
        """Store the job and its 'queued' status; return its id."""
        ...

    def receive(self, consumer: str, *, wait_s: float) -> Delivery | None:
        """A job for ``consumer``: one abandoned by a dead worker first, else a new one."""
        ...

    def ack(self, delivery: Delivery) -> None:
        """The job is finished (done or failed for good): never deliver it again."""
        ...

    def depth(self) -> int:
        """Jobs not yet acknowledged (waiting or in progress)."""
        ...

    def oldest_age_s(self) -> float:
        """Seconds since the oldest unacknowledged job was enqueued (0 when empty)."""
        ...

    def set_status(self, job_id: str, status: dict[str, Any]) -> None: ...

    def status(self, job_id: str) -> dict[str, Any] | None: ...

    def close(self) -> None: ...
