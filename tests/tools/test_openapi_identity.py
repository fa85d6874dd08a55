"""OpenAPI tool credentials from workload identity: azure-identity's real
``WorkloadIdentityCredential`` exchanges the pod's federated token at a fake Entra ID token
endpoint (HTTPS on loopback, its own CA), and the tickets service accepts only that token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Form, HTTPException
from pydantic import ValidationError

from colonnade.identity import Principal
from colonnade.llm.credentials import entra_id_token_provider
from colonnade.settings import OpenAPIServiceSettings
from colonnade.tools.openapi import OpenAPIToolset
from colonnade.tools.ports import ToolError
from tests.servers import serve, tls_files
from tests.tools.conftest import TOKEN

pytest.importorskip("azure.identity", reason="pip install 'colonnade[azure]'")
from azure.identity.aio import WorkloadIdentityCredential

SCOPE = "api://tickets/.default"
TENANT = "contoso"
CLIENT = "colonnade-tools"
FEDERATED = "eyJ.federated-service-account-token.sig"
CALLER = Principal("acme", "alice", permissions=frozenset({"tool:*"}))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # azure-identity's aio credentials run on asyncio (aiohttp)


@dataclass
class Entra:
    authority: str  # host:port, as AZURE_AUTHORITY_HOST takes it
    ca: Path
    requests: list[dict[str, Any]] = field(default_factory=list)


def _token_endpoint(entra: Entra) -> FastAPI:
    app = FastAPI()

    @app.post("/{tenant}/oauth2/v2.0/token")
    def token(
        tenant: str,
        client_id: str = Form(),
        scope: str = Form(),
        grant_type: str = Form(),
        client_assertion: str = Form(),
        client_assertion_type: str = Form(),
    ) -> dict[str, Any]:
        entra.requests.append(
            {"tenant": tenant, "client_id": client_id, "scope": scope, "grant": grant_type}
        )
        if client_id != CLIENT or client_assertion != FEDERATED or tenant != TENANT:
            raise HTTPException(
                400,
                {"error": "invalid_client", "error_description": "AADSTS700016: unknown app"},
            )
        assert client_assertion_type.endswith("jwt-bearer")
        return {"token_type": "Bearer", "expires_in": 3600, "access_token": TOKEN}

    return app


@pytest.fixture(scope="module")
def entra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Entra]:
    ca, cert, key = tls_files(tmp_path_factory.mktemp("tls"))
    holder = Entra("", ca)
    with serve(_token_endpoint(holder), ssl_certfile=str(cert), ssl_keyfile=str(key)) as url:
        holder.authority = url.removeprefix("https://")
        yield holder


def _credential(entra: Entra, tmp_path: Path, client: str = CLIENT) -> WorkloadIdentityCredential:
    token_file = tmp_path / "azure-identity-token"  # what the pod's projected volume holds
    token_file.write_text(FEDERATED)
    return WorkloadIdentityCredential(
        tenant_id=TENANT,
        client_id=client,
        token_file_path=str(token_file),
        authority=entra.authority,
        connection_verify=str(entra.ca),
    )


def _settings(spec: Path, url: str) -> OpenAPIServiceSettings:
    return OpenAPIServiceSettings(
        spec=str(spec), base_url=url, auth="entra_id", scope=SCOPE, identity="workload"
    )


@pytest.fixture
def spec(tickets: tuple[str, Any, dict[str, Any]], tmp_path: Path) -> Path:
    import json

    path = tmp_path / "tickets.json"
    path.write_text(json.dumps(tickets[2]))
    return path


@pytest.mark.anyio
async def test_tool_calls_carry_a_workload_identity_token(
    entra: Entra, tickets: tuple[str, Any, dict[str, Any]], spec: Path, tmp_path: Path
) -> None:
    url, app, _ = tickets
    start = len(entra.requests)
    credential = _credential(entra, tmp_path)
    service = OpenAPIToolset.from_settings(
        "tickets", _settings(spec, url), risk={}, timeout_s=10, credential=credential
    )
    try:
        tools = {t.spec.name: t for t in service.tools}
        # the credential's header is never an argument a caller (or a model) could set
        assert "authorization" not in tools["open_ticket"].spec.input_schema["properties"]
        made = await tools["open_ticket"].call(
            {"body": {"title": "broken laptop", "priority": 2}}, CALLER
        )
        assert not made.is_error, made.text
        got = await tools["get_ticket"].call({"ticket_id": made.data["id"]}, CALLER)
        assert got.data["title"] == "broken laptop"
    finally:
        await service.aclose()
        await credential.close()
    # one token for both calls, for the configured scope, by the pod's federated token
    assert entra.requests[start:] == [
        {"tenant": TENANT, "client_id": CLIENT, "scope": SCOPE, "grant": "client_credentials"}
    ]
    assert made.data["id"] in app.state.tickets


@pytest.mark.anyio
async def test_a_refused_identity_is_a_clear_tool_error(
    entra: Entra, tickets: tuple[str, Any, dict[str, Any]], spec: Path, tmp_path: Path
) -> None:
    url, app, _ = tickets
    credential = _credential(entra, tmp_path, client="someone-else")
    service = OpenAPIToolset.from_settings(
        "tickets", _settings(spec, url), risk={}, timeout_s=10, credential=credential
    )
    try:
        tool = next(t for t in service.tools if t.spec.name == "open_ticket")
        with pytest.raises(ToolError) as caught:
            await tool.call({"body": {"title": "x" * 5, "priority": 1}}, CALLER)
    finally:
        await service.aclose()
        await credential.close()
    assert caught.value.kind == "unavailable" and caught.value.status_code == 503
    assert "no Entra ID token for the tickets service" in caught.value.message
    assert "\n" not in caught.value.message and not app.state.tickets


@pytest.mark.anyio
async def test_the_token_is_renewed_before_it_expires() -> None:
    @dataclass
    class Token:
        token: str
        expires_on: int

    class Credential:  # the credential port: what azure.identity.aio credentials offer
        def __init__(self) -> None:
            self.asked: list[tuple[str, ...]] = []

        async def get_token(self, *scopes: str, **kwargs: Any) -> Token:
            self.asked.append(scopes)
            return Token(f"t{len(self.asked)}", 1_000 + 3600 * len(self.asked))

    now = [1_000.0]
    credential = Credential()
    tokens = entra_id_token_provider(SCOPE, credential, clock=lambda: now[0])
    assert [await tokens(), await tokens()] == ["t1", "t1"]
    now[0] += 3600 - 299  # inside the last five minutes: renewed
    assert await tokens() == "t2"
    assert credential.asked == [(SCOPE,), (SCOPE,)]


def test_settings_need_a_scope_and_no_key_for_entra_id(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="auth = entra_id needs scope"):
        OpenAPIServiceSettings(spec="x.json", auth="entra_id")
    with pytest.raises(ValidationError, match="takes no api_key"):
        OpenAPIServiceSettings(spec="x.json", auth="entra_id", scope=SCOPE, api_key="k")


@pytest.mark.anyio
async def test_without_an_injected_credential_workload_identity_is_built(
    spec: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(FEDERATED)
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", CLIENT)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    service = OpenAPIToolset.from_settings(
        "tickets", _settings(spec, "http://127.0.0.1:9"), risk={}, timeout_s=1
    )
    try:
        assert isinstance(service.credential, WorkloadIdentityCredential)
    finally:
        await service.aclose()  # closes the credential it built
