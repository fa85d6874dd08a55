"""Point-in-time correctness through Feast, with our TTL behaviour made explicit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from colonnade.errors import NotFound
from colonnade.mlplatform.features import FeatureRepository
from colonnade.mlplatform.spec import PipelineSpec


def ts(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


def spend_view(rows: pd.DataFrame, tmp_path: Path) -> tuple[Path, PipelineSpec]:
    """A one-feature view (``spend`` per ``customer_id``, TTL 30 days) over ``rows``."""
    path = tmp_path / "f.parquet"
    rows.to_parquet(path)
    spec = PipelineSpec.model_validate(
        {
            "name": "t",
            "model": "t",
            "entity": "customer_id",
            "target": "y",
            "features": [{"name": "spend"}],
            "feature_store": {
                "view": "spend_view",
                "ttl_days": 30,
                "features_path": str(path),
                "labels_path": str(path),
            },
        }
    )
    return path, spec


@pytest.fixture
def repo_and_spec(tmp_path: Path) -> tuple[FeatureRepository, PipelineSpec]:
    rows = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 3],
            "event_timestamp": [
                ts("2026-01-01"),
                ts("2026-02-01"),
                ts("2026-02-01"),
                ts("2026-01-01"),
                ts("2026-03-01"),
            ],
            # customer 1's February row was corrected later: the later `created` wins
            "created": [
                ts("2026-01-01"),
                ts("2026-02-01"),
                ts("2026-02-20"),
                ts("2026-01-01"),
                ts("2026-03-01"),
            ],
            "spend": [10.0, 20.0, 25.0, 30.0, 40.0],
        }
    )
    path, spec = spend_view(rows, tmp_path)
    repo = FeatureRepository(tmp_path / "repo")
    repo.apply(spec, path)
    return repo, spec


def test_as_of_values_ttl_edges_and_late_rows(
    repo_and_spec: tuple[FeatureRepository, PipelineSpec],
) -> None:
    repo, spec = repo_and_spec
    labels = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3, 1],
            "event_timestamp": [
                ts("2026-01-15"),  # as of mid-January: the January row, not February's
                ts("2026-02-10"),  # February, and the late correction (25) wins over 20
                ts("2026-03-03"),  # exactly 30 days after February 1: still within the TTL
                ts("2026-01-31"),  # 30 days after: inside
                ts("2026-02-01 00:00:01"),  # a second past the TTL: stale
                ts("2026-02-15"),  # before customer 3's first row: no features at all
                ts("2025-12-01"),  # before anything
            ],
            "y": [0, 1, 0, 1, 0, 1, 0],
        }
    )
    got = repo.training_set(spec, labels)
    frame = got.frame
    assert list(frame["customer_id"]) == list(labels["customer_id"])  # every label kept, in order
    assert list(frame["y"]) == list(labels["y"])
    spend = frame["spend"].tolist()
    assert spend[:4] == [10.0, 25.0, 25.0, 30.0]
    assert pd.isna(spend[4]) and pd.isna(spend[5]) and pd.isna(spend[6])
    assert got.stale == 1  # customer 2 a second past its TTL (Feast itself would drop the row)
    assert got.missing == 2  # no feature row at or before the label's time


def test_materialize_and_read_online(repo_and_spec: tuple[FeatureRepository, PipelineSpec]) -> None:
    repo, spec = repo_and_spec
    repo.materialize(datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))
    rows = repo.online("spend_view", spec.features, "customer_id", [1, 3])
    assert rows == [{"spend": 25.0}, {"spend": 40.0}]
    with pytest.raises(NotFound, match="customer_id 77"):
        repo.online("spend_view", spec.features, "customer_id", [77])


def test_features_cli_applies_and_materializes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from colonnade.cli.main import app
    from tests.ml.conftest import CHURN

    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path))
    runner = CliRunner()
    applied = runner.invoke(app, ["features", "apply", str(CHURN)])
    assert applied.exit_code == 0, applied.output
    assert "feature view customer_features (ttl 45 days)" in applied.output
    done = runner.invoke(app, ["features", "materialize", "--end", "2026-07-01"])
    assert done.exit_code == 0, done.output
    assert "\x1b[" not in applied.output + done.output  # Feast's colours stay out of pipes
    assert "Materializing" in done.output
    repo = FeatureRepository(tmp_path / "features")
    from colonnade.mlplatform.spec import load_pipeline

    spec = load_pipeline(CHURN)
    row = repo.online("customer_features", spec.features, "customer_id", [42])[0]
    assert row["contract"] in ("month-to-month", "one-year", "two-year")


def test_the_redis_online_store_at_scale(tmp_path: Path, redis_url: str) -> None:
    """The same view served from Redis (``ml.feature_online_store = "host:port"``)."""
    rows = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "event_timestamp": [ts("2026-01-01"), ts("2026-01-02")],
            "created": [ts("2026-01-01"), ts("2026-01-02")],
            "spend": [11.0, 22.0],
        }
    )
    path, spec = spend_view(rows, tmp_path)
    host_port = redis_url.removeprefix("redis://").split("/")[0]
    repo = FeatureRepository(tmp_path / "repo", online_store=host_port, project="redis_test")
    repo.apply(spec, path)
    repo.materialize(datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    assert repo.online("spend_view", spec.features, "customer_id", [2, 1]) == [
        {"spend": 22.0},
        {"spend": 11.0},
    ]
    import redis

    assert redis.Redis.from_url(redis_url).dbsize() > 0  # the values live in Redis
