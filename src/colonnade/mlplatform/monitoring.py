"""Prediction logging, data quality and drift against the training reference.

Every prediction (or a sampled share, ``ml.log_sample_rate``) is logged with its model,
version and the step that answered, in a buffered SQLite table under the data
directory. Drift compares the latest ``ml.drift_window`` logged rows of a model with
the reference sample saved at training time: PSI for every feature (quantile bins
for numbers, the declared values for categories) and the two-sample KS test for
numbers; a feature drifts when its PSI passes ``ml.psi_threshold`` or its KS p-value
falls below ``ml.ks_pvalue``. The API computes it every ``ml.drift_interval_s`` and
exports it as metrics; ``colonnade monitor drift`` prints it (or writes HTML).
"""

from __future__ import annotations

import functools
import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from colonnade.mlplatform.quality import QualityReport, check_quality
from colonnade.mlplatform.spec import FeatureSpec, ValidationSpec
from colonnade.settings import Settings

__all__ = ["DriftReport", "FeatureDrift", "PredictionLog", "compute_drift", "psi", "render_html"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS predictions (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    step TEXT NOT NULL,
    features TEXT NOT NULL,
    probability REAL
);
CREATE INDEX IF NOT EXISTS predictions_model ON predictions (model, id);
"""


class PredictionLog:
    """Buffered, sampled prediction records; ``flush`` writes them (call it off the loop)."""

    def __init__(self, path: Path, *, sample_rate: float = 1.0, retention: int = 200_000) -> None:
        self.path = path
        self.sample_rate = sample_rate
        self.retention = retention
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._buffer: list[tuple[float, str, str, str, str, float | None]] = []
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> PredictionLog:
        """``<data_dir>/ml/predictions.db``, sampled and kept as ``ml.log_*`` says."""
        storage = settings.storage
        if storage.is_postgres() and storage.database_url:  # shared by every replica
            from colonnade.mlplatform.monitoring_postgres import PostgresPredictionLog

            return PostgresPredictionLog(
                storage.database_url,
                sample_rate=settings.ml.log_sample_rate,
                retention=settings.ml.log_retention_rows,
            )
        return cls(
            settings.storage.data_dir / "ml" / "predictions.db",
            sample_rate=settings.ml.log_sample_rate,
            retention=settings.ml.log_retention_rows,
        )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one unit of work: committed (or rolled back), then closed."""
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        finally:
            db.close()

    def record(
        self,
        model: str,
        version: str,
        step: str,
        rows: list[dict[str, Any]],
        probabilities: list[float | None],
    ) -> None:
        if self.sample_rate < 1.0 and random.random() >= self.sample_rate:  # noqa: S311
            return
        now = time.time()
        items = [
            (now, model, version, step, json.dumps(row), p)
            for row, p in zip(rows, probabilities, strict=True)
        ]
        with self._lock:
            self._buffer.extend(items)

    def flush(self) -> int:
        with self._lock:
            items, self._buffer = self._buffer, []
        if not items:
            return 0
        with self._connect() as db:
            db.executemany(
                "INSERT INTO predictions (at, model, version, step, features, probability) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                items,
            )
            last = db.execute("SELECT max(id) FROM predictions").fetchone()[0] or 0
            db.execute("DELETE FROM predictions WHERE id <= ?", (last - self.retention,))
        return len(items)

    def latest(self, model: str, limit: int) -> pd.DataFrame:
        """The model's newest logged rows, oldest first, with at/version/step/probability."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT at, version, step, features, probability FROM predictions "
                "WHERE model = ? ORDER BY id DESC LIMIT ?",
                (model, limit),
            ).fetchall()
        rows.reverse()
        features = pd.DataFrame([json.loads(r[3]) for r in rows])
        meta = pd.DataFrame(rows, columns=["at", "version", "step", "features", "probability"])
        return pd.concat([meta.drop(columns=["features"]), features], axis=1)


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    """Population stability index of numbers, over the reference's quantile bins."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        return 0.0
    edges[0], edges[-1] = -np.inf, np.inf
    ref = np.histogram(reference, edges)[0] / max(len(reference), 1)
    cur = np.histogram(current, edges)[0] / max(len(current), 1)
    return _psi(ref, cur)


def _psi(ref: np.ndarray, cur: np.ndarray, floor: float = 1e-4) -> float:
    ref = np.clip(ref, floor, None)
    cur = np.clip(cur, floor, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _categorical_psi(reference: pd.Series, current: pd.Series, values: list[str]) -> float:
    ref = reference.astype(str).value_counts(normalize=True).reindex(values, fill_value=0)
    cur = current.astype(str).value_counts(normalize=True).reindex(values, fill_value=0)
    return _psi(ref.to_numpy(dtype=float), cur.to_numpy(dtype=float))


@dataclass(frozen=True)
class FeatureDrift:
    name: str
    psi: float
    ks_statistic: float | None
    ks_pvalue: float | None
    drifted: bool
    reference_mean: float | None = None
    current_mean: float | None = None


@dataclass
class DriftReport:
    model: str
    reference_rows: int
    current_rows: int
    features: list[FeatureDrift]
    quality: QualityReport
    versions: dict[str, int] = field(default_factory=dict)
    at: float = field(default_factory=time.time)
    min_rows: int = 1

    @property
    def enough_data(self) -> bool:
        """Too few logged rows make PSI and KS noise: then nothing is called drifted."""
        return self.current_rows >= self.min_rows

    @property
    def drifted(self) -> list[str]:
        return [f.name for f in self.features if f.drifted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "reference_rows": self.reference_rows,
            "current_rows": self.current_rows,
            "drifted": self.drifted,
            "enough_data": self.enough_data,
            "min_rows": self.min_rows,
            "versions": self.versions,
            "features": [f.__dict__ for f in self.features],
            "quality": {"ok": self.quality.ok, "problems": self.quality.problems},
        }


def compute_drift(
    model: str,
    reference: pd.DataFrame,
    current: pd.DataFrame,
    features: list[FeatureSpec],
    *,
    psi_threshold: float,
    ks_pvalue: float,
    limits: ValidationSpec | None = None,
    min_rows: int = 1,
) -> DriftReport:
    """PSI and KS per feature; with fewer than ``min_rows`` current rows no feature is
    flagged (the figures are still reported), since a handful of rows always "drifts"."""
    from scipy.stats import ks_2samp

    enough = len(current) >= min_rows

    out = []
    for f in features:
        if f.name not in current.columns or current[f.name].dropna().empty:
            continue
        cur = current[f.name].dropna()
        ref = reference[f.name].dropna()
        if f.type == "category":
            value = _categorical_psi(ref, cur, list(f.values or []))
            out.append(FeatureDrift(f.name, value, None, None, enough and value > psi_threshold))
            continue
        r = ref.to_numpy(dtype=float)
        c = pd.to_numeric(cur, errors="coerce").dropna().to_numpy(dtype=float)
        value = psi(r, c)
        ks = ks_2samp(r, c)
        statistic, pvalue = float(ks.statistic), float(ks.pvalue)
        out.append(
            FeatureDrift(
                f.name,
                value,
                statistic,
                pvalue,
                enough and (value > psi_threshold or pvalue < ks_pvalue),
                float(r.mean()),
                float(c.mean()),
            )
        )
    versions = (
        {str(k): int(v) for k, v in current["version"].value_counts().items()}
        if "version" in current.columns
        else {}
    )
    return DriftReport(
        model=model,
        reference_rows=len(reference),
        current_rows=len(current),
        features=out,
        quality=check_quality(current, features, limits or ValidationSpec()),
        versions=versions,
        min_rows=min_rows,
    )


def render_html(report: DriftReport, psi_threshold: float) -> str:
    """A page a person can read: one bar per feature (PSI), the threshold as a line."""
    width, row_h = 520, 26
    top = max([f.psi for f in report.features] + [psi_threshold * 1.5])
    scale = (width - 170) / top
    bars = [
        {"feature": f, "y": 10 + i * row_h, "width": max(f.psi * scale, 1.0)}
        for i, f in enumerate(report.features)
    ]
    return (
        _templates()
        .get_template("drift.html.j2")
        .render(
            report=report,
            psi_threshold=psi_threshold,
            bars=bars,
            width=width,
            height=20 + len(report.features) * row_h,
            line_x=160 + psi_threshold * scale,
        )
    )


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("colonnade.mlplatform", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
