"""Feature encoding, estimators and their ONNX export.

One layout for the model's input, used everywhere: each category one-hot over its
declared values (in declaration order), then the numeric features. Training builds
it with scikit-learn's ``ColumnTransformer`` (so the logged MLflow model takes raw
columns); serving builds the same matrix with ``Encoder`` straight from JSON rows,
and runs everything after the encoding step as ONNX.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from colonnade.errors import InvalidInput
from colonnade.mlplatform.spec import FeatureSpec

__all__ = ["Encoder", "build_estimator", "sklearn_pipeline", "to_onnx"]

_TYPES = {"float": (int, float), "int": (int,), "bool": (bool,)}


class Encoder:
    """JSON rows (or a DataFrame) to the model's float32 matrix, checking each value."""

    def __init__(self, features: list[FeatureSpec]) -> None:
        self.features = features
        self.names = {f.name for f in features}
        self.categories = [f for f in features if f.type == "category"]
        self.numeric = [f for f in features if f.type != "category"]
        self.width = sum(len(f.values or []) for f in self.categories) + len(self.numeric)
        self._offsets: dict[str, dict[str, int]] = {}
        at = 0
        for f in self.categories:
            self._offsets[f.name] = {v: at + i for i, v in enumerate(f.values or [])}
            at += len(f.values or [])
        self._numeric_at = at

    def check(self, row: Any, where: str) -> None:
        """Raise ``InvalidInput`` naming the first bad field of one row."""
        if not isinstance(row, dict):
            raise InvalidInput(f"{where}: a row is an object of feature values", field=where)
        extra = [k for k in row if k not in self.names]
        if extra:
            raise InvalidInput(
                f"{where}.{extra[0]}: not a feature of this model (it takes "
                f"{', '.join(f.name for f in self.features)})",
                field=f"{where}.{extra[0]}",
            )
        for f in self.features:
            field = f"{where}.{f.name}"
            if f.name not in row or row[f.name] is None:
                raise InvalidInput(f"{field}: missing (every feature is required)", field=field)
            value = row[f.name]
            if f.type == "category":
                if not isinstance(value, str):
                    raise InvalidInput(
                        f"{field}: expected a string, got {_kind(value)}", field=field
                    )
                continue
            if f.type == "bool":
                if not isinstance(value, bool):
                    raise InvalidInput(
                        f"{field}: expected true or false, got {_kind(value)}", field=field
                    )
                continue
            if isinstance(value, bool) or not isinstance(value, _TYPES[f.type]):
                want = "an integer" if f.type == "int" else "a number"
                raise InvalidInput(f"{field}: expected {want}, got {_kind(value)}", field=field)
            if isinstance(value, float) and not math.isfinite(value):
                raise InvalidInput(f"{field}: must be a finite number", field=field)

    def matrix(self, rows: list[dict[str, Any]]) -> np.ndarray:
        """Rows already checked. Unknown categories encode as all zeros (like the trainer)."""
        out = np.zeros((len(rows), self.width), dtype=np.float32)
        offsets = self._offsets
        for i, row in enumerate(rows):
            for f in self.categories:
                j = offsets[f.name].get(row[f.name])
                if j is not None:
                    out[i, j] = 1.0
            base = self._numeric_at
            for k, f in enumerate(self.numeric):
                out[i, base + k] = float(row[f.name])
        return out

    def frame_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.zeros((len(frame), self.width), dtype=np.float32)
        for f in self.categories:
            column = frame[f.name].astype(object).to_numpy()
            for value, j in self._offsets[f.name].items():
                out[:, j] = column == value
        for k, f in enumerate(self.numeric):
            out[:, self._numeric_at + k] = frame[f.name].to_numpy(dtype=np.float64)
        return out


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__.replace("str", "a string")


def build_estimator(algorithm: str, params: dict[str, Any], seed: int) -> Any:
    if algorithm == "lightgbm":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(random_state=seed, verbose=-1, n_jobs=1, **params)
    if algorithm == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(random_state=seed, n_jobs=1, **params)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [("scale", StandardScaler()), ("model", LogisticRegression(max_iter=1000, **params))]
    )


def sklearn_pipeline(features: list[FeatureSpec], estimator: Any) -> Any:
    """Raw columns in, the estimator on ``Encoder``'s layout: what MLflow logs."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    cats = [f for f in features if f.type == "category"]
    nums = [f.name for f in features if f.type != "category"]
    encode = ColumnTransformer(
        [
            (
                "onehot",
                OneHotEncoder(
                    categories=[list(f.values or []) for f in cats],
                    handle_unknown="ignore",
                    sparse_output=False,
                ),
                [f.name for f in cats],
            ),
            ("numeric", "passthrough", nums),
        ],
        verbose_feature_names_out=False,
    )
    return Pipeline([("encode", encode), ("estimator", estimator)])


def to_onnx(estimator: Any, width: int) -> bytes:
    """The fitted estimator (after encoding) as ONNX: float input ``X``, probabilities out."""
    if type(estimator).__name__ == "LGBMClassifier":
        from onnxmltools import convert_lightgbm
        from onnxmltools.convert.common.data_types import FloatTensorType

        model = convert_lightgbm(
            estimator, initial_types=[("X", FloatTensorType([None, width]))], zipmap=False
        )
    else:
        from skl2onnx import to_onnx as skl_to_onnx

        model = skl_to_onnx(
            estimator,
            np.zeros((1, width), dtype=np.float32),
            options={"zipmap": False},
            target_opset={"": 17, "ai.onnx.ml": 3},
        )
    data: bytes = model.SerializeToString()
    return data
