"""One registered model version, loaded for scoring.

``ServedVersion`` reads a version's serving folder (``spec.json``, ``model.onnx``,
``reference.parquet``), opens an ONNX Runtime session (or the logged scikit-learn
pipeline when the version could not be exported), warms it, and gives it a
micro-batcher and a circuit breaker. The predictions API, batch files and stream
workers all score through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from colonnade.errors import NotFound
from colonnade.mlplatform.batching import MicroBatcher
from colonnade.mlplatform.modeling import Encoder
from colonnade.mlplatform.registry import ModelVersionInfo, Registry
from colonnade.mlplatform.spec import ServingSpec
from colonnade.mlplatform.tracking import Tracking
from colonnade.reliability import Breaker
from colonnade.settings import MLSettings, Settings

__all__ = ["ServedVersion", "load_served"]


class ServedVersion:
    """One model version, loaded and warmed: its encoder, its session, its batcher, its breaker."""

    def __init__(
        self, info: ModelVersionInfo, folder: Path, ml: MLSettings, tracking: Tracking
    ) -> None:
        self.info = info
        self.folder = folder
        self.spec = ServingSpec.model_validate_json((folder / "spec.json").read_text())
        self.model = info.model
        self.version = info.version
        self.encoder = Encoder(self.spec.features)
        self.runtime = self.spec.runtime
        onnx = folder / "model.onnx"
        if self.runtime == "onnx" and onnx.exists():
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(str(onnx), options, providers=["CPUExecutionProvider"])

            def score(x: np.ndarray) -> np.ndarray:
                out: np.ndarray = session.run(["probabilities"], {"X": x})[0][:, 1]
                return out

            self.portable: Any = onnx.read_bytes()  # what a batch worker elsewhere loads
        else:
            import mlflow.sklearn

            tracking.activate()  # runs:/ URIs resolve against the fluent API's tracking URI
            pipeline = mlflow.sklearn.load_model(f"runs:/{info.run_id}/{folder.name}_sklearn")
            estimator = pipeline.named_steps["estimator"]
            self.runtime = "sklearn"

            def score(x: np.ndarray) -> np.ndarray:
                out: np.ndarray = estimator.predict_proba(x)[:, 1]
                return out

            self.portable = estimator

        self.score = score
        self.score(np.zeros((1, self.encoder.width), dtype=np.float32))  # warm before traffic
        self.breaker = Breaker(f"{self.model}:{self.version}", ml.breaker)
        self.batcher = MicroBatcher(
            self.score,
            max_batch=ml.max_batch,
            max_wait_s=ml.max_wait_ms / 1000,
            name=f"{self.model}-{self.version}",
            inline_rows=ml.inline_rows,
        )
        self._reference: pd.DataFrame | None = None

    @property
    def reference(self) -> pd.DataFrame:
        if self._reference is None:
            self._reference = pd.read_parquet(self.folder / "reference.parquet")
        return self._reference

    def describe(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "runtime": self.runtime,
            "status": self.info.status,
            "metrics": self.info.metrics,
            "lineage": self.spec.lineage,
            "breaker": self.breaker.state.value,
        }


def load_served(settings: Settings, model: str, ref: str = "champion") -> ServedVersion:
    """One version for batch or stream scoring: an alias (champion, …) or a version number."""
    registry = Registry.from_settings(settings)
    if ref.isdigit():
        info = registry.version(model, ref)
    else:
        found = registry.by_alias(model, ref)
        if found is None:
            registry.versions(model)  # NotFound for an unknown model, listing the known ones
            raise NotFound(f"model {model!r} has no {ref} version: promote one first")
        info = found
    return ServedVersion(info, registry.download(info), settings.ml, registry.tracking)
