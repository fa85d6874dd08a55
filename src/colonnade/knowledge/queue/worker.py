"""The ingestion worker: receives jobs, applies them with the pipeline, reports progress.

A job's status goes queued → running (with files done of total) → done (with the
report: counts and every failed file) or failed (with the error). A job whose
ingestion raises is marked failed and acknowledged, so a poison job does not loop
forever; a worker that dies mid-job leaves it to another (see ``JobQueue``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import asdict
from typing import Any

from colonnade.errors import ColonnadeError
from colonnade.knowledge.history import IngestHistory, record_report
from colonnade.knowledge.models import FileFailure, IngestReport
from colonnade.knowledge.pipeline import Ingestor
from colonnade.knowledge.queue.jobs import JobSource
from colonnade.knowledge.queue.ports import Delivery, JobQueue

__all__ = ["IngestWorker", "consumer_name", "report_dict"]

log = logging.getLogger(__name__)


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"


def report_dict(report: IngestReport) -> dict[str, Any]:
    out = asdict(report)
    out["seconds"] = round(report.seconds, 3)
    return out


class IngestWorker:
    def __init__(
        self,
        queue: JobQueue,
        ingestor: Ingestor,
        *,
        consumer: str | None = None,
        history: IngestHistory | None = None,
    ) -> None:
        self.queue = queue
        self.ingestor = ingestor
        self.consumer = consumer or consumer_name()
        self.history = history
        self.processed = 0

    def process_one(self, *, wait_s: float = 1.0) -> bool:
        """Apply one job if one arrives within ``wait_s``; True when one was handled."""
        delivery = self.queue.receive(self.consumer, wait_s=wait_s)
        if delivery is None:
            return False
        self._apply(delivery)
        self.queue.ack(delivery)
        self.processed += 1
        return True

    def _apply(self, delivery: Delivery) -> None:
        job = delivery.job
        base = {
            **job.queued_status(),
            "attempt": delivery.attempt,
            "worker": self.consumer,
        }
        last = 0.0

        def progress(stage: str, done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if stage == "file" and now - last >= 0.2:  # at most five status writes a second
                last = now
                self.queue.set_status(job.id, {**base, "state": "running", "done": done})

        self.queue.set_status(job.id, {**base, "state": "running", "done": 0})
        started = time.perf_counter()
        try:
            report = self.ingestor.ingest(
                JobSource(job), job.collection, progress, tenant=job.tenant
            )
        except Exception as exc:
            error = exc.message if isinstance(exc, ColonnadeError) else str(exc)
            if not isinstance(exc, ColonnadeError):
                log.exception("ingestion job %s failed", job.id)
            self.queue.set_status(job.id, {**base, "state": "failed", "error": error})
            # the whole job failed: every file is recorded with the job's error
            report = IngestReport(
                job.collection,
                seen=len(job.files),
                failed=[FileFailure(f.uri, "job_failed", error) for f in job.files],
                seconds=time.perf_counter() - started,
            )
            self._record(report, job.tenant, job.actor, job.id)
            return
        self.queue.set_status(
            job.id,
            {**base, "state": "done", "done": len(job.files), "report": report_dict(report)},
        )
        self._record(report, job.tenant, job.actor, job.id)

    def _record(self, report: IngestReport, tenant: str, actor: str, job_id: str) -> None:
        record_report(self.history, report, tenant=tenant, actor=actor, kind="queue", job_id=job_id)

    def run(self, stop: threading.Event, *, wait_s: float = 1.0) -> None:
        """Apply jobs until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.process_one(wait_s=wait_s)
            except ColonnadeError:
                log.exception("the ingestion worker could not take a job; retrying")
                stop.wait(1.0)
