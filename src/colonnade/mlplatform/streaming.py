"""``colonnade predict stream``: score events from a Redis Stream through a consumer group.

An input event carries ``id`` (its idempotency key) and ``features`` (a JSON object).
The worker reads with ``XREADGROUP``, scores what it read in one call, and then, in
one Lua script per batch, for each event: marks the key done (``SET NX`` with a TTL),
appends the prediction to the output stream only if the key was new, and
acknowledges the entry. Delivery is at-least-once; the output is written once per
key, so a retried or re-sent event is never scored into the output twice. Keys
already done are acknowledged without scoring.

After a crash, entries a dead consumer read but never acknowledged stay pending;
every worker claims those idle longer than ``claim_idle_ms`` (``XAUTOCLAIM``) and
finishes them. ``depth()`` — the group's lag plus its pending entries — is what
KEDA's ``redis-streams`` scaler reads (see ``examples/ml/keda-scaledobject.yaml``); the
worker also exports it as ``colonnade_ml_stream_depth`` (``--metrics-port``), for
Prometheus-based scaling and alerts.
An event that cannot be scored (bad JSON, a missing feature) goes to the output
with an ``error`` field instead, and is acknowledged: it would fail again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from prometheus_client import CollectorRegistry, Counter, Gauge

from colonnade.errors import InvalidInput
from colonnade.mlplatform.runtime import ServedVersion
from colonnade.observability import get_logger

__all__ = ["StreamWorker", "WorkerStats"]

log = get_logger(__name__)

# KEYS: output stream, input stream. ARGV: group, ttl seconds, maxlen, then per event:
# entry id, idempotency key, payload (JSON fields for the output).
_COMMIT = """
local written = 0
for i = 4, #ARGV, 3 do
  local key = ARGV[i + 1]
  if redis.call('SET', key, '1', 'NX', 'EX', tonumber(ARGV[2])) then
    local payload = cjson.decode(ARGV[i + 2])
    local fields = {}
    for k, v in pairs(payload) do
      table.insert(fields, k)
      table.insert(fields, tostring(v))
    end
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
    written = written + 1
  end
  redis.call('XACK', KEYS[2], ARGV[1], ARGV[i])
end
return written
"""


@dataclass
class WorkerStats:
    read: int = 0
    scored: int = 0
    written: int = 0
    duplicates: int = 0
    errors: int = 0
    claimed: int = 0
    batches: int = 0


class StreamWorker:
    def __init__(
        self,
        client: Any,  # a synchronous redis.Redis (its stubs type every reply as maybe-awaitable)
        served: ServedVersion,
        *,
        input_stream: str,
        output_stream: str,
        group: str = "colonnade-predict",
        consumer: str = "worker-1",
        batch: int = 256,
        block_ms: int = 1000,
        claim_idle_ms: int = 30_000,
        dedupe_ttl_s: int = 7 * 24 * 3600,
        output_maxlen: int = 1_000_000,
        metrics: CollectorRegistry | None = None,
    ) -> None:
        self.redis = client
        self.served = served
        self.input = input_stream
        self.output = output_stream
        self.group = group
        self.consumer = consumer
        self.batch = batch
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.ttl = dedupe_ttl_s
        self.maxlen = output_maxlen
        self.stats = WorkerStats()
        registry = metrics or CollectorRegistry()
        self.metrics = registry
        self._depth = Gauge(
            "colonnade_ml_stream_depth",
            "Entries waiting for the consumer group (lag + pending)",
            ["stream", "group"],
            registry=registry,
        ).labels(input_stream, group)
        self._written = Counter(
            "colonnade_ml_stream_written",
            "Predictions written to the output stream",
            ["stream", "group"],
            registry=registry,
        ).labels(input_stream, group)
        self._commit = client.register_script(_COMMIT)
        self._ensure_group()

    def _ensure_group(self) -> None:
        try:
            self.redis.xgroup_create(self.input, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _done_key(self, key: str) -> str:
        return f"colonnade:predict:done:{self.group}:{key}"

    def depth(self) -> int:
        """Entries waiting for this group: never delivered (lag) plus delivered, unacked."""
        for info in self.redis.xinfo_groups(self.input):
            name = info["name"]
            if (name.decode() if isinstance(name, bytes) else name) == self.group:
                return int(info.get("lag") or 0) + int(info.get("pending") or 0)
        return 0

    def claim_stale(self) -> int:
        """Take over entries a crashed consumer left pending, and process them."""
        total = 0
        start = "0-0"
        while True:
            start, entries, *_ = self.redis.xautoclaim(
                self.input, self.group, self.consumer, self.claim_idle_ms, start, count=self.batch
            )
            entries = [e for e in entries if e[1] is not None]
            if entries:
                self.process(entries)
                total += len(entries)
            if start in (b"0-0", "0-0"):
                break
        self.stats.claimed += total
        return total

    def poll(self) -> int:
        """Read and process one batch of new entries; returns how many were read."""
        got = self.redis.xreadgroup(
            self.group, self.consumer, {self.input: ">"}, count=self.batch, block=self.block_ms
        )
        entries = [e for _, batch in (got or []) for e in batch]
        if entries:
            self.process(entries)
        return len(entries)

    def process(self, entries: list[tuple[Any, dict[Any, Any]]]) -> None:
        self.stats.read += len(entries)
        parsed: list[tuple[str, str, dict[str, Any] | None, str | None]] = []
        for entry_id, fields in entries:
            eid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            data = {_s(k): _s(v) for k, v in fields.items()}
            key = data.get("id") or eid
            try:
                row = json.loads(data.get("features", ""))
                self.served.encoder.check(row, "features")
                parsed.append((eid, key, row, None))
            except (ValueError, InvalidInput) as exc:
                message = exc.message if isinstance(exc, InvalidInput) else f"features: {exc}"
                parsed.append((eid, key, None, message))
        # keys already done are acknowledged, not scored again
        done = self.redis.mget([self._done_key(k) for _, k, _, _ in parsed]) if parsed else []
        todo = [(p, d is not None) for p, d in zip(parsed, done, strict=True)]
        rows = [p[2] for p, seen in todo if not seen and p[2] is not None]
        probs: Any = self.served.score(self.served.encoder.matrix(rows)) if rows else []
        self.stats.scored += len(rows)
        argv: list[Any] = [self.group, self.ttl, self.maxlen]
        at = 0
        for (eid, key, row, error), seen in todo:
            if seen:
                self.stats.duplicates += 1
                self.redis.xack(self.input, self.group, eid)
                continue
            payload: dict[str, Any] = {
                "id": key,
                "model": self.served.model,
                "version": self.served.version,
            }
            if row is None:
                payload["error"] = error
                self.stats.errors += 1
            else:
                p = float(probs[at])
                at += 1
                payload["probability"] = f"{p:.6f}"
                payload["prediction"] = int(p >= self.served.spec.threshold)
            argv += [eid, self._done_key(key), json.dumps(payload)]
        if len(argv) > 3:
            written = int(self._commit(keys=[self.output, self.input], args=argv))
            self.stats.written += written
            self._written.inc(written)
            self.stats.duplicates += (len(argv) - 3) // 3 - written
        self.stats.batches += 1

    def run(
        self,
        *,
        stop: Callable[[], bool] = lambda: False,
        idle_exit_s: float | None = None,
        claim_every_s: float = 10.0,
        on_batch: Callable[[WorkerStats, int], None] | None = None,
    ) -> WorkerStats:
        """Claim stale entries, then poll until ``stop()`` (or idle for ``idle_exit_s``)."""
        self.claim_stale()
        last_claim = last_work = time.monotonic()
        while not stop():
            n = self.poll()
            now = time.monotonic()
            if n:
                last_work = now
                depth = self.depth()
                self._depth.set(depth)
                if on_batch is not None:
                    on_batch(self.stats, depth)
            elif idle_exit_s is not None and now - last_work >= idle_exit_s:
                break
            if now - last_claim >= claim_every_s:
                self.claim_stale()
                last_claim = now
        self._depth.set(self.depth())
        return self.stats


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
