"""Queue depth and the oldest job's age as Prometheus gauges, read when scraped.

These are the signals to scale workers on (a KEDA ScaledObject on the queue's
length, or on these metrics through Prometheus).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from colonnade.knowledge.queue.ports import JobQueue

__all__ = ["QueueCollector", "register_queue_metrics"]


class QueueCollector(Collector):
    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "colonnade_ingest_queue_depth",
            "ingestion jobs waiting or in progress",
            value=self.queue.depth(),
        )
        yield GaugeMetricFamily(
            "colonnade_ingest_queue_oldest_age_seconds",
            "seconds since the oldest unfinished ingestion job was enqueued",
            value=self.queue.oldest_age_s(),
        )


def register_queue_metrics(queue: JobQueue, registry: CollectorRegistry) -> QueueCollector:
    collector = QueueCollector(queue)
    registry.register(collector)
    return collector
