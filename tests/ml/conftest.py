"""One trained registry per session (the sample churn pipeline, twice), copied per test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from colonnade.identity import Principal
from colonnade.mlplatform.registry import Registry
from colonnade.mlplatform.spec import PipelineSpec, load_pipeline
from colonnade.mlplatform.tracking import Tracking
from colonnade.mlplatform.training import TrainResult, train
from colonnade.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CHURN = ROOT / "examples" / "ml" / "churn.yaml"
APPROVER = Principal(
    tenant="default", user="approver", roles=("admin",), permissions=frozenset({"*"})
)


def churn_spec(rows: int = 3000, trials: int = 2, seed: int = 7) -> PipelineSpec:
    spec = load_pipeline(CHURN)
    spec.source.rows = rows
    spec.source.seed = seed
    spec.train.tune.trials = trials
    # these versions are trained on other generated customers, so their held-out scores do
    # not compare: tests promote them freely (the sample's comparison has its own tests)
    spec.gate.compare = []
    return spec


def ml_settings(data_dir: Path, **ml: object) -> Settings:
    return Settings(storage={"data_dir": data_dir}, ml={"watch_s": 0.2, **ml})  # type: ignore[arg-type]


@dataclass
class Trained:
    data_dir: Path
    first: TrainResult  # churn v1 (champion) and churn-baseline v1 (champion)
    second: TrainResult  # churn v2 (staging), trained on other data


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    data_dir = tmp_path_factory.mktemp("ml-base")
    settings = ml_settings(data_dir)
    first = train(churn_spec(), settings, trained_by="trainer")
    second = train(churn_spec(seed=11), settings, trained_by="trainer")
    registry = Registry(Tracking.from_settings(settings))
    registry.promote("churn", first.version, "champion", APPROVER)
    assert first.baseline is not None
    registry.promote(first.baseline[0], first.baseline[1], "champion", APPROVER)
    return Trained(data_dir, first, second)


@pytest.fixture
def ml_dir(trained: Trained, tmp_path: Path) -> Path:
    """A private copy of the trained registry: tests may promote and roll back freely."""
    target = tmp_path / "data"
    shutil.copytree(trained.data_dir, target, ignore=shutil.ignore_patterns("serving"))
    return target
