"""Batch files (chunked, resumable), a Redis Streams worker (real redis-server), micro-batching,
and drift monitoring."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import redis
from typer.testing import CliRunner

from colonnade.cli.main import app
from colonnade.mlplatform.batch import score_file
from colonnade.mlplatform.batching import MicroBatcher
from colonnade.mlplatform.datasets import generate_churn
from colonnade.mlplatform.runtime import ServedVersion, load_served
from colonnade.mlplatform.streaming import StreamWorker
from tests.ml.conftest import Trained, ml_settings


@pytest.fixture(scope="module")
def served(trained: Trained) -> ServedVersion:
    return load_served(ml_settings(trained.data_dir), "churn")


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return generate_churn(2500, seed=3).flat()


def test_batch_scores_a_csv_in_chunks_like_the_model(
    served: ServedVersion, customers: pd.DataFrame, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    customers.to_csv(source, index=False)
    seen: list[int] = []
    result = score_file(
        served,
        source,
        tmp_path / "out.parquet",
        chunk_rows=700,
        progress=lambda done, total: seen.append(done),
    )
    assert (result.rows, result.chunks) == (2500, 4)
    assert seen == [700, 1400, 2100, 2500]
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert list(out["customer_id"]) == list(customers["customer_id"])
    expected = served.score(served.encoder.frame_matrix(customers))
    np.testing.assert_allclose(out["probability"], expected, rtol=1e-5)
    assert set(out["model_version"]) == {"1"}
    assert not (tmp_path / "out.parquet.parts").exists()


def test_batch_resumes_after_a_crash(
    served: ServedVersion, customers: pd.DataFrame, tmp_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    customers.to_parquet(source)
    pq.write_table(pq.read_table(source), source, row_group_size=500)

    class Crash(Exception):
        pass

    def crash_after_two(done: int, total: int | None) -> None:
        if done >= 1000:
            raise Crash

    with pytest.raises(Crash):
        score_file(served, source, tmp_path / "out.csv", chunk_rows=500, progress=crash_after_two)
    result = score_file(served, source, tmp_path / "out.csv", chunk_rows=500)
    assert result.resumed_chunks == 2 and result.chunks == 5
    out = pd.read_csv(tmp_path / "out.csv")
    assert len(out) == 2500 and out["customer_id"].is_unique


def test_batch_cli_shows_progress_and_names_a_bad_file(
    trained: Trained, customers: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(trained.data_dir))

    def batch(source: str, output: str) -> Any:
        args = ["predict", "batch", "-m", "churn", "-i", str(tmp_path / source)]
        return CliRunner().invoke(app, [*args, "-o", str(tmp_path / output)])

    customers.head(100).to_parquet(tmp_path / "in.parquet")
    ok = batch("in.parquet", "out.csv")
    assert ok.exit_code == 0, ok.output
    assert "100 rows in 1 chunks" in ok.output
    customers.head(10).drop(columns=["usage_gb"]).to_parquet(tmp_path / "bad.parquet")
    bad = batch("bad.parquet", "o.csv")
    assert bad.exit_code == 1 and "no column 'usage_gb'" in bad.output


def _event(row: pd.Series, key: str) -> dict[str, str]:
    names = [
        "contract",
        "payment_method",
        "tenure_months",
        "monthly_charges",
        "support_tickets",
        "usage_gb",
    ]
    features = {n: (row[n].item() if hasattr(row[n], "item") else row[n]) for n in names}
    return {"id": key, "features": json.dumps(features)}


def test_stream_worker_scores_once_and_recovers_a_crashed_consumer(
    served: ServedVersion, customers: pd.DataFrame, redis_url: str
) -> None:
    r = redis.Redis.from_url(redis_url)
    r.delete("in", "out")
    for i in range(30):
        r.xadd("in", _event(customers.iloc[i], f"evt-{i}"))
    r.xadd("in", _event(customers.iloc[3], "evt-3"))  # a producer's retry of the same event
    r.xadd("in", {"id": "evt-bad", "features": "{not json"})

    crashed = StreamWorker(
        r, served, input_stream="in", output_stream="out", consumer="a", claim_idle_ms=0
    )
    # consumer a reads ten entries and dies before acknowledging them
    r.xreadgroup("colonnade-predict", "a", {"in": ">"}, count=10)
    assert crashed.depth() == 32

    worker = StreamWorker(
        r,
        served,
        input_stream="in",
        output_stream="out",
        consumer="b",
        claim_idle_ms=0,
        block_ms=100,
    )
    stats = worker.run(idle_exit_s=0.3)
    assert stats.claimed == 10  # a's pending entries, finished by b
    assert worker.depth() == 0
    out = r.xrange("out")
    keys = [fields[b"id"].decode() for _, fields in out]
    assert sorted(keys) == sorted([f"evt-{i}" for i in range(30)] + ["evt-bad"])  # once each
    assert stats.duplicates == 1
    by_key = {fields[b"id"].decode(): fields for _, fields in out}
    assert b"error" in by_key["evt-bad"]
    p = float(by_key["evt-0"][b"probability"])
    x = served.encoder.frame_matrix(customers.iloc[[0]])
    assert p == pytest.approx(float(served.score(x)[0]), abs=1e-5)
    # a retry after everything was done is acknowledged, not scored into the output again
    r.xadd("in", _event(customers.iloc[5], "evt-5"))
    again = StreamWorker(
        r, served, input_stream="in", output_stream="out", consumer="c", block_ms=100
    )
    again.run(idle_exit_s=0.3)
    assert r.xlen("out") == 31 and again.stats.duplicates == 1 and again.stats.scored == 0
    assert (
        worker.metrics.get_sample_value(
            "colonnade_ml_stream_written_total", {"stream": "in", "group": "colonnade-predict"}
        )
        == stats.written
        == 31
    )  # the claimed ten count too
    r.xadd("in", _event(customers.iloc[7], "evt-late"))
    late = StreamWorker(
        r, served, input_stream="in", output_stream="out", consumer="d", block_ms=50
    )
    late._depth.set(-1)
    late.run(stop=lambda: late.stats.read >= 1)
    assert (
        late.metrics.get_sample_value(
            "colonnade_ml_stream_depth", {"stream": "in", "group": "colonnade-predict"}
        )
        == 0
    )


def test_a_lone_request_is_not_held_and_concurrent_ones_are_batched() -> None:
    calls: list[int] = []

    def score(x: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        return x[:, 0] * 2

    async def scenario() -> None:
        # a ten-second max wait: a lone request that waited for company would time out below
        batcher = MicroBatcher(score, max_batch=64, max_wait_s=10.0)
        alone = await asyncio.wait_for(batcher.submit(np.array([[1.0]], dtype=np.float32)), 5)
        assert alone.tolist() == [2.0]
        batcher.max_wait_s = 0.002
        xs = [np.array([[float(i)]], dtype=np.float32) for i in range(100)]
        outs = await asyncio.gather(*(batcher.submit(x) for x in xs))
        assert [o.tolist() for o in outs] == [[2.0 * i] for i in range(100)]
        await batcher.aclose()

    asyncio.run(scenario())
    assert calls[0] == 1
    assert len(calls) - 1 < 100 / 4  # concurrent requests shared inference calls
    assert max(calls) <= 64


def test_drift_is_found_on_shifted_traffic_and_not_on_like_traffic(
    trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.mlplatform.monitoring import PredictionLog, compute_drift

    served = load_served(ml_settings(trained.data_dir), "churn")
    names = served.spec.names
    like = generate_churn(3000, seed=21).flat()[names]
    shifted = like.copy()
    shifted["monthly_charges"] = shifted["monthly_charges"] * 1.6  # a price rise
    shifted["contract"] = "month-to-month"
    same = compute_drift(
        "churn", served.reference, like, served.spec.features, psi_threshold=0.2, ks_pvalue=0.001
    )
    assert same.drifted == []
    moved = compute_drift(
        "churn", served.reference, shifted, served.spec.features, psi_threshold=0.2, ks_pvalue=0.001
    )
    assert set(moved.drifted) == {"monthly_charges", "contract"}

    # through the prediction log and the CLI, with an HTML report
    data = tmp_path / "d"
    import shutil

    shutil.copytree(trained.data_dir, data, ignore=shutil.ignore_patterns("serving"))
    log = PredictionLog(data / "ml" / "predictions.db")
    rows = shifted.head(600).to_dict("records")
    log.record("churn", "1", "champion", rows, [0.5] * len(rows))
    log.flush()
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(data))
    result = CliRunner().invoke(
        app, ["monitor", "drift", "churn", "--html", str(tmp_path / "r.html"), "--json"]
    )
    assert result.exit_code == 3, result.output  # drift found: a non-zero exit for schedulers
    report = json.loads(result.output[: result.output.rindex("}") + 1])
    assert "monthly_charges" in report["drifted"] and report["current_rows"] == 600
    page = (tmp_path / "r.html").read_text()
    assert "<svg" in page and "monthly_charges" in page

    # two logged rows against thousands of training rows: no verdict, and it says why
    few = tmp_path / "few"
    shutil.copytree(trained.data_dir, few, ignore=shutil.ignore_patterns("serving"))
    log = PredictionLog(few / "ml" / "predictions.db")
    log.record("churn", "1", "champion", rows[:2], [0.5, 0.5])
    log.flush()
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(few))
    result = CliRunner().invoke(app, ["monitor", "drift", "churn"])
    assert result.exit_code == 0, result.output
    assert "not enough data: 2 logged predictions" in result.output
    assert "at least 200 (ml.drift_min_rows)" in result.output
    assert "drifted: none" in result.output


def test_a_model_slow_on_the_event_loop_moves_to_its_thread() -> None:
    import time as clock

    def slow(x: np.ndarray) -> np.ndarray:
        clock.sleep(0.01)
        return x[:, 0]

    async def scenario() -> int:
        batcher = MicroBatcher(slow, max_batch=8, max_wait_s=0.0, inline_rows=8)
        await batcher.submit(np.ones((1, 1), dtype=np.float32))
        inline = batcher.inline_rows
        await batcher.aclose()
        return inline

    assert asyncio.run(scenario()) == 0


def test_batch_memory_stays_flat_on_a_large_file(
    served: ServedVersion, customers: pd.DataFrame, tmp_path: Path
) -> None:
    import tracemalloc

    import pyarrow as pa

    big = pd.concat([customers] * 40, ignore_index=True)  # 100,000 rows
    source = tmp_path / "big.parquet"
    big.to_parquet(source, row_group_size=10_000)
    whole = pq.read_table(source).nbytes + big.memory_usage(deep=True).sum()
    del big
    arrow_peak = 0

    def watch(done: int, total: int | None) -> None:
        nonlocal arrow_peak
        arrow_peak = max(arrow_peak, pa.total_allocated_bytes())

    tracemalloc.start()
    result = score_file(served, source, tmp_path / "out.parquet", chunk_rows=10_000, progress=watch)
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.rows == 100_000 and result.chunks == 10
    # one chunk at a time: a small share of what the whole file takes in memory
    assert python_peak + arrow_peak < whole * 0.25, (python_peak, arrow_peak, whole)


def test_stream_cli_drains_the_stream_and_stops_when_idle(
    trained: Trained, customers: pd.DataFrame, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = redis.Redis.from_url(redis_url)
    r.delete("cli-in", "cli-out")
    for i in range(5):
        r.xadd("cli-in", _event(customers.iloc[i], f"cli-{i}"))
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(trained.data_dir))
    result = CliRunner().invoke(
        app,
        [
            "predict",
            "stream",
            "-m",
            "churn",
            "--redis",
            redis_url,
            "--input",
            "cli-in",
            "--output",
            "cli-out",
            "--idle-exit-s",
            "0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = next(line for line in result.output.splitlines() if line.startswith("{"))
    assert json.loads(summary)["written"] == 5
    assert r.xlen("cli-out") == 5


def test_stream_cli_with_redis_down_is_one_line(
    trained: Trained, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.servers import free_port

    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(trained.data_dir))
    down = f"redis://127.0.0.1:{free_port()}/0"
    result = CliRunner().invoke(app, ["predict", "stream", "-m", "churn", "--redis", down])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach Redis"), result.output
