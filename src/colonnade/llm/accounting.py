"""Token accounting, cost and metrics for every model call.

Each call (primary, fallback or shadow) becomes one ledger row: route,
deployment, path, attempt, outcome, tokens, cost and latency. Rows are kept in
memory and written to SQLite in batches, so a gateway request pays a list
append, not a disk write. Prometheus metrics carry the same figures live.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from colonnade.storage.migrations import ensure_schema
from colonnade.storage.sqlite import Migration, connect

__all__ = ["CallRecord", "LLMMetrics", "UsageLedger"]

MIGRATIONS = [
    Migration(
        1,
        "model calls and shadow comparisons",
        [
            """CREATE TABLE llm_calls (
                id INTEGER PRIMARY KEY,
                at REAL NOT NULL,
                request_id TEXT,
                tenant TEXT,
                route TEXT NOT NULL,
                deployment TEXT NOT NULL,
                path TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                stream INTEGER NOT NULL,
                shadow INTEGER NOT NULL DEFAULT 0,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                estimated INTEGER NOT NULL,
                cost_usd REAL NOT NULL,
                latency_ms REAL NOT NULL,
                classification TEXT NOT NULL
            )""",
            "CREATE INDEX llm_calls_at ON llm_calls(at)",
            """CREATE TABLE llm_shadow (
                id INTEGER PRIMARY KEY,
                at REAL NOT NULL,
                request_id TEXT,
                route TEXT NOT NULL,
                primary_deployment TEXT NOT NULL,
                candidate_deployment TEXT NOT NULL,
                primary_text TEXT NOT NULL,
                candidate_text TEXT,
                candidate_error TEXT,
                primary_ms REAL NOT NULL,
                candidate_ms REAL
            )""",
        ],
    )
]

_CALL_COLUMNS = (
    "at, request_id, tenant, route, deployment, path, attempt, outcome, stream, shadow, "
    "prompt_tokens, completion_tokens, estimated, cost_usd, latency_ms, classification"
)


@dataclass(slots=True)
class CallRecord:
    route: str
    deployment: str
    path: str
    attempt: int
    outcome: str  # ok, or the LLMError kind
    stream: bool
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    cost_usd: float
    latency_ms: float
    classification: str
    request_id: str | None = None
    tenant: str | None = None
    shadow: bool = False
    at: float = 0.0

    def row(self) -> tuple[Any, ...]:
        return (
            self.at or time.time(),
            self.request_id,
            self.tenant,
            self.route,
            self.deployment,
            self.path,
            self.attempt,
            self.outcome,
            int(self.stream),
            int(self.shadow),
            self.prompt_tokens,
            self.completion_tokens,
            int(self.estimated),
            self.cost_usd,
            self.latency_ms,
            self.classification,
        )


class LLMMetrics:
    """Prometheus metrics of the LLM layer, in a registry of their own (one per app)."""

    BREAKER_VALUES: ClassVar[dict[str, int]] = {"closed": 0, "half_open": 1, "open": 2}

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "colonnade_llm_calls", "model calls", ["deployment", "path", "outcome"], registry=r
        )
        self.tokens = Counter(
            "colonnade_llm_tokens", "tokens by direction", ["deployment", "direction"], registry=r
        )
        self.cost = Counter(
            "colonnade_llm_cost_usd", "cost from the catalog", ["deployment"], registry=r
        )
        self.latency = Histogram(
            "colonnade_llm_latency_seconds",
            "call latency (whole completion, or the stream's first token)",
            ["deployment"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=r,
        )
        self.breaker = Gauge(
            "colonnade_llm_breaker_state",
            "0 closed, 1 half-open, 2 open",
            ["deployment"],
            registry=r,
        )
        self.in_flight = Gauge(
            "colonnade_llm_in_flight", "calls under way", ["deployment"], registry=r
        )
        self.fallbacks = Counter(
            "colonnade_llm_fallbacks", "fallbacks taken, by reason", ["route", "reason"], registry=r
        )
        self._calls: dict[tuple[str, str, str], Any] = {}
        self._spent: dict[str, tuple[Any, Any, Any, Any]] = {}

    def breaker_changed(self, deployment: str, state: Any) -> None:
        self.breaker.labels(deployment).set(self.BREAKER_VALUES[str(state.value)])

    def record(self, call: CallRecord) -> None:
        # each labelled series looked up once: ``labels()`` checks and locks on every call
        # (five times a request); a series appears only once a call has counted in it
        d = call.deployment
        key = (d, call.path, call.outcome)
        calls = self._calls.get(key)
        if calls is None:
            calls = self._calls[key] = self.requests.labels(d, call.path, call.outcome)
        calls.inc()
        if call.outcome == "ok":
            spent = self._spent.get(d)
            if spent is None:
                spent = self._spent[d] = (
                    self.tokens.labels(d, "prompt"),
                    self.tokens.labels(d, "completion"),
                    self.cost.labels(d),
                    self.latency.labels(d),
                )
            prompt, completion, cost, latency = spent
            prompt.inc(call.prompt_tokens)
            completion.inc(call.completion_tokens)
            cost.inc(call.cost_usd)
            latency.observe(call.latency_ms / 1000)


class UsageLedger:
    """Call records buffered in memory and written to SQLite in batches."""

    def __init__(self, path: Path, *, metrics: LLMMetrics | None = None, batch: int = 256) -> None:
        self.path = path
        self.metrics = metrics
        self.batch = batch
        self._pending: list[CallRecord] = []
        self._shadows: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            ensure_schema(self.path, "llm")
            self._conn = connect(self.path)
        return self._conn

    def record(self, call: CallRecord) -> None:
        if not call.at:
            call.at = time.time()
        if self.metrics is not None:
            self.metrics.record(call)
        with self._lock:
            self._pending.append(call)
            full = len(self._pending) >= self.batch
        if full:
            self.flush()

    def record_shadow(
        self,
        *,
        request_id: str | None,
        route: str,
        primary: str,
        candidate: str,
        primary_text: str,
        candidate_text: str | None,
        candidate_error: str | None,
        primary_ms: float,
        candidate_ms: float | None,
    ) -> None:
        row = (
            time.time(),
            request_id,
            route,
            primary,
            candidate,
            primary_text,
            candidate_text,
            candidate_error,
            primary_ms,
            candidate_ms,
        )
        with self._lock:
            self._shadows.append(row)

    def flush(self) -> None:
        with self._lock:
            calls, self._pending = self._pending, []
            shadows, self._shadows = self._shadows, []
            if not calls and not shadows:
                return
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    f"INSERT INTO llm_calls({_CALL_COLUMNS}) VALUES ({', '.join('?' * 16)})",
                    [c.row() for c in calls],
                )
                db.executemany(
                    "INSERT INTO llm_shadow(at, request_id, route, primary_deployment,"
                    " candidate_deployment, primary_text, candidate_text, candidate_error,"
                    " primary_ms, candidate_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    shadows,
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def summary(self, *, since: float = 0.0) -> list[dict[str, Any]]:
        """Per route and deployment: calls, failures, tokens and cost since ``since``."""
        self.flush()
        rows = (
            self._db()
            .execute(
                "SELECT route, deployment, path, COUNT(*) AS calls,"
                " SUM(outcome != 'ok') AS failures, SUM(prompt_tokens) AS prompt_tokens,"
                " SUM(completion_tokens) AS completion_tokens, ROUND(SUM(cost_usd), 6) AS cost_usd,"
                " ROUND(AVG(latency_ms), 1) AS avg_latency_ms"
                " FROM llm_calls WHERE at >= ? AND shadow = 0 GROUP BY route, deployment, path"
                " ORDER BY route, deployment",
                (since,),
            )
            .fetchall()
        )
        return [dict(r) for r in rows]

    def calls(self, *, limit: int = 100) -> list[dict[str, Any]]:
        self.flush()
        rows = (
            self._db()
            .execute("SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?", (limit,))
            .fetchall()
        )
        return [dict(r) for r in rows]

    def shadows(self, *, limit: int = 100) -> list[dict[str, Any]]:
        self.flush()
        rows = (
            self._db()
            .execute("SELECT * FROM llm_shadow ORDER BY id DESC LIMIT ?", (limit,))
            .fetchall()
        )
        return [dict(r) for r in rows]

    def close(self) -> None:
        self.flush()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
