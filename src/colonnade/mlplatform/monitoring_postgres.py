"""The prediction log in PostgreSQL: drift sees every replica's predictions.

Sampling, buffering and retention as :class:`PredictionLog`; only the storage differs.
"""

from __future__ import annotations

import json
import threading

import pandas as pd
from psycopg.types.json import Jsonb

from colonnade.mlplatform.monitoring import PredictionLog
from colonnade.storage.migrations import ensure_schema
from colonnade.storage.postgres import open_pool

__all__ = ["PostgresPredictionLog"]


class PostgresPredictionLog(PredictionLog):
    def __init__(
        self, url: str, *, sample_rate: float = 1.0, retention: int = 200_000, pool_size: int = 4
    ) -> None:
        # the parent's fields, without its SQLite file
        self.url = url
        self.sample_rate = sample_rate
        self.retention = retention
        self._lock = threading.Lock()
        self._buffer = []
        ensure_schema(url, "predictions")
        self._pool = open_pool(url, max_size=pool_size, name="predictions")

    def flush(self) -> int:
        with self._lock:
            items, self._buffer = self._buffer, []
        if not items:
            return 0
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO predictions (at, model, version, step, features, probability)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [(at, m, v, s, Jsonb(json.loads(f)), p) for at, m, v, s, f, p in items],
            )
            cur.execute(
                "DELETE FROM predictions WHERE id <= (SELECT max(id) FROM predictions) - %s",
                (self.retention,),
            )
        return len(items)

    def latest(self, model: str, limit: int) -> pd.DataFrame:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT at, version, step, features, probability FROM predictions"
                " WHERE model = %s ORDER BY id DESC LIMIT %s",
                (model, limit),
            ).fetchall()
        rows.reverse()
        features = pd.DataFrame([r[3] for r in rows])
        meta = pd.DataFrame(
            [(r[0], r[1], r[2], r[4]) for r in rows],
            columns=["at", "version", "step", "probability"],
        )
        return pd.concat([meta, features], axis=1)

    def close(self) -> None:
        self.flush()
        self._pool.close()
