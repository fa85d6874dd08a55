"""The steps of a training pipeline, each testable alone:
load → validate → split → tune → fit → evaluate → register.

``training.train`` runs them in order inside one MLflow run; the ones here take
plain data (frames, arrays, the pipeline spec) and return plain data.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from colonnade import __version__
from colonnade.errors import InvalidInput
from colonnade.mlplatform.modeling import build_estimator, sklearn_pipeline
from colonnade.mlplatform.quality import check_quality
from colonnade.mlplatform.spec import PipelineSpec

__all__ = [
    "Splits",
    "Tuned",
    "fairness_gaps",
    "fit",
    "lineage_of",
    "metrics_of",
    "split",
    "tune",
    "validate",
]

Progress = Callable[[str], None]


def validate(frame: pd.DataFrame, spec: PipelineSpec, progress: Progress) -> pd.DataFrame:
    """The rows fit to train on: the data passes the pipeline's checks, incomplete rows go."""
    names = [f.name for f in spec.features]
    if spec.target not in frame.columns:
        raise InvalidInput(f"the data has no target column {spec.target!r}")
    progress(f"validation: {len(frame)} rows against {len(names)} declared features")
    quality = check_quality(frame, spec.features, spec.validation)
    if not quality.ok:
        raise InvalidInput("training data failed validation: " + "; ".join(quality.problems))
    return frame.dropna(subset=[*names, spec.target]).reset_index(drop=True)


@dataclass
class Splits:
    """Train (fitting), valid (tuning) and test (held out), stratified by the target."""

    spec: PipelineSpec
    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame

    def xy(self, part: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        names = [f.name for f in self.spec.features]
        return part[names], part[self.spec.target].astype(int).to_numpy()


def split(complete: pd.DataFrame, spec: PipelineSpec) -> Splits:
    from sklearn.model_selection import train_test_split

    seed = spec.split.seed
    y_all = complete[spec.target].astype(int).to_numpy()
    rest, test = train_test_split(
        complete, test_size=spec.split.test, random_state=seed, stratify=y_all
    )
    train_, valid = train_test_split(
        rest,
        test_size=spec.split.valid / (1 - spec.split.test),
        random_state=seed,
        stratify=rest[spec.target],
    )
    return Splits(spec, train_, valid, test)


def lineage_of(spec: PipelineSpec, complete: pd.DataFrame) -> dict[str, str]:
    """Content hashes of the data and the feature definitions, and the code version."""
    names = [f.name for f in spec.features]
    return {
        "data_hash": _hash_frame(complete[[*names, spec.target]]),
        "feature_version": hashlib.sha256(
            json.dumps([f.model_dump() for f in spec.features], sort_keys=True).encode()
        ).hexdigest()[:16],
        "feature_view": spec.feature_store.view if spec.feature_store else "",
        **_code_version(spec),
    }


@dataclass
class Tuned:
    params: dict[str, Any]  # the tuned parameters only; empty without tuning
    score: float | None = None  # theirs on the validation split


def tune(
    spec: PipelineSpec,
    splits: Splits,
    progress: Progress,
    *,
    on_trial: Callable[[int, dict[str, Any], float], None] = lambda *_: None,
) -> Tuned:
    """The best of up to ``train.tune.trials`` Optuna trials, scored on the validation split."""
    trials = spec.train.tune.trials
    if not trials:
        return Tuned({})
    import optuna

    progress(f"tuning {spec.train.algorithm}: up to {trials} trials")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    (x_tr, y_tr), (x_va, y_va) = splits.xy(splits.train), splits.xy(splits.valid)
    metric, seed = spec.train.tune.metric, spec.split.seed

    def objective(trial: optuna.Trial) -> float:
        params = {**spec.train.params, **search_space(trial, spec.train.algorithm)}
        model = sklearn_pipeline(spec.features, build_estimator(spec.train.algorithm, params, seed))
        model.fit(x_tr, y_tr)
        score = metrics_of(y_va, model.predict_proba(x_va)[:, 1], spec.evaluate.threshold)
        value = score.get(metric, float("nan"))
        on_trial(trial.number, params, value)
        progress(f"  trial {trial.number}: {metric} {value:.4f}")
        return value

    study = optuna.create_study(
        direction="minimize" if metric in ("log_loss", "brier") else "maximize",
        sampler=optuna.samplers.TPESampler(seed=seed),
    )
    study.optimize(objective, n_trials=trials, timeout=spec.train.tune.timeout_s)
    return Tuned(dict(study.best_params), float(study.best_value))


def fit(
    spec: PipelineSpec, algorithm: str, params: dict[str, Any], splits: Splits
) -> tuple[Any, pd.DataFrame]:
    """A model fitted on train + valid; and what it was fitted on (the drift reference)."""
    (x_tr, y_tr), (x_va, y_va) = splits.xy(splits.train), splits.xy(splits.valid)
    x_fit = pd.concat([x_tr, x_va])
    model = sklearn_pipeline(spec.features, build_estimator(algorithm, params, spec.split.seed))
    model.fit(x_fit, np.concatenate([y_tr, y_va]))
    return model, x_fit


def _hash_frame(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]


def _code_version(spec: PipelineSpec) -> dict[str, str]:
    out = {"colonnade": __version__}
    if spec.path is not None:
        out["pipeline_sha256"] = hashlib.sha256(spec.path.read_bytes()).hexdigest()[:16]
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "HEAD"],  # noqa: S607
                cwd=spec.path.parent,
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
            out["git_commit"] = commit
        except (OSError, subprocess.SubprocessError):
            pass
    return out


def search_space(trial: Any, algorithm: str) -> dict[str, Any]:
    if algorithm == "lightgbm":
        # shallow trees and slow learning first: on a few thousand rows of a few features,
        # deep trees overfit and lose to the logistic baseline
        return {
            "num_leaves": trial.suggest_int("num_leaves", 2, 16, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.1, log=True),
            "n_estimators": trial.suggest_int("n_estimators", 100, 600, step=50),
            "min_child_samples": trial.suggest_int("min_child_samples", 20, 200, log=True),
            "reg_lambda": trial.suggest_float("reg_lambda", 1e-2, 30.0, log=True),
        }
    if algorithm == "random_forest":
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 300, step=50),
            "max_depth": trial.suggest_int("max_depth", 3, 14),
        }
    return {"C": trial.suggest_float("C", 1e-3, 10.0, log=True)}


def metrics_of(y: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    from sklearn.metrics import (
        accuracy_score,
        brier_score_loss,
        f1_score,
        log_loss,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    pred = (proba >= threshold).astype(int)
    out = {
        "accuracy": float(accuracy_score(y, pred)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "positive_rate": float(pred.mean()),
        "rows": float(len(y)),
    }
    if len(np.unique(y)) == 2:
        out["roc_auc"] = float(roc_auc_score(y, proba))
        out["log_loss"] = float(log_loss(y, proba, labels=[0, 1]))
        out["brier"] = float(brier_score_loss(y, proba))
    return out


def fairness_gaps(
    y: np.ndarray, proba: np.ndarray, groups: np.ndarray, threshold: float
) -> dict[str, float]:
    """Demographic-parity and equal-opportunity (TPR) gaps across the attribute's groups."""
    pred = proba >= threshold
    rates, tprs = [], []
    for g in np.unique(groups):
        mask = groups == g
        rates.append(pred[mask].mean())
        positives = mask & (y == 1)
        if positives.any():
            tprs.append(pred[positives].mean())
    dp = float(max(rates) - min(rates)) if rates else 0.0
    tpr = float(max(tprs) - min(tprs)) if tprs else 0.0
    return {"fairness_dp_gap": dp, "fairness_tpr_gap": tpr, "fairness_gap": max(dp, tpr)}
