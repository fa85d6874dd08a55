"""The Azure Blob source against Azurite on loopback: incremental by ETag, metadata and ACLs
from blob metadata, deletions mirrored, a failing blob reported while the run goes on; the
connection string, a SAS and the CLI."""

from __future__ import annotations

import logging
import secrets
import shutil
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import (
    BlobServiceClient,
    ContainerClient,
    ContainerSasPermissions,
    generate_container_sas,
)
from fastapi import FastAPI, Form
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from typer.testing import CliRunner

from colonnade.container import Container
from colonnade.errors import ConfigurationError, InvalidInput
from colonnade.knowledge.blob_source import BlobSource
from colonnade.knowledge.models import Filters
from colonnade.settings import BlobSettings
from colonnade.vocabulary import Access
from tests.servers import free_port, serve, tls_files

pytestmark = pytest.mark.integration

ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft)
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@contextmanager
def _azurite(location: Path, *options: str, ca: Path | None = None) -> Iterator[str]:
    """Azurite's Blob service on loopback (npm's azurite; `make test` installs it), run with
    extra ``options`` (HTTPS when they give --cert, trusted through ``ca``); yields the
    account's endpoint."""
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
            str(location),
            "--silent",
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    scheme = "https" if "--cert" in options else "http"
    endpoint = f"{scheme}://127.0.0.1:{port}/{ACCOUNT}"
    verify = ssl.create_default_context(cafile=str(ca)) if ca else True
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(endpoint, timeout=1, verify=verify)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("azurite did not start")
            time.sleep(0.1)
    try:
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _connection_string(endpoint: str) -> str:
    scheme = endpoint.split(":", 1)[0]
    return (
        f"DefaultEndpointsProtocol={scheme};AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
        f"BlobEndpoint={endpoint};"
    )


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Azurite over HTTP; its connection string."""
    with _azurite(tmp_path_factory.mktemp("azurite")) as endpoint:
        yield _connection_string(endpoint)


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


# --- workload identity, as on an AKS pod -------------------------------------------------
# The pod gets AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and
# AZURE_AUTHORITY_HOST; azure-identity's WorkloadIdentityCredential posts the federated token
# to the authority's token endpoint (HTTPS on loopback, the test's own CA) and the Blob client
# sends the access token it gets as a bearer token to Azurite run with --oauth basic, which
# checks the token's lifetime, issuer and audience (not its signature) and needs HTTPS.

TENANT = "3a1c5e7f-0b2d-4e6f-8a9c-1d3e5f7a9b0c"
CLIENT = "6f5a4f0e-3c1b-4f59-9d1e-2b7a8c9d0e1f"
FEDERATED = "eyJhbGciOiJSUzI1NiJ9.pod-service-account-token.c2lnbmF0dXJl"
STORAGE_SCOPE = "https://storage.azure.com/.default"


@dataclass
class Entra:
    """The token endpoint's state: who asked, what it issued, the audience it issues for."""

    authority: str = ""
    audience: str = "https://storage.azure.com"
    requests: list[dict[str, str]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OAuthStorage:
    entra: Entra
    ca: Path
    connection_string: str  # the account key, for the test's own set-up only


def _token_endpoint(entra: Entra) -> FastAPI:
    app = FastAPI()
    signing_key = secrets.token_bytes(32)  # Azurite's basic check does not verify it

    @app.post("/{tenant}/oauth2/v2.0/token", response_model=None)
    def token(
        tenant: str,
        client_id: str = Form(),
        scope: str = Form(),
        grant_type: str = Form(),
        client_assertion: str = Form(),
        client_assertion_type: str = Form(),
    ) -> JSONResponse | dict[str, Any]:
        entra.requests.append(
            {"tenant": tenant, "client_id": client_id, "scope": scope, "grant": grant_type}
        )
        if (
            tenant != TENANT
            or client_id != CLIENT
            or client_assertion != FEDERATED
            or not client_assertion_type.endswith(":jwt-bearer")
        ):
            return JSONResponse(
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS700211: No matching federated identity "
                    "record found for presented assertion issuer.",
                },
                status_code=400,
            )
        now = int(time.time())
        access = jwt.encode(
            {
                "aud": entra.audience,
                "iss": f"https://sts.windows.net/{TENANT}/",
                "iat": now - 60,
                "nbf": now - 60,
                "exp": now + 3600,
                "appid": CLIENT,
                "tid": TENANT,
            },
            signing_key,
            algorithm="HS256",
        )
        entra.issued.append(access)
        return {"token_type": "Bearer", "expires_in": 3600, "access_token": access}

    return app


@pytest.fixture(scope="session")
def oauth_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OAuthStorage]:
    """The token endpoint and Azurite with --oauth basic, both on HTTPS under one test CA."""
    ca, cert, key = tls_files(tmp_path_factory.mktemp("tls"))
    entra = Entra()
    tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
    options = ("--oauth", "basic", "--cert", str(cert), "--key", str(key))
    with (
        serve(_token_endpoint(entra), **tls) as authority,
        _azurite(tmp_path_factory.mktemp("azurite-oauth"), *options, ca=ca) as endpoint,
    ):
        entra.authority = authority
        yield OAuthStorage(entra, ca, _connection_string(endpoint))


@pytest.fixture
def private_bucket(oauth_storage: OAuthStorage) -> Iterator[ContainerClient]:
    """A container no anonymous caller may read, with two documents."""
    service = BlobServiceClient.from_connection_string(
        oauth_storage.connection_string, connection_verify=str(oauth_storage.ca)
    )
    bucket = service.create_container(f"wi-{uuid.uuid4().hex[:10]}")
    _put(bucket, "hr/leave.md", "# Leave\n\nNew staff get 25 days of annual leave.\n")
    _put(bucket, "hr/expenses.md", "# Expenses\n\nClaim travel within 30 days.\n")
    yield bucket
    bucket.delete_container()
    service.close()


def _pod(
    monkeypatch: pytest.MonkeyPatch, storage: OAuthStorage, tmp_path: Path, federated: str
) -> None:
    """The environment AKS gives a pod whose service account has workload identity, and the
    test CA as the only one the SDKs' HTTP pipeline trusts."""
    token_file = tmp_path / "azure-identity-token"  # what the projected volume holds
    token_file.write_text(federated)
    monkeypatch.setenv("AZURE_CLIENT_ID", CLIENT)
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AZURE_AUTHORITY_HOST", storage.entra.authority)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(storage.ca))


def _secrets_in(text: str, entra: Entra) -> list[str]:
    return [s for s in (FEDERATED, *entra.issued) if s in text]


def test_workload_identity_lists_and_reads_a_private_container(
    container: Container,
    oauth_storage: OAuthStorage,
    private_bucket: ContainerClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    entra = oauth_storage.entra
    anonymous = ContainerClient.from_container_url(
        private_bucket.url, connection_verify=str(oauth_storage.ca)
    )
    with pytest.raises(HttpResponseError):  # Azurite does refuse a caller without a token
        list(anonymous.list_blobs())
    _pod(monkeypatch, oauth_storage, tmp_path, FEDERATED)
    caplog.set_level(logging.DEBUG)
    start = len(entra.requests)

    source = BlobSource.from_url(private_bucket.url, BlobSettings())  # auth auto: identity
    report = container.ingestor.ingest(source, "policies")
    assert (report.seen, report.added, report.failed) == (2, 2, [])
    assert "30 days" in container.retriever.search("travel expense claims").hits[0].text
    # one token for the listing and both downloads: the pod's, for Azure Storage
    assert entra.requests[start:] == [
        {
            "tenant": TENANT,
            "client_id": CLIENT,
            "scope": STORAGE_SCOPE,
            "grant": "client_credentials",
        }
    ]
    # the SDK's request logging ran and redacted the bearer token
    assert "Authorization" in caplog.text
    assert _secrets_in(caplog.text + "".join(capfd.readouterr()), entra) == []


def test_a_token_for_another_audience_is_refused_by_storage(
    oauth_storage: OAuthStorage,
    private_bucket: ContainerClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pod(monkeypatch, oauth_storage, tmp_path, FEDERATED)
    monkeypatch.setattr(oauth_storage.entra, "audience", "https://vault.azure.net")
    source = BlobSource.from_url(private_bucket.url, BlobSettings(auth="identity"))
    with pytest.raises(InvalidInput, match="cannot list the blobs") as refused:
        list(source.items())
    assert "(Invalid token audience.)" in refused.value.message  # Azurite read the bearer
    assert "\n" not in refused.value.message


def test_a_wrong_federated_token_is_one_clear_line(
    oauth_storage: OAuthStorage,
    private_bucket: ContainerClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from colonnade.cli.main import app as cli

    entra = oauth_storage.entra
    _pod(monkeypatch, oauth_storage, tmp_path, "eyJhbGciOiJSUzI1NiJ9.another-pod.c2ln")
    caplog.set_level(logging.DEBUG)
    source = BlobSource.from_url(private_bucket.url, BlobSettings())
    with pytest.raises(ConfigurationError) as refused:
        list(source.items())
    message = refused.value.message
    assert message.startswith("workload identity got no token for Azure Storage: ")
    assert "AADSTS700211" in message and "AZURE_FEDERATED_TOKEN_FILE" in message
    assert "\n" not in message

    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    r = CliRunner().invoke(cli, ["ingest", "--blob", private_bucket.url, "-C", "policies"])
    assert r.exit_code != 0
    assert "workload identity got no token for Azure Storage" in r.output
    assert "Traceback" not in r.output
    logged = caplog.text + "".join(capfd.readouterr()) + r.output
    assert _secrets_in(logged, entra) == [] and "another-pod" not in logged
