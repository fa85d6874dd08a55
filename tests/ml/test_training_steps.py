"""The training pipeline's steps alone, on generated churn data, without MLflow."""

from __future__ import annotations

import numpy as np
import pytest

from colonnade.errors import InvalidInput
from colonnade.mlplatform.datasets import generate_churn
from colonnade.mlplatform.steps import fit, lineage_of, metrics_of, split, tune, validate
from tests.ml.conftest import churn_spec


def test_validate_split_tune_fit_evaluate_one_step_at_a_time() -> None:
    spec = churn_spec(rows=1200, trials=2)
    frame = generate_churn(1200, 5).flat()
    frame.loc[0, spec.features[0].name] = None  # an incomplete row is left out
    complete = validate(frame, spec, lambda _: None)
    assert len(complete) == len(frame) - 1
    splits = split(complete, spec)
    parts = (splits.train, splits.valid, splits.test)
    assert sum(len(p) for p in parts) == len(complete)
    ids = [set(p.index) for p in parts]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])  # no row in two splits
    rates = [p[spec.target].mean() for p in parts]
    assert max(rates) - min(rates) < 0.05  # stratified by the target
    seen: list[int] = []
    tuned = tune(spec, splits, lambda _: None, on_trial=lambda n, _p, _v: seen.append(n))
    assert seen == [0, 1] and tuned.params and tuned.score is not None
    model, x_fit = fit(spec, spec.train.algorithm, {**spec.train.params, **tuned.params}, splits)
    assert len(x_fit) == len(splits.train) + len(splits.valid)
    x_te, y_te = splits.xy(splits.test)
    metrics = metrics_of(y_te, model.predict_proba(x_te)[:, 1], spec.evaluate.threshold)
    assert metrics["roc_auc"] > 0.6 and metrics["rows"] == len(splits.test)
    assert lineage_of(spec, complete)["data_hash"] == lineage_of(spec, complete.copy())["data_hash"]


def test_validation_says_what_is_wrong_with_the_data() -> None:
    spec = churn_spec(rows=200, trials=0)
    frame = generate_churn(200, 5).flat()
    with pytest.raises(InvalidInput, match="no target column"):
        validate(frame.drop(columns=[spec.target]), spec, lambda _: None)
    assert tune(spec, split(validate(frame, spec, lambda _: None), spec), print).score is None
    assert np.isfinite(metrics_of(np.array([0, 1]), np.array([0.2, 0.9]), 0.5)["roc_auc"])
