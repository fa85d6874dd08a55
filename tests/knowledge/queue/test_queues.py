from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from colonnade.knowledge.queue import InProcessQueue, JobQueue
from colonnade.knowledge.queue.redis_streams import RedisStreamsQueue
from colonnade.knowledge.queue.servicebus import MemoryStatusStore, ServiceBusQueue
from tests.knowledge.queue.fake_servicebus import FakeBroker, FakeServiceBusTransport
from tests.knowledge.queue.queue_contract import JobQueueContract, OpenQueue


class TestInProcessQueue(JobQueueContract):
    @pytest.fixture
    def open_queue(self) -> OpenQueue:
        shared: list[InProcessQueue] = []

        def make(claim_idle_s: float) -> JobQueue:
            # one process: every "worker" shares the one queue
            if not shared:
                shared.append(InProcessQueue(claim_idle_s=claim_idle_s))
            return shared[0]

        return make


class TestRedisStreamsQueue(JobQueueContract):
    @pytest.fixture
    def open_queue(self, redis_url: str) -> Iterator[OpenQueue]:
        stream = f"test:{uuid.uuid4().hex}"
        opened: list[RedisStreamsQueue] = []

        def make(claim_idle_s: float) -> JobQueue:
            opened.append(RedisStreamsQueue(redis_url, stream=stream, claim_idle_s=claim_idle_s))
            return opened[-1]

        yield make
        for q in opened:
            q.close()


class TestServiceBusQueue(JobQueueContract):
    """The Service Bus adapter's logic through the contract, on a fake of its transport."""

    @pytest.fixture
    def open_queue(self) -> OpenQueue:
        brokers: list[FakeBroker] = []
        statuses = MemoryStatusStore()

        def make(claim_idle_s: float) -> JobQueue:
            if not brokers:  # the queue's lock duration plays the lease
                brokers.append(FakeBroker(lock_duration_s=claim_idle_s))
            return ServiceBusQueue(FakeServiceBusTransport(brokers[0]), statuses)

        return make


def test_depth_and_age_are_prometheus_gauges() -> None:
    from prometheus_client import CollectorRegistry

    from colonnade.knowledge.queue.metrics import register_queue_metrics
    from tests.knowledge.queue.queue_contract import job

    queue = InProcessQueue()
    registry = CollectorRegistry()
    register_queue_metrics(queue, registry)
    assert registry.get_sample_value("colonnade_ingest_queue_depth") == 0
    sent = job()
    sent.enqueued_at -= 30  # enqueued half a minute ago
    queue.enqueue(sent)
    queue.enqueue(job())
    assert registry.get_sample_value("colonnade_ingest_queue_depth") == 2
    age = registry.get_sample_value("colonnade_ingest_queue_oldest_age_seconds")
    assert age is not None and age >= 30
