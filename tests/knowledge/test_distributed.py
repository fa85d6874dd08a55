"""Large-corpus ingestion on a Dask cluster indexes what the local pipeline indexes, on a
tcp:// cluster or a tls:// one that lets in only clients with a certificate its CA signed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from colonnade.compute import DaskExecutor, build_executor, dask_security
from colonnade.container import Container
from colonnade.errors import ConfigurationError
from colonnade.knowledge.distributed import DistributedIngestor
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.sources import FolderSource
from colonnade.settings import ComputeSettings, DaskTLSSettings, Settings
from tests.conftest import DaskTLS, write_dask_tls

pytestmark = pytest.mark.integration

HANDBOOK = Path(__file__).resolve().parents[2] / "examples" / "handbook"
QUERIES = ["annual leave for new staff", "hotel limit in London", "VPN access", "incident"]


def _corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for part in ("hr", "travel", "it"):  # markdown, HTML, PDF and DOCX among them
        shutil.copytree(HANDBOOK / part, root / part)
    (root / "hr" / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return root


def _open(tmp_path: Path, name: str, minilm: MiniLMEmbedder) -> Container:
    c = Container(Settings(storage={"data_dir": tmp_path / name}))  # type: ignore[arg-type]
    c.__dict__["embedder"] = minilm
    return c


def test_ingesting_on_dask_equals_the_local_pipeline(
    tmp_path: Path, minilm: MiniLMEmbedder, dask_scheduler: str
) -> None:
    root = _corpus(tmp_path)
    local, remote = _open(tmp_path, "local", minilm), _open(tmp_path, "dask", minilm)
    executor = DaskExecutor(dask_scheduler, in_flight=2)
    try:
        s = remote.settings
        distributed = DistributedIngestor(remote.ingestor, executor, s.ingestion, s.embeddings)
        exclude = local.settings.ingestion.exclude
        a = local.ingestor.ingest(FolderSource(root, exclude=exclude), "docs")
        b = distributed.ingest(FolderSource(root, exclude=exclude), "docs")
        assert (b.seen, b.added, b.chunks) == (a.seen, a.added, a.chunks)
        assert a.added > 10 and b.chunks > 20
        assert [f.source_uri for f in b.failed] == [f.source_uri for f in a.failed]
        assert len(b.failed) == 1 and b.failed[0].source_uri.endswith("broken.pdf")

        def docs(c: Container) -> dict[str, tuple[str, int, str]]:
            return {
                d.source_uri: (d.title, d.chunks, d.fingerprint)
                for d in c.store.list_documents("docs")
            }

        assert docs(remote) == docs(local)
        for query in QUERIES:
            ra, rb = local.retriever.search(query).hits, remote.retriever.search(query).hits
            assert [(h.source_uri, h.text) for h in rb] == [(h.source_uri, h.text) for h in ra]
            np.testing.assert_allclose([h.score for h in rb], [h.score for h in ra], atol=1e-4)

        # a second run skips everything; a removed file is removed, a changed one re-indexed
        (root / "it" / "vpn-access.html").unlink()
        policy = root / "hr" / "sick-leave.md"
        policy.write_text(policy.read_text() + "\nCall your manager before nine.\n")
        again = distributed.ingest(FolderSource(root, exclude=exclude), "docs")
        assert (again.deleted, again.updated, again.added) == (1, 1, 0)
        assert again.skipped == b.added - 2
    finally:
        executor.close()
        local.close()
        remote.close()


def test_the_cli_ingests_on_the_scheduler_it_is_given(
    tmp_path: Path, dask_scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli

    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", dask_scheduler)
    r = CliRunner().invoke(cli, ["ingest", str(HANDBOOK / "finance"), "-C", "finance"])
    assert r.exit_code == 0, r.output
    c = Container(Settings(storage={"data_dir": tmp_path / "data"}))  # type: ignore[arg-type]
    try:
        assert len(c.store.list_documents("finance")) == 3
    finally:
        c.close()


def _groups_computed(scheduler: str, security: Any = None) -> int:
    """How many groups of files the cluster has parsed and embedded so far."""
    from distributed import Client

    def count(dask_scheduler: Any) -> int:
        prefix = dask_scheduler.task_prefixes.get("run_task")
        return 0 if prefix is None else int(prefix.state_counts["memory"])

    with Client(  # type: ignore[no-untyped-call]
        scheduler, set_as_default=False, security=security
    ) as client:
        return int(client.run_on_scheduler(count))


def _report_counts(output: str) -> list[int]:
    """seen, added, updated, skipped from the CLI's ingest report."""
    row = next(line for line in output.splitlines() if re.search(r"│\s*\d", line))
    return [int(n) for n in re.findall(r"\d+", row)[:4]]


def test_a_forced_cli_ingest_runs_on_the_scheduler_too(
    tmp_path: Path, dask_scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli

    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", dask_scheduler)
    args = ["ingest", str(HANDBOOK / "finance"), "-C", "finance"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    seen = _report_counts(first.output)[0]
    assert seen == 3

    before = _groups_computed(dask_scheduler)
    again = CliRunner().invoke(cli, args)
    assert _report_counts(again.output) == [seen, 0, 0, seen]  # unchanged: nothing sent
    assert _groups_computed(dask_scheduler) == before

    forced = CliRunner().invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert _report_counts(forced.output) == [seen, 0, seen, 0]  # every file processed again
    assert _groups_computed(dask_scheduler) > before  # ... on the cluster, not here


def _tls_env(
    monkeypatch: pytest.MonkeyPatch, address: str, ca: Path, cert: Path, key: Path
) -> None:
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", address)
    monkeypatch.setenv("COLONNADE_COMPUTE__TLS__CA_FILE", str(ca))
    monkeypatch.setenv("COLONNADE_COMPUTE__TLS__CERT_FILE", str(cert))
    monkeypatch.setenv("COLONNADE_COMPUTE__TLS__KEY_FILE", str(key))


def test_ingesting_on_a_tls_cluster_equals_the_local_pipeline(
    tmp_path: Path, minilm: MiniLMEmbedder, dask_tls: DaskTLS, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli

    folder = HANDBOOK / "finance"
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "dask"))
    _tls_env(monkeypatch, dask_tls.address, dask_tls.ca_file, dask_tls.cert, dask_tls.key)
    tls = ComputeSettings(
        dask_scheduler=dask_tls.address,
        tls=DaskTLSSettings(
            ca_file=dask_tls.ca_file, cert_file=dask_tls.cert, key_file=dask_tls.key
        ),
    )
    before = _groups_computed(dask_tls.address, dask_security(tls.tls))
    r = CliRunner().invoke(cli, ["ingest", str(folder), "-C", "finance"])
    assert r.exit_code == 0, r.output
    assert _groups_computed(dask_tls.address, dask_security(tls.tls)) > before  # on the cluster

    local = _open(tmp_path, "local", minilm)
    remote = Container(Settings(storage={"data_dir": tmp_path / "dask"}))  # type: ignore[arg-type]
    try:
        exclude = local.settings.ingestion.exclude
        report = local.ingestor.ingest(FolderSource(folder, exclude=exclude), "finance")
        assert report.added == 3

        def docs(c: Container) -> dict[str, tuple[str, int, str]]:
            return {
                d.source_uri: (d.title, d.chunks, d.fingerprint)
                for d in c.store.list_documents("finance")
            }

        assert docs(remote) == docs(local)
    finally:
        local.close()
        remote.close()


def test_a_client_the_tls_cluster_does_not_trust_is_refused_in_one_line(
    tmp_path: Path, dask_tls: DaskTLS, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Security

    from colonnade.cli.main import app as cli

    # a client certificate from another CA: the scheduler refuses it; a CA that did not sign
    # the scheduler's certificate: this client refuses the scheduler
    other_ca, cert, key = write_dask_tls(Security.temporary(), tmp_path / "stranger")  # type: ignore[no-untyped-call]
    for ca_file, client_cert, client_key in (
        (dask_tls.ca_file, cert, key),
        (other_ca, dask_tls.cert, dask_tls.key),
    ):
        settings = ComputeSettings(
            dask_scheduler=dask_tls.address,
            timeout_s=10,
            tls=DaskTLSSettings(ca_file=ca_file, cert_file=client_cert, key_file=client_key),
        )
        with pytest.raises(ConfigurationError) as refused:
            build_executor(settings)
        message = refused.value.message
        assert message.startswith(
            f"the TLS handshake with the Dask scheduler at {dask_tls.address} failed"
        )
        assert "compute.tls.ca_file" in message and "\n" not in message

    # no client certificate at all: the settings say what to set before anything connects
    with pytest.raises(ValidationError, match="COLONNADE_COMPUTE__TLS__CERT_FILE"):
        ComputeSettings(dask_scheduler=dask_tls.address)
    with pytest.raises(ValidationError, match="not a tls:// address"):
        ComputeSettings(dask_scheduler="tcp://127.0.0.1:8786", tls=settings.tls)
    # a file that is not a certificate is named
    (tmp_path / "junk.pem").write_text("not a certificate")
    junk = DaskTLSSettings(ca_file=dask_tls.ca_file, cert_file=tmp_path / "junk.pem")
    with pytest.raises(ConfigurationError, match="cannot load the Dask TLS files"):
        dask_security(junk)

    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLONNADE_COMPUTE__TIMEOUT_S", "10")
    _tls_env(monkeypatch, dask_tls.address, dask_tls.ca_file, cert, key)
    r = CliRunner().invoke(cli, ["ingest", str(HANDBOOK / "finance"), "-C", "finance"])
    assert r.exit_code != 0
    assert "the TLS handshake with the Dask scheduler" in r.output
    assert "Traceback" not in r.output
    monkeypatch.delenv("COLONNADE_COMPUTE__TLS__CERT_FILE")
    r = CliRunner().invoke(cli, ["ingest", str(HANDBOOK / "finance"), "-C", "finance"])
    assert r.exit_code != 0 and "COLONNADE_COMPUTE__TLS__CERT_FILE" in r.output
