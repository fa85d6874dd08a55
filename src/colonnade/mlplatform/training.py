"""``colonnade train PIPELINE``: source → validation → split → features → train → tune →
evaluate → register, every step tracked in MLflow.

A run records the pipeline's parameters, the held-out metrics (overall, per segment,
and the fairness gap across the chosen attribute), the data and feature versions
(content hashes), the code version (git commit, Colonnade version, pipeline-file
hash) and the artifacts serving needs (``serving/model.onnx``, ``serving/spec.json``,
``serving/reference.parquet`` for drift). The new version is registered with the alias
``staging``; it serves traffic only after ``colonnade models promote``.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from colonnade.errors import InvalidInput
from colonnade.mlplatform.datasets import generate_churn, write_churn
from colonnade.mlplatform.features import FeatureRepository
from colonnade.mlplatform.modeling import Encoder, to_onnx
from colonnade.mlplatform.registry import HISTORY_TAG, Registry, event
from colonnade.mlplatform.spec import PipelineSpec
from colonnade.mlplatform.steps import (
    fairness_gaps,
    fit,
    lineage_of,
    metrics_of,
    split,
    tune,
    validate,
)
from colonnade.mlplatform.tracking import Tracking
from colonnade.settings import Settings

__all__ = ["TrainResult", "feature_files", "load_source", "train"]

Progress = Callable[[str], None]
REFERENCE_ROWS = 5000


@dataclass
class TrainResult:
    run_id: str
    model: str
    version: str
    metrics: dict[str, float]
    baseline: tuple[str, str] | None = None  # (model, version)
    segments: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    lineage: dict[str, str] = field(default_factory=dict)
    gate_failures: list[str] = field(default_factory=list)
    stale_rows: int = 0


def load_source(
    spec: PipelineSpec, settings: Settings, progress: Progress
) -> tuple[pd.DataFrame, int]:
    """The labelled rows, with features as of each label's time; and how many were stale."""
    src = spec.source
    if spec.feature_store is not None:
        features_path, labels_path = feature_files(spec, settings, progress)
        repo = FeatureRepository.from_settings(settings)
        progress("features: applying the feature view (Feast)")
        repo.apply(spec, features_path)
        labels = pd.read_parquet(labels_path)
        progress(f"features: point-in-time join of {len(labels)} labels")
        got = repo.training_set(spec, labels)
        return got.frame, got.stale
    if src.kind == "generated":
        progress(f"generating {src.rows} customers ({src.generator})")
        return generate_churn(src.rows, src.seed).flat(), 0
    if src.path is None:
        raise InvalidInput("source.path is required for a file source")
    if not src.path.exists():
        raise InvalidInput(f"no data file at {src.path}")
    if src.path.suffix == ".parquet":
        return pd.read_parquet(src.path), 0
    return pd.read_csv(src.path), 0


def feature_files(spec: PipelineSpec, settings: Settings, progress: Progress) -> tuple[Path, Path]:
    """The feature-store pipeline's feature and label files; a generated source writes them."""
    fs = spec.feature_store
    if fs is None:
        raise InvalidInput(f"pipeline {spec.name!r} declares no feature_store")
    src = spec.source
    if src.kind == "generated" and (fs.features_path is None or fs.labels_path is None):
        progress(f"generating {src.rows} customers ({src.generator})")
        data_dir = settings.storage.data_dir.resolve() / "ml" / "data" / spec.name
        fs.features_path, fs.labels_path = write_churn(data_dir, src.rows, src.seed)
    if fs.features_path is None or fs.labels_path is None:
        raise InvalidInput("feature_store needs features_path and labels_path")
    return fs.features_path, fs.labels_path


def train(
    spec: PipelineSpec,
    settings: Settings,
    *,
    progress: Progress = lambda _: None,
    trained_by: str | None = None,
) -> TrainResult:
    """load → validate → split → tune → fit → evaluate → register, in one MLflow run."""
    import mlflow

    tracking = Tracking.from_settings(settings)
    tracking.activate()
    trained_by = trained_by or getpass.getuser()
    frame, stale = load_source(spec, settings, progress)
    complete = validate(frame, spec, progress)
    splits = split(complete, spec)
    lineage = lineage_of(spec, complete)
    experiment = tracking.experiment(spec.name)
    with mlflow.start_run(experiment_id=experiment, run_name=f"{spec.name}-train") as run:
        mlflow.set_tags({f"colonnade.{k}": v for k, v in lineage.items()})
        mlflow.set_tag("colonnade.trained_by", trained_by)
        mlflow.log_params(
            {
                "algorithm": spec.train.algorithm,
                "rows": len(complete),
                "train_rows": len(splits.train),
                "valid_rows": len(splits.valid),
                "test_rows": len(splits.test),
                "stale_rows": stale,
                "tune_trials": spec.train.tune.trials,
                "features": ",".join(f.name for f in spec.features),
            }
        )

        def log_trial(number: int, params: dict[str, Any], value: float) -> None:
            with mlflow.start_run(
                experiment_id=experiment, run_name=f"trial-{number}", nested=True
            ):
                mlflow.log_params(params)
                mlflow.log_metric(f"valid_{spec.train.tune.metric}", value)

        tuned = tune(spec, splits, progress, on_trial=log_trial)
        best = {**spec.train.params, **tuned.params}
        if tuned.score is not None:
            mlflow.log_params({f"best_{k}": v for k, v in tuned.params.items()})
            mlflow.log_metric(f"best_valid_{spec.train.tune.metric}", tuned.score)

        progress("training the final model")
        model, x_fit = fit(spec, spec.train.algorithm, best, splits)
        held_out = _HeldOut(spec, splits.test, splits.xy(splits.test)[1])
        metrics, proba = held_out.evaluate(model)
        segments = held_out.segments(proba)
        mlflow.log_metrics({f"test_{k}": v for k, v in metrics.items()})
        for column, by_value in segments.items():
            for value, m in by_value.items():
                if "roc_auc" in m:
                    mlflow.log_metric(f"segment_{column}_{value}_roc_auc", m["roc_auc"])
        mlflow.log_dict({"metrics": metrics, "segments": segments}, "evaluation/report.json")
        progress(
            "held-out: "
            + ", ".join(
                f"{k} {metrics[k]:.3f}" for k in ("roc_auc", "f1", "fairness_gap") if k in metrics
            )
        )

        registering = _Registering(
            spec=spec,
            encoder=Encoder(spec.features),
            lineage=lineage,
            reference=x_fit.sample(min(REFERENCE_ROWS, len(x_fit)), random_state=spec.split.seed),
            run_id=run.info.run_id,
            trained_by=trained_by,
            registry=Registry(tracking),
            progress=progress,
        )
        version = registering.register(model, metrics, spec.model, "serving")
        baseline: tuple[str, str] | None = None
        b_metrics: dict[str, float] = {}
        if spec.baseline is not None:
            progress(f"baseline: {spec.baseline.algorithm} as {spec.baseline.model}")
            simple, _ = fit(spec, spec.baseline.algorithm, {}, splits)
            b_metrics, _ = held_out.evaluate(simple)
            mlflow.log_metrics({f"baseline_test_{k}": v for k, v in b_metrics.items()})
            b_version = registering.register(
                simple, b_metrics, spec.baseline.model, "baseline_serving"
            )
            baseline = (spec.baseline.model, b_version)
            registering.registry.annotate(
                spec.model,
                version,
                {
                    "colonnade.baseline_metrics": json.dumps(
                        {k: round(v, 6) for k, v in b_metrics.items()}
                    )
                },
            )
            registering.registry.set_fallback(spec.model, spec.baseline.model)

    return TrainResult(
        run_id=run.info.run_id,
        model=spec.model,
        version=version,
        metrics=metrics,
        baseline=baseline,
        segments=segments,
        lineage=lineage,
        gate_failures=spec.gate.failures(metrics)
        + spec.gate.worse_than(metrics, b_metrics, "baseline"),
        stale_rows=stale,
    )


@dataclass
class _HeldOut:
    """The held-out test split, and how a model is judged on it."""

    spec: PipelineSpec
    test: pd.DataFrame
    y: np.ndarray

    def evaluate(self, model: Any) -> tuple[dict[str, float], np.ndarray]:
        """Overall metrics, with the fairness gaps when the pipeline names an attribute."""
        threshold = self.spec.evaluate.threshold
        proba = model.predict_proba(self.test[[f.name for f in self.spec.features]])[:, 1]
        metrics = metrics_of(self.y, proba, threshold)
        attr = self.spec.evaluate.fairness_attribute
        if attr:
            if attr not in self.test.columns:
                raise InvalidInput(f"evaluate.fairness_attribute: no column {attr!r} in the data")
            groups = self.test[attr].astype(str).to_numpy()
            metrics.update(fairness_gaps(self.y, proba, groups, threshold))
        return metrics, proba

    def segments(self, proba: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
        out: dict[str, dict[str, dict[str, float]]] = {}
        threshold = self.spec.evaluate.threshold
        for column in self.spec.evaluate.segments:
            if column not in self.test.columns:
                raise InvalidInput(f"evaluate.segments: no column {column!r} in the data")
            values = self.test[column].astype(str).to_numpy()
            out[column] = {
                str(v): metrics_of(self.y[values == v], proba[values == v], threshold)
                for v in sorted(set(values))
            }
        return out


@dataclass
class _Registering:
    """What every model a run registers shares: the run, its lineage, the reference sample."""

    spec: PipelineSpec
    encoder: Encoder
    lineage: dict[str, str]
    reference: pd.DataFrame
    run_id: str
    trained_by: str
    registry: Registry
    progress: Progress

    def register(self, model: Any, metrics: dict[str, float], name: str, folder: str) -> str:
        """Log the model and its serving artifacts under ``folder``; register it as staging."""
        import mlflow

        runtime, onnx_bytes = self._export(model, folder)
        with contextlib.redirect_stderr(io.StringIO()):  # MLflow prints "Successfully registered…"
            info = _log_model(model, folder, name, self.reference.head(50))
        version = str(info.registered_model_version)
        spec = self.spec
        serving = spec.serving(
            model=name,
            version=version,
            runtime=runtime,
            fallback_model=spec.baseline.model if spec.baseline and name == spec.model else None,
            lineage={**self.lineage, "run_id": self.run_id, "trained_by": self.trained_by},
        )
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            (out / "spec.json").write_text(serving.model_dump_json(indent=2))
            if onnx_bytes:
                (out / "model.onnx").write_bytes(onnx_bytes)
            self.reference.to_parquet(out / "reference.parquet", index=False)
            mlflow.log_artifacts(str(out), folder)
        self.registry.annotate(
            name,
            version,
            {
                "colonnade.status": "candidate",
                "colonnade.serving_path": folder,
                "colonnade.runtime": runtime,
                "colonnade.trained_by": self.trained_by,
                "colonnade.metrics": json.dumps({k: round(v, 6) for k, v in metrics.items()}),
                "colonnade.gate": spec.gate.model_dump_json(),
                HISTORY_TAG: json.dumps(
                    [event("registered", by=self.trained_by, run_id=self.run_id)]
                ),
                **{f"colonnade.{k}": v for k, v in self.lineage.items()},
            },
        )
        self.registry.set_alias(name, "staging", version)
        self.progress(f"registered {name} version {version} ({runtime}) as staging")
        return version

    def _export(self, model: Any, folder: str) -> tuple[str, bytes]:
        """ONNX when the export matches scikit-learn; otherwise serving uses scikit-learn."""
        import mlflow

        sample = self.reference.head(50)
        try:
            onnx_bytes = to_onnx(model.named_steps["estimator"], self.encoder.width)
            diff = _onnx_parity(
                onnx_bytes, self.encoder.frame_matrix(sample), model.predict_proba(sample)[:, 1]
            )
        except Exception as exc:  # a converter that cannot express this estimator
            self.progress(
                f"no ONNX export ({type(exc).__name__}: {exc}); serving with scikit-learn"
            )
            return "sklearn", b""
        mlflow.log_metric(f"{folder}_onnx_max_abs_diff", diff)
        if diff > 1e-4:
            self.progress(
                f"ONNX differs from scikit-learn by {diff:.2e}: serving with scikit-learn"
            )
            return "sklearn", b""
        return "onnx", onnx_bytes


def _log_model(model: Any, folder: str, name: str, sample: pd.DataFrame) -> Any:
    import mlflow.sklearn
    from mlflow.models import infer_signature

    return mlflow.sklearn.log_model(
        model,
        name=f"{folder}_sklearn",
        registered_model_name=name,
        # integers declared as doubles: MLflow's schema cannot hold a missing integer
        signature=infer_signature(
            sample.astype({c: "float64" for c in sample.select_dtypes("integer").columns}),
            model.predict_proba(sample),
        ),
        # MLflow 3 saves with skops by default, which refuses LightGBM's types unless each is
        # listed as trusted; cloudpickle loads what scikit-learn pickles, as mlflow serve needs
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
        pyfunc_predict_fn="predict_proba",
        await_registration_for=30,
    )


def _onnx_parity(onnx_bytes: bytes, x: np.ndarray, expected: np.ndarray) -> float:
    import onnxruntime as ort

    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    got = session.run(["probabilities"], {"X": x})[0][:, 1]
    return float(np.abs(got - expected).max())
