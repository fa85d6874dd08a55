"""`predict batch` on a Dask cluster (tcp:// or tls://) gives the local path's output, row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from colonnade.compute import DaskExecutor
from colonnade.mlplatform.batch import score_file
from colonnade.mlplatform.datasets import generate_churn
from colonnade.mlplatform.runtime import load_served
from tests.conftest import DaskTLS
from tests.ml.conftest import Trained, ml_settings

pytestmark = pytest.mark.integration


def test_batch_on_dask_equals_the_local_run(
    trained: Trained, dask_scheduler: str, tmp_path: Path
) -> None:
    served = load_served(ml_settings(trained.data_dir), "churn")
    source = tmp_path / "in.csv"
    generate_churn(1800, seed=5).flat().to_csv(source, index=False)
    local = score_file(served, source, tmp_path / "local.parquet", chunk_rows=400)
    executor = DaskExecutor(dask_scheduler, in_flight=2)
    try:
        seen: list[int] = []
        remote = score_file(
            served,
            source,
            tmp_path / "dask.parquet",
            chunk_rows=400,
            executor=executor,
            progress=lambda done, _total: seen.append(done),
        )
    finally:
        executor.close()
    assert (remote.rows, remote.chunks) == (local.rows, local.chunks) == (1800, 5)
    assert seen == [400, 800, 1200, 1600, 1800]
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "dask.parquet"), pd.read_parquet(tmp_path / "local.parquet")
    )


def test_the_cli_sends_the_batch_to_the_scheduler_and_names_a_bad_one(
    trained: Trained, dask_scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli

    source = tmp_path / "in.parquet"
    generate_churn(600, seed=6).flat().to_parquet(source)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(trained.data_dir))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", dask_scheduler)
    args = ["predict", "batch", "-m", "churn", "-i", str(source), "-o", str(tmp_path / "o.csv")]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "600 rows" in r.output and "dask" in r.output
    assert len(pd.read_csv(tmp_path / "o.csv")) == 600
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", "tcp://127.0.0.1:1")
    monkeypatch.setenv("COLONNADE_COMPUTE__TIMEOUT_S", "1")
    bad = CliRunner().invoke(cli, args)
    assert bad.exit_code != 0 and "cannot reach the Dask scheduler" in bad.output


def test_the_cli_scores_on_a_tls_cluster_as_it_does_locally(
    trained: Trained, dask_tls: DaskTLS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli

    source = tmp_path / "in.parquet"
    generate_churn(500, seed=7).flat().to_parquet(source)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(trained.data_dir))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)

    def predict(out: Path) -> str:
        args = ["predict", "batch", "-m", "churn", "-i", str(source), "-o", str(out)]
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 0, r.output
        return r.output

    local = predict(tmp_path / "local.csv")
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", dask_tls.address)
    monkeypatch.setenv("COLONNADE_COMPUTE__TLS__CA_FILE", str(dask_tls.ca_file))
    monkeypatch.setenv("COLONNADE_COMPUTE__TLS__CERT_FILE", str(dask_tls.cert))
    monkeypatch.setenv("COLONNADE_COMPUTE__TLS__KEY_FILE", str(dask_tls.key))
    remote = predict(tmp_path / "tls.csv")
    assert "(local)" in local and f"(dask {dask_tls.address})" in " ".join(remote.split())
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "tls.csv"), pd.read_csv(tmp_path / "local.csv")
    )
