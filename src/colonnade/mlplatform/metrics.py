"""Prometheus metrics of the predictions runtime: rows, latency, batches, failures, shadow
agreement, breakers and drift, per model and version."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["MLMetrics"]


class MLMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = self.registry = registry or CollectorRegistry()
        self.rows = Counter(
            "colonnade_ml_predictions",
            "Rows scored, by model, version and step",
            ["model", "version", "step"],
            registry=r,
        )
        self.latency = Histogram(
            "colonnade_ml_request_seconds",
            "Time to answer a predictions request",
            ["model", "step"],
            registry=r,
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
        )
        self.batch = Histogram(
            "colonnade_ml_batch_rows",
            "Rows per inference call",
            ["model", "version"],
            registry=r,
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 1024),
        )
        self.failures = Counter(
            "colonnade_ml_step_failures",
            "Steps left on an error or timeout",
            ["model", "version", "reason"],
            registry=r,
        )
        self.shadow = Counter(
            "colonnade_ml_shadow_rows",
            "Rows scored in shadow, and whether the label agreed",
            ["model", "version", "agreed"],
            registry=r,
        )
        self.breaker = Gauge(
            "colonnade_ml_breaker_open",
            "1 while a model version's breaker is open",
            ["model", "version"],
            registry=r,
        )
        self.psi = Gauge(
            "colonnade_ml_feature_psi",
            "PSI of a feature against the training reference",
            ["model", "feature"],
            registry=r,
        )
        self.drifted = Gauge(
            "colonnade_ml_feature_drifted",
            "1 when a feature drifted (PSI or KS over threshold)",
            ["model", "feature"],
            registry=r,
        )
