"""The ingestion queue on Redis Streams with a consumer group.

Jobs are stream entries read by the ``workers`` group: each goes to one consumer and
stays pending until acknowledged. A worker that dies leaves its job pending; the
next worker to ask takes it over with ``XAUTOCLAIM`` once it has been idle for
``claim_idle_s``. Acknowledged entries are deleted, so the stream's length is the
queue's depth and its first entry the oldest job (the signal KEDA scales on).
"""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from colonnade.errors import StoreError
from colonnade.knowledge.queue.jobs import IngestJob
from colonnade.knowledge.queue.ports import Delivery

__all__ = ["RedisStreamsQueue"]


class RedisStreamsQueue:
    def __init__(
        self,
        url: str,
        *,
        stream: str = "colonnade:ingest",
        group: str = "workers",
        claim_idle_s: float = 300.0,
        status_ttl_s: int = 7 * 86400,
    ) -> None:
        self.stream, self.group = stream, group
        self.claim_idle_ms = int(claim_idle_s * 1000)
        self.status_ttl_s = status_ttl_s
        # redis-py types every reply as "value or awaitable" (one class for sync and async)
        self._redis: Any = redis.Redis.from_url(url)
        try:
            self._redis.xgroup_create(stream, group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise StoreError(f"cannot create the ingestion queue's group: {exc}") from exc
        except redis.ConnectionError as exc:
            raise StoreError(
                f"cannot reach Redis for the ingestion queue: {exc}; check "
                "COLONNADE_INGESTION__QUEUE_URL"
            ) from exc

    def _status_key(self, job_id: str) -> str:
        return f"{self.stream}:status:{job_id}"

    def enqueue(self, job: IngestJob) -> str:
        pipe = self._redis.pipeline()
        pipe.set(self._status_key(job.id), json.dumps(job.queued_status()), ex=self.status_ttl_s)
        pipe.xadd(self.stream, {"job": job.to_json()})
        pipe.execute()
        return job.id

    def _delivery(self, entry_id: bytes, fields: dict[bytes, bytes]) -> Delivery:
        pending = self._redis.xpending_range(self.stream, self.group, entry_id, entry_id, 1)
        attempt = int(pending[0]["times_delivered"]) if pending else 1
        return Delivery(IngestJob.from_json(fields[b"job"]), entry_id.decode(), attempt)

    def receive(self, consumer: str, *, wait_s: float) -> Delivery | None:
        # a dead worker's job first: pending and idle for longer than the lease
        _, claimed, *_ = self._redis.xautoclaim(
            self.stream, self.group, consumer, self.claim_idle_ms, start_id="0-0", count=1
        )
        for entry_id, fields in claimed:
            if fields:  # an entry deleted meanwhile comes back empty
                return self._delivery(entry_id, fields)
        block = max(1, int(wait_s * 1000))
        found = self._redis.xreadgroup(
            self.group, consumer, {self.stream: ">"}, count=1, block=block
        )
        for _stream, entries in found or []:
            for entry_id, fields in entries:
                return self._delivery(entry_id, fields)
        return None

    def ack(self, delivery: Delivery) -> None:
        pipe = self._redis.pipeline()
        pipe.xack(self.stream, self.group, delivery.receipt)
        pipe.xdel(self.stream, delivery.receipt)
        pipe.execute()

    def depth(self) -> int:
        return int(self._redis.xlen(self.stream))

    def oldest_age_s(self) -> float:
        first = self._redis.xrange(self.stream, "-", "+", count=1)
        if not first:
            return 0.0
        enqueued_ms = int(first[0][0].decode().split("-")[0])
        return max(0.0, time.time() - enqueued_ms / 1000)

    def set_status(self, job_id: str, status: dict[str, Any]) -> None:
        self._redis.set(self._status_key(job_id), json.dumps(status), ex=self.status_ttl_s)

    def status(self, job_id: str) -> dict[str, Any] | None:
        raw = self._redis.get(self._status_key(job_id))
        return json.loads(raw) if raw else None

    def close(self) -> None:
        self._redis.close()
