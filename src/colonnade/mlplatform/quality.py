"""Data-quality checks against a pipeline's feature schema: types, missing values, ranges.

The same checks run on training data (``colonnade train`` stops when a column is
worse than the pipeline's limits) and on logged predictions (``colonnade monitor``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from colonnade.mlplatform.spec import FeatureSpec, ValidationSpec

__all__ = ["ColumnQuality", "QualityReport", "check_quality"]


@dataclass(frozen=True)
class ColumnQuality:
    name: str
    present: bool
    wrong_type: bool
    missing: float  # share of rows
    out_of_range: float  # share of non-missing rows outside [min, max] or the categories


@dataclass
class QualityReport:
    rows: int
    columns: list[ColumnQuality]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_quality(
    frame: pd.DataFrame, features: list[FeatureSpec], limits: ValidationSpec
) -> QualityReport:
    report = QualityReport(rows=len(frame), columns=[])
    for f in features:
        if f.name not in frame.columns:
            report.columns.append(ColumnQuality(f.name, False, False, 1.0, 0.0))
            report.problems.append(f"{f.name}: column missing")
            continue
        column = frame[f.name]
        missing = float(column.isna().mean()) if len(column) else 0.0
        present = column.dropna()
        wrong_type = False
        if f.type == "category":
            bad = ~present.astype(str).isin(f.values or [])
        else:
            numbers = pd.to_numeric(present, errors="coerce")
            wrong_type = bool(numbers.isna().any())
            values = numbers.dropna().to_numpy(dtype=np.float64)
            bad_mask = ~np.isfinite(values)
            if f.min is not None:
                bad_mask |= values < f.min
            if f.max is not None:
                bad_mask |= values > f.max
            bad = pd.Series(bad_mask)
        out = float(bad.mean()) if len(bad) else 0.0
        report.columns.append(ColumnQuality(f.name, True, wrong_type, missing, out))
        if wrong_type:
            report.problems.append(f"{f.name}: values that are not numbers")
        if missing > limits.max_missing:
            report.problems.append(
                f"{f.name}: {missing:.1%} missing (limit {limits.max_missing:.1%})"
            )
        if out > limits.max_out_of_range:
            where = f"outside {f.values}" if f.type == "category" else f"outside [{f.min}, {f.max}]"
            report.problems.append(
                f"{f.name}: {out:.1%} {where} (limit {limits.max_out_of_range:.1%})"
            )
    return report
