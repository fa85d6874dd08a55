"""Picks the ingestion queue: Redis Streams when ``ingestion.queue_url`` is set, else in process."""

from __future__ import annotations

from colonnade.knowledge.queue.memory import InProcessQueue
from colonnade.knowledge.queue.ports import JobQueue
from colonnade.settings import IngestionSettings

__all__ = ["build_queue"]


def build_queue(settings: IngestionSettings) -> JobQueue:
    if settings.queue_url:
        if not settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
            from colonnade.errors import InvalidInput

            raise InvalidInput(
                f"ingestion.queue_url {settings.queue_url!r} is not supported: use redis://HOST"
            )
        from colonnade.knowledge.queue.redis_streams import RedisStreamsQueue

        return RedisStreamsQueue(settings.queue_url, claim_idle_s=settings.claim_idle_s)
    return InProcessQueue(claim_idle_s=settings.claim_idle_s)
