"""The ML platform: MLflow tracking and registry, the predictions runtime, monitoring."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from colonnade.settings.reliability import BreakerSettings

__all__ = ["MLSettings", "ServedModelSettings"]


class ServedModelSettings(BaseModel):
    """How one registered model is served; every model with a ``champion`` alias is served."""

    canary_weight: float = Field(0.0, ge=0.0, le=1.0, description="share sent to `challenger`")
    shadow: bool = Field(False, description="score `challenger` too; answer with the champion")
    timeout_ms: float = Field(250.0, gt=0)


class MLSettings(BaseModel):
    """The ML platform: MLflow tracking and registry, the predictions runtime, monitoring."""

    enabled: bool = Field(True, description="serve POST /v1/predictions when the ml extra is in")
    tracking_uri: str | None = Field(
        None, description="MLflow tracking/registry URI; default sqlite under the data dir"
    )
    artifacts_dir: Path | None = Field(None, description="default: <data_dir>/mlartifacts")
    feature_repo: Path | None = Field(None, description="default: <data_dir>/features")
    feature_online_store: str = Field(
        "sqlite", description="sqlite, or a redis connection string (host:port) at scale"
    )
    models: dict[str, ServedModelSettings] = Field(default_factory=dict)
    max_batch: int = Field(64, ge=1, le=4096)
    max_wait_ms: float = Field(2.0, ge=0.0, description="how long a batch waits to fill")
    max_rows: int = Field(1000, ge=1, description="rows in one POST /v1/predictions")
    inline_rows: int = Field(
        8, ge=0, description="batches this small are scored on the event loop, not a thread"
    )
    watch_s: float = Field(2.0, gt=0, description="how often registry aliases are checked")
    breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    log_sample_rate: float = Field(1.0, ge=0.0, le=1.0, description="share of predictions logged")
    log_retention_rows: int = Field(200_000, ge=1000)
    drift_interval_s: float = Field(300.0, gt=0, description="drift computed this often")
    drift_window: int = Field(5000, ge=50, description="latest logged rows compared")
    drift_min_rows: int = Field(
        200, ge=1, description="fewer logged rows than this give no drift verdict"
    )
    psi_threshold: float = Field(0.2, gt=0)
    ks_pvalue: float = Field(0.01, gt=0, lt=1)
    approver_may_train: bool = Field(
        False, description="let whoever trained a version also approve it (no four-eyes)"
    )
