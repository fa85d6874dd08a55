from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from colonnade.knowledge.queue import InProcessQueue, JobQueue
from colonnade.knowledge.queue.redis_streams import RedisStreamsQueue
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
