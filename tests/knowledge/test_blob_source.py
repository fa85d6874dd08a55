"""The Azure Blob source against Azurite on loopback: incremental by ETag, metadata and ACLs
from blob metadata, deletions mirrored, a failing blob reported while the run goes on; the
connection string, a SAS and the CLI."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from azure.storage.blob import (
    BlobServiceClient,
    ContainerClient,
    ContainerSasPermissions,
    generate_container_sas,
)
from pydantic import SecretStr
from typer.testing import CliRunner

from colonnade.container import Container
from colonnade.knowledge.blob_source import BlobSource
from colonnade.knowledge.models import Filters
from colonnade.settings import BlobSettings
from colonnade.vocabulary import Access
from tests.servers import free_port

pytestmark = pytest.mark.integration

ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft)
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Azurite's Blob service on loopback (npm's azurite; `make test` installs it)."""
    binary = shutil.which("azurite-blob")
    if binary is None:
        pytest.fail("azurite is not installed: npm install -g azurite (make test does)")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--location",
            str(tmp_path_factory.mktemp("azurite")),
            "--silent",
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/{ACCOUNT}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(endpoint, timeout=1)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("azurite did not start")
            time.sleep(0.1)
    yield (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
        f"BlobEndpoint={endpoint};"
    )
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def bucket(azurite: str) -> Iterator[ContainerClient]:
    service = BlobServiceClient.from_connection_string(azurite)
    container = service.create_container(f"docs-{uuid.uuid4().hex[:10]}")
    yield container
    container.delete_container()
    service.close()


def _put(container: ContainerClient, name: str, text: str, **metadata: str) -> None:
    container.upload_blob(name, text.encode(), overwrite=True, metadata=metadata or None)


def _settings(azurite: str) -> BlobSettings:
    return BlobSettings(connection_string=SecretStr(azurite))


def test_a_container_is_ingested_incrementally_by_etag_with_metadata_acls_and_deletions(
    container: Container, bucket: ContainerClient, azurite: str
) -> None:
    _put(bucket, "hr/leave.md", "# Leave\n\nNew staff get 25 days of annual leave.\n")
    _put(
        bucket,
        "hr/salaries.md",
        "# Salaries\n\nSalary bands are reviewed every March.\n",
        acl_groups="hr, finance",
        department="people",
    )
    _put(bucket, "it/vpn.md", "# VPN\n\nConnect to the VPN before the intranet.\n")
    _put(bucket, "hr/.draft.md", "# Draft\n\nnot for indexing\n")
    source = BlobSource.from_url(bucket.url, _settings(azurite), prefix="hr/", exclude=["**/.*"])
    report = container.ingestor.ingest(source, "blobs")
    assert (report.seen, report.added, report.failed) == (2, 2, [])
    assert source.downloads == 2 and source.complete_listing

    store = container.store
    docs = {d.source_uri.rsplit("/", 1)[-1]: d for d in store.list_documents("blobs")}
    assert set(docs) == {"leave.md", "salaries.md"}
    assert docs["salaries.md"].source_uri == f"{bucket.url}/hr/salaries.md"
    assert docs["salaries.md"].metadata["department"] == "people"
    assert sorted(docs["salaries.md"].acl["groups"]) == ["finance", "hr"]
    assert "acl_groups" not in docs["salaries.md"].metadata
    for groups, visible in (((), False), (("finance",), True)):
        access = Filters(collections=["blobs"], access=Access("ann", groups))
        hits = container.retriever.search("salary bands review", filters=access).hits
        assert any(h.source_uri.endswith("salaries.md") for h in hits) is visible

    # nothing changed: nothing is downloaded
    again = container.ingestor.ingest(source, "blobs")
    assert (again.skipped, again.added, again.updated, source.downloads) == (2, 0, 0, 0)

    # one blob rewritten, one deleted, one added: one download each for the new ETags
    _put(bucket, "hr/leave.md", "# Leave\n\nNew staff get 28 days of annual leave.\n")
    bucket.delete_blob("hr/salaries.md")
    _put(bucket, "hr/parental.md", "# Parental leave\n\nSixteen weeks on full pay.\n")
    third = container.ingestor.ingest(source, "blobs")
    assert (third.added, third.updated, third.deleted, third.skipped) == (1, 1, 1, 0)
    assert source.downloads == 2
    names = sorted(d.source_uri.rsplit("/", 1)[-1] for d in store.list_documents("blobs"))
    assert names == ["leave.md", "parental.md"]
    assert "28 days" in container.retriever.search("annual leave days").hits[0].text


def test_a_failing_blob_is_reported_and_the_run_goes_on(
    container: Container, bucket: ContainerClient, azurite: str
) -> None:
    _put(bucket, "a.md", "# A\n\nAlpha text.\n")
    _put(bucket, "b.md", "# B\n\nBravo text.\n")
    _put(bucket, "c.md", "# C\n\nCharlie text.\n")
    source = BlobSource.from_url(bucket.url, _settings(azurite))

    def on_progress(stage: str, _done: int, _total: int) -> None:
        if stage == "listed":  # gone between the listing and the download
            bucket.delete_blob("b.md")

    report = container.ingestor.ingest(source, "blobs", on_progress)
    assert report.added == 2
    [failure] = report.failed
    assert failure.source_uri.endswith("/b.md") and "during ingestion" in failure.message
    # the next run sees the deletion in its listing; the others are unchanged
    again = container.ingestor.ingest(source, "blobs")
    assert (again.skipped, again.failed, again.deleted) == (2, [], 0)


def test_a_sas_in_the_url_or_the_settings_signs_in(bucket: ContainerClient, azurite: str) -> None:
    _put(bucket, "note.md", "# Note\n\nA note.\n")
    sas = generate_container_sas(
        ACCOUNT,
        bucket.container_name,
        account_key=ACCOUNT_KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        expiry=datetime.now(UTC) + timedelta(hours=1),
    )
    for source in (
        BlobSource.from_url(f"{bucket.url}?{sas}", BlobSettings()),
        BlobSource.from_url(bucket.url, BlobSettings(auth="sas", sas_token=SecretStr(sas))),
    ):
        [item] = list(source.items())
        assert source.read(item) == b"# Note\n\nA note.\n"
        assert "sig=" not in item.uri and "sig=" not in source.scope
    refused = BlobSource.from_url(bucket.url, BlobSettings(auth="sas", sas_token=SecretStr("x=y")))
    with pytest.raises(Exception, match="cannot list the blobs"):
        list(refused.items())


def test_the_cli_ingests_a_container(
    bucket: ContainerClient, azurite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli

    _put(bucket, "guide/setup.md", "# Setup\n\nInstall the client first.\n")
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLONNADE_INGESTION__BLOB__CONNECTION_STRING", azurite)
    args = ["ingest", "--blob", bucket.url, "--blob-prefix", "guide/", "-C", "guides"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "1" in r.output.splitlines()[-2]  # the report's row: seen 1, added 1
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "skipped" in again.output
    bad = CliRunner().invoke(cli, ["ingest", "--blob", "ftp://nowhere/x"])
    assert bad.exit_code != 0 and "not a container URL" in bad.output
    neither = CliRunner().invoke(cli, ["ingest"])
    assert neither.exit_code != 0 and "--blob" in neither.output
