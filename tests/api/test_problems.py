"""Problem documents: a 5xx tells the caller a safe text and the log the detail."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from colonnade.api.middleware import RequestId
from colonnade.api.problems import install_problem_handlers
from colonnade.errors import ConfigurationError, LLMError, LLMErrorKind, NotFound
from colonnade.observability import configure_logging

UPSTREAM = "http://10.1.2.3:8443/openai/deployments/gpt/chat"


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestId)

    @app.get("/llm")
    async def llm() -> None:
        raise LLMError(f"POST {UPSTREAM} failed: connection reset", provider="cloud")

    @app.get("/config")
    async def config() -> None:
        raise ConfigurationError("cannot read /etc/colonnade/secrets/key.pem: permission denied")

    @app.get("/missing")
    async def missing() -> None:
        raise NotFound("document d-42 not found: GET /v1/documents lists them")

    return app


def test_a_5xx_sends_a_safe_message_and_logs_the_detail(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", json=True)
    with TestClient(_app()) as client:
        llm = client.get("/llm", headers={"X-Request-ID": "req-llm-1"})
        config = client.get("/config")
        missing = client.get("/missing")
    assert llm.status_code == 502 and llm.headers["content-type"] == "application/problem+json"
    body = llm.json()
    assert UPSTREAM not in llm.text and "10.1.2.3" not in llm.text
    assert body["detail"] == "the model deployment failed; try again shortly"
    assert (body["code"], body["request_id"]) == ("llm_failed", "req-llm-1")
    assert config.status_code == 500 and "/etc/colonnade" not in config.text
    assert "operator" in config.json()["detail"]
    # a 4xx says what to fix in the request: its message goes out whole
    assert missing.json()["detail"] == "document d-42 not found: GET /v1/documents lists them"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    [failed] = [x for x in lines if x.get("request_id") == "req-llm-1"]
    assert failed["event"] == "request_failed" and UPSTREAM in failed["detail"]


def test_llm_error_kinds_are_an_enum() -> None:
    error = LLMError("slow", provider="p", kind="timeout")
    assert error.kind is LLMErrorKind.timeout and error.status_code == 504 and error.retryable
    assert not LLMError("no", provider="p", kind=LLMErrorKind.auth).falls_back
    assert LLMError("big", provider="p", kind=LLMErrorKind.context_length).status_code == 400
    with pytest.raises(ValueError, match="timed_out"):
        LLMError("typo", provider="p", kind="timed_out")
