"""A training pipeline declared in a YAML file, and the serving spec it leaves with each version.

The pipeline file says where the data comes from, which columns are features (with their
types and allowed ranges: the schema that validation, serving and monitoring all check),
how to split, train, tune and evaluate, which thresholds gate a promotion, and the
rule-based scorer and default answer that serving falls back to. ``ServingSpec`` is the
part of it a served model needs; it travels with the model version as ``spec.json``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from colonnade.errors import InvalidInput

__all__ = [
    "FeatureSpec",
    "GateSpec",
    "PipelineSpec",
    "Rule",
    "RuleScorer",
    "ServingSpec",
    "load_pipeline",
]


class FeatureSpec(BaseModel):
    name: str
    type: Literal["float", "int", "category", "bool"] = "float"
    min: float | None = None
    max: float | None = None
    values: list[str] | None = Field(None, description="the categories, for type category")

    @model_validator(mode="after")
    def _categories(self) -> FeatureSpec:
        if self.type == "category" and not self.values:
            raise ValueError(f"feature {self.name!r} is a category: list its values")
        return self

    @property
    def numeric(self) -> bool:
        return self.type != "category"


class Rule(BaseModel):
    """Adds ``add`` to the score when the feature compares as said."""

    feature: str
    equals: str | float | bool | None = None
    below: float | None = None
    above: float | None = None
    add: float

    def matches(self, value: Any) -> bool:
        if self.equals is not None:
            return bool(value == self.equals)
        if self.below is not None and not value < self.below:
            return False
        return not (self.above is not None and not value > self.above)


class RuleScorer(BaseModel):
    """The rule-based scorer a pipeline declares: serving's last step before the default."""

    base: float = 0.0
    rules: list[Rule] = Field(default_factory=list)

    @property
    def declared(self) -> bool:
        return bool(self.rules or self.base)

    def score(self, row: dict[str, Any]) -> float:
        total = self.base + sum(r.add for r in self.rules if r.matches(row[r.feature]))
        return min(1.0, max(0.0, total))


LOWER_IS_BETTER = frozenset({"log_loss", "brier", "fairness_gap"})


class GateSpec(BaseModel):
    """Held-out metrics a version must reach before it may serve traffic."""

    min: dict[str, float] = Field(default_factory=dict, description="metric >= value")
    max: dict[str, float] = Field(default_factory=dict, description="metric <= value")
    compare: list[str] = Field(
        default_factory=list,
        description="metrics that must be no worse than the baseline's (same held-out split) "
        "and the current champion's",
    )
    tolerance: float = Field(0.0, ge=0, description="how much worse a compared metric may be")

    def worse_than(
        self, metrics: dict[str, float], other: dict[str, float], label: str
    ) -> list[str]:
        """Why ``metrics`` lose to ``other`` (the baseline or the champion) on ``compare``."""
        out = []
        for name in self.compare:
            mine, theirs = metrics.get(name), other.get(name)
            if theirs is None or math.isnan(theirs):
                continue
            lower_is_better = name in LOWER_IS_BETTER
            if mine is None or math.isnan(mine):
                out.append(f"{name} missing, {label} has {theirs:.4f}")
            elif (
                (mine > theirs + self.tolerance)
                if lower_is_better
                else (mine < theirs - self.tolerance)
            ):
                out.append(f"{name} {mine:.4f} is worse than the {label}'s {theirs:.4f}")
        return out

    def failures(self, metrics: dict[str, float]) -> list[str]:
        out = []
        for name, floor in self.min.items():
            value = metrics.get(name)
            if value is None or math.isnan(value) or value < floor:
                out.append(f"{name} {_fmt(value)} < {floor}")
        for name, ceiling in self.max.items():
            value = metrics.get(name)
            if value is None or math.isnan(value) or value > ceiling:
                out.append(f"{name} {_fmt(value)} > {ceiling}")
        return out


def _fmt(value: float | None) -> str:
    return "missing" if value is None else f"{value:.4f}"


class ServingSpec(BaseModel):
    """What serving needs to know about one model version (``spec.json``)."""

    model: str
    version: str = ""
    features: list[FeatureSpec]
    entity: str | None = None
    feature_view: str | None = None
    threshold: float = 0.5
    rules: RuleScorer = Field(default_factory=RuleScorer)
    default_probability: float | None = None
    fallback_model: str | None = None
    runtime: Literal["onnx", "sklearn"] = "onnx"
    lineage: dict[str, str] = Field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]


class SourceSpec(BaseModel):
    kind: Literal["generated", "file"] = "file"
    path: Path | None = Field(None, description="csv or parquet, for kind file")
    generator: str = "churn"
    rows: int = Field(8000, ge=100)
    seed: int = 7


class FeatureStoreSpec(BaseModel):
    """Build the training set through Feast: a point-in-time join of labels and features."""

    view: str
    ttl_days: float = Field(90.0, gt=0)
    features_path: Path | None = Field(
        None,
        description="feature rows: entity, timestamp, features (parquet); "
        "default: what a generated source writes",
    )
    labels_path: Path | None = Field(
        None, description="label rows: entity, timestamp, target (parquet)"
    )


class SplitSpec(BaseModel):
    test: float = Field(0.2, gt=0, lt=0.5)
    valid: float = Field(0.2, gt=0, lt=0.5)
    seed: int = 7


class TuneSpec(BaseModel):
    trials: int = Field(12, ge=0, le=500)
    timeout_s: float = Field(120.0, gt=0)
    metric: str = "roc_auc"


class TrainSpec(BaseModel):
    algorithm: Literal["lightgbm", "logistic", "random_forest"] = "lightgbm"
    params: dict[str, Any] = Field(default_factory=dict)
    tune: TuneSpec = Field(default_factory=TuneSpec)


class BaselineSpec(BaseModel):
    """A simpler model registered beside the main one: serving's first fallback."""

    model: str
    algorithm: Literal["lightgbm", "logistic", "random_forest"] = "logistic"


class EvaluateSpec(BaseModel):
    threshold: float = Field(0.5, gt=0, lt=1)
    segments: list[str] = Field(default_factory=list, description="columns to report per value")
    fairness_attribute: str | None = None


class ValidationSpec(BaseModel):
    max_missing: float = Field(0.05, ge=0, le=1, description="share of rows per column")
    max_out_of_range: float = Field(0.01, ge=0, le=1)


class PipelineSpec(BaseModel):
    name: str
    model: str = Field(description="the registered model's name")
    description: str = ""
    entity: str | None = None
    timestamp: str | None = None
    target: str
    source: SourceSpec = Field(default_factory=SourceSpec)
    feature_store: FeatureStoreSpec | None = None
    features: list[FeatureSpec]
    validation: ValidationSpec = Field(default_factory=ValidationSpec)
    split: SplitSpec = Field(default_factory=SplitSpec)
    train: TrainSpec = Field(default_factory=TrainSpec)
    baseline: BaselineSpec | None = None
    evaluate: EvaluateSpec = Field(default_factory=EvaluateSpec)
    gate: GateSpec = Field(default_factory=GateSpec)
    rules: RuleScorer = Field(default_factory=RuleScorer)
    default_probability: float | None = Field(
        None, description="the last step's answer; null means 'no score', prediction 0"
    )
    path: Path | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _names(self) -> PipelineSpec:
        names = {f.name for f in self.features}
        if len(names) != len(self.features):
            raise ValueError("feature names must be unique")
        for rule in self.rules.rules:
            if rule.feature not in names:
                raise ValueError(f"rule on {rule.feature!r}: not a declared feature")
        if self.target in names:
            raise ValueError(f"the target {self.target!r} cannot also be a feature")
        return self

    def serving(self, *, model: str | None = None, **extra: Any) -> ServingSpec:
        return ServingSpec(
            model=model or self.model,
            features=self.features,
            entity=self.entity,
            feature_view=self.feature_store.view if self.feature_store else None,
            threshold=self.evaluate.threshold,
            rules=self.rules,
            default_probability=self.default_probability,
            **extra,
        )


def load_pipeline(path: Path) -> PipelineSpec:
    """Read a pipeline file; relative paths in it are relative to the file."""
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise InvalidInput(f"no pipeline file at {path}") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise InvalidInput(f"{path}: a pipeline is a mapping (name, model, target, features…)")
    try:
        spec = PipelineSpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "pipeline"
        raise InvalidInput(f"{path}: {where}: {first['msg']}") from exc
    base = path.resolve().parent
    if spec.source.path is not None and not spec.source.path.is_absolute():
        spec.source.path = base / spec.source.path
    if spec.feature_store is not None:
        fs = spec.feature_store
        if fs.features_path is not None and not fs.features_path.is_absolute():
            fs.features_path = base / fs.features_path
        if fs.labels_path is not None and not fs.labels_path.is_absolute():
            fs.labels_path = base / fs.labels_path
    spec.path = path.resolve()
    return spec
