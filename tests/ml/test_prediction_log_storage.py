"""The prediction log's contract on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from colonnade.mlplatform.monitoring import PredictionLog
from colonnade.mlplatform.monitoring_postgres import PostgresPredictionLog
from colonnade.settings import Settings

OpenLog = Callable[..., PredictionLog]


class PredictionLogContract:
    def test_latest_rows_come_back_oldest_first(self, open_log: OpenLog) -> None:
        log = open_log()
        log.record("churn", "3", "model", [{"tenure": 1, "plan": "a"}], [0.1])
        log.record("churn", "3", "model", [{"tenure": 2, "plan": "b"}], [0.2])
        log.record("other", "1", "model", [{"x": 9}], [None])
        assert log.flush() == 3
        frame = log.latest("churn", 10)
        assert list(frame["tenure"]) == [1, 2]
        assert list(frame["plan"]) == ["a", "b"]
        assert list(frame["probability"]) == [0.1, 0.2]
        assert set(frame.columns) >= {"at", "version", "step", "probability"}
        assert list(log.latest("churn", 1)["tenure"]) == [2]
        assert log.flush() == 0

    def test_retention_keeps_the_newest_rows(self, open_log: OpenLog) -> None:
        log = open_log(retention=3)
        log.record("m", "1", "model", [{"i": i} for i in range(5)], [None] * 5)
        log.flush()
        log.record("m", "1", "model", [{"i": 5}], [None])
        log.flush()
        assert list(log.latest("m", 100)["i"]) == [3, 4, 5]

    def test_replicas_log_into_one_place(self, open_log: OpenLog) -> None:
        one, two = open_log(), open_log()
        one.record("m", "1", "model", [{"i": 1}], [0.5])
        two.record("m", "1", "model", [{"i": 2}], [0.5])
        one.flush()
        two.flush()
        assert sorted(one.latest("m", 10)["i"]) == [1, 2]


class TestSQLitePredictionLog(PredictionLogContract):
    @pytest.fixture
    def open_log(self, tmp_path: Path) -> OpenLog:
        return lambda **kw: PredictionLog(tmp_path / "ml" / "predictions.db", **kw)


class TestPostgresPredictionLog(PredictionLogContract):
    @pytest.fixture
    def open_log(self, postgres_url: str) -> Iterator[OpenLog]:
        opened: list[PostgresPredictionLog] = []

        def make(**kw: int) -> PredictionLog:
            opened.append(PostgresPredictionLog(postgres_url, pool_size=2, **kw))
            return opened[-1]

        yield make
        for log in opened:
            log.close()


def test_database_url_selects_postgres(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path, "database_url": postgres_url})  # type: ignore[arg-type]
    log = PredictionLog.from_settings(settings)
    assert isinstance(log, PostgresPredictionLog)
    log.close()  # type: ignore[attr-defined]
