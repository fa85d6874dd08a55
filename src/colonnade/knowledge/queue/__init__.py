"""Ingestion as a queue: jobs enqueued by the API and the CLI, applied by workers."""

from colonnade.knowledge.queue.jobs import IngestJob, JobFile, JobSource, job_from_source
from colonnade.knowledge.queue.memory import InProcessQueue
from colonnade.knowledge.queue.ports import Delivery, JobQueue

__all__ = [
    "Delivery",
    "InProcessQueue",
    "IngestJob",
    "JobFile",
    "JobQueue",
    "JobSource",
    "job_from_source",
]
