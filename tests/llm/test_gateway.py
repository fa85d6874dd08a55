"""The OpenAI-compatible gateway, called by the official ``openai`` SDK, unchanged.

Managed deployments are scripted servers on loopback; the self-hosted one is
llama.cpp's own server running SmolLM2-135M (the local-llm extra).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import numpy as np
import openai
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api
from tests.llm.conftest import managed
from tests.llm.fake_openai import Fault, Script, fake_openai_app
from tests.servers import serve

pytestmark = pytest.mark.integration


class Gateway:
    def __init__(self, api: Api, cloud: Script, backup: Script) -> None:
        self.api, self.cloud, self.backup = api, cloud, backup
        self.clients: list[openai.OpenAI] = []

    def sdk(self, key: str | None = None, **headers: str) -> openai.OpenAI:
        client = openai.OpenAI(
            base_url=f"{self.api.url}/v1",
            api_key=key or self.api.key,
            max_retries=0,
            default_headers=headers or None,
        )
        self.clients.append(client)
        return client


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Gateway]:
    cloud, backup = Script(default="Answer from cloud."), Script(default="Answer from backup.")
    with ExitStack() as stack:
        cloud_url = stack.enter_context(serve(fake_openai_app(cloud, name="cloud")))
        backup_url = stack.enter_context(serve(fake_openai_app(backup, name="backup")))
        llm = {
            "deployments": {
                "cloud": managed(f"{cloud_url}/v1", cost_input_per_1k=1.0, cost_output_per_1k=2.0),
                "backup": managed(f"{backup_url}/v1"),
                "local": {
                    "path": "self_hosted",
                    "provider": "llamacpp",
                    "model": "smollm2",
                    "max_classification": "confidential",
                    "context_window": 2048,
                    "first_token_timeout_s": 120,
                },
            },
            "routes": {
                "gpt-4o": {"deployments": ["cloud"], "fallbacks": ["backup"]},
                "assistant": {"deployments": ["cloud"], "fallbacks": ["local"]},
                "local": {"deployments": ["local"]},
                "cloud-only": {"deployments": ["cloud"]},
            },
        }
        api_iter = start_api(tmp_path_factory.mktemp("gateway"), minilm, llm=llm)
        api = next(api_iter)
        try:
            yield Gateway(api, cloud, backup)
        finally:
            next(api_iter, None)


@pytest.fixture(autouse=True)
def _fresh_scripts(gateway: Gateway) -> Iterator[None]:
    for s in (gateway.cloud, gateway.backup):
        s.replies.clear()
        s.requests.clear()
    yield
    while gateway.clients:
        gateway.clients.pop().close()


MESSAGES = [{"role": "user", "content": "Say hello"}]


def test_a_completion_through_the_sdk_says_who_served_it(gateway: Gateway) -> None:
    raw = gateway.sdk().chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES)
    completion = raw.parse()
    assert completion.choices[0].message.content == "Answer from cloud."
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (120, 3)
    h = raw.headers
    assert (h["x-colonnade-deployment"], h["x-colonnade-path"], h["x-colonnade-attempt"]) == (
        "cloud",
        "managed",
        "1",
    )
    assert float(h["x-colonnade-cost-usd"]) == pytest.approx((120 * 1 + 3 * 2) / 1000)
    assert gateway.cloud.requests[0]["model"] == "gpt-test"  # the deployment's model, not the alias


def test_streaming_through_the_sdk_with_usage_and_a_fallback_before_the_first_token(
    gateway: Gateway,
) -> None:
    gateway.cloud.replies = [503]
    with gateway.sdk().chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    ) as response:
        assert (
            response.headers["x-colonnade-deployment"],
            response.headers["x-colonnade-attempt"],
        ) == ("backup", "2")
        chunks = list(response.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Answer from backup."
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3
    # without include_usage the caller gets no usage chunk, as from OpenAI
    plain = list(
        gateway.sdk().chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    )
    assert all(c.usage is None for c in plain) and plain[-1].choices[0].finish_reason == "stop"


def test_tools_and_response_format_pass_through(gateway: Gateway) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    sdk = gateway.sdk()
    called = sdk.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, tools=tools, tool_choice="auto"
    )
    call = called.choices[0].message.tool_calls[0]
    assert (call.function.name, call.function.arguments, called.choices[0].finish_reason) == (
        "weather",
        '{"city": "Oslo"}',
        "tool_calls",
    )
    assert (
        gateway.cloud.requests[0]["tools"] == tools
        and gateway.cloud.requests[0]["tool_choice"] == "auto"
    )
    streamed = list(
        sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES, tools=tools, stream=True)
    )
    assert any(c.choices and c.choices[0].delta.tool_calls for c in streamed)
    js = sdk.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, response_format={"type": "json_object"}
    )
    assert js.choices[0].message.content == '{"answer": "Answer from cloud."}'


def test_a_stream_cut_mid_way_ends_with_an_error_the_sdk_raises(gateway: Gateway) -> None:
    gateway.cloud.replies = [Fault(text="one two three four five", cut_after=2)]
    stream = gateway.sdk().chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    got: list[str] = []
    with pytest.raises(openai.APIError, match="ended before"):
        for chunk in stream:
            got.append(chunk.choices[0].delta.content or "")
            if chunk.choices[0].finish_reason:
                assert chunk.choices[0].finish_reason == "error"
    assert "".join(got) == "one two "
    assert gateway.backup.requests == []  # text had gone out: no silent switch


def test_every_deployment_down_gives_the_default_response_marked_as_such(gateway: Gateway) -> None:
    gateway.cloud.replies = [500]
    gateway.backup.replies = [500]
    raw = gateway.sdk().chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES)
    assert raw.headers["x-colonnade-deployment"] == "default-response"
    assert raw.headers["x-colonnade-fallback-reason"] == "unavailable"
    assert "cannot answer right now" in raw.parse().choices[0].message.content


def test_errors_come_in_openai_shape(gateway: Gateway) -> None:
    sdk = gateway.sdk()
    with pytest.raises(openai.NotFoundError) as missing:
        sdk.chat.completions.create(model="gpt-5", messages=MESSAGES)
    assert missing.value.code == "model_not_found" and "gpt-4o" in missing.value.message
    with pytest.raises(openai.PermissionDeniedError) as denied:
        gateway.sdk(**{"x-colonnade-classification": "confidential"}).chat.completions.create(
            model="cloud-only", messages=MESSAGES
        )
    assert denied.value.code == "no_allowed_deployment" and "confidential" in denied.value.message
    with pytest.raises(openai.AuthenticationError):
        gateway.sdk("col_wrong").models.list()
    with pytest.raises(openai.BadRequestError) as bad:  # 400, as OpenAI answers
        sdk.chat.completions.create(model="gpt-4o", messages=[])
    assert bad.value.code == "invalid_input" and "messages" in bad.value.message
    r = httpx.post(
        f"{gateway.api.url}/v1/chat/completions",
        content=b"{nope",
        headers={"Authorization": f"Bearer {gateway.api.key}"},
    )
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    assert gateway.cloud.requests == []


def test_models_and_embeddings(gateway: Gateway, minilm: MiniLMEmbedder) -> None:
    sdk = gateway.sdk()
    assert [m.id for m in sdk.models.list()] == [
        "gpt-4o",
        "assistant",
        "local",
        "cloud-only",
        "embeddings",
    ]
    texts = ["annual leave", "password length"]
    got = sdk.embeddings.create(model="embeddings", input=texts)  # the SDK asks for base64
    assert [len(d.embedding) for d in got.data] == [384, 384] and got.usage.prompt_tokens > 0
    expected = minilm.embed_documents(texts)
    assert np.allclose(np.array([d.embedding for d in got.data]), expected, atol=1e-5)
    floats = httpx.post(
        f"{gateway.api.url}/v1/embeddings",
        json={"model": "embeddings", "input": "annual leave", "encoding_format": "base64"},
        headers={"Authorization": f"Bearer {gateway.api.key}"},
    ).json()
    vector = np.frombuffer(base64.b64decode(floats["data"][0]["embedding"]), dtype="<f4")
    assert np.allclose(vector, expected[0], atol=1e-5)


def test_the_self_hosted_path_is_llama_cpp_over_http(gateway: Gateway) -> None:
    sdk = gateway.sdk()
    raw = sdk.chat.completions.with_raw_response.create(
        model="local",
        messages=[{"role": "user", "content": "What is 2+2? Answer briefly."}],
        max_tokens=16,
    )
    done = raw.parse()
    assert (raw.headers["x-colonnade-deployment"], raw.headers["x-colonnade-path"]) == (
        "local",
        "self_hosted",
    )
    assert done.choices[0].message.content and done.usage.completion_tokens > 0
    chunks = list(
        sdk.chat.completions.create(
            model="local",
            messages=MESSAGES,
            max_tokens=8,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens > 0


def test_confidential_data_goes_to_llama_cpp_never_to_the_managed_path(gateway: Gateway) -> None:
    confidential = gateway.sdk(**{"x-colonnade-classification": "confidential"})
    raw = confidential.chat.completions.with_raw_response.create(
        model="assistant", messages=MESSAGES, max_tokens=8
    )
    assert (raw.headers["x-colonnade-deployment"], raw.headers["x-colonnade-path"]) == (
        "local",
        "self_hosted",
    )
    assert gateway.cloud.requests == []
    internal = gateway.sdk().chat.completions.with_raw_response.create(
        model="assistant", messages=MESSAGES
    )
    assert internal.headers["x-colonnade-deployment"] == "cloud"


def test_admin_shows_breakers_usage_and_metrics(gateway: Gateway) -> None:
    sdk = gateway.sdk()
    sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    with gateway.api.client() as c:
        state = c.get("/v1/admin/llm").json()
        by_name = {d["name"]: d for d in state["deployments"]}
        assert by_name["cloud"]["breaker"]["state"] == "closed" and by_name["cloud"]["calls"] >= 1
        usage = c.get("/v1/admin/llm/usage").json()["usage"]
        assert any(
            u["deployment"] == "cloud" and u["calls"] >= 1 and u["prompt_tokens"] >= 120
            for u in usage
        )
        metrics = c.get("/metrics").text
        assert (
            'colonnade_llm_calls_total{deployment="cloud",outcome="ok",path="managed"}' in metrics
        )
        assert 'colonnade_llm_breaker_state{deployment="cloud"} 0.0' in metrics


def test_a_deterministic_completion_is_answered_once_then_from_the_cache(gateway: Gateway) -> None:
    sdk = gateway.sdk()
    messages = [{"role": "user", "content": "Say hello from the cache"}]
    first = sdk.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=messages, temperature=0
    )
    again = sdk.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=messages, temperature=0
    )
    assert first.headers["x-colonnade-cache"] == "miss"
    assert again.headers["x-colonnade-cache"] == "hit"
    assert again.headers["x-colonnade-deployment"] == "cloud"
    assert again.parse().choices[0].message.content == first.parse().choices[0].message.content
    assert len(gateway.cloud.requests) == 1
    warm = sdk.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=messages, temperature=0.7
    )
    assert "x-colonnade-cache" not in warm.headers  # not deterministic: never cached
    assert len(gateway.cloud.requests) == 2


def test_a_stream_with_every_deployment_down_streams_the_default_response(
    gateway: Gateway,
) -> None:
    gateway.cloud.replies = [500]
    gateway.backup.replies = [500]
    raw = gateway.sdk().chat.completions.with_raw_response.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    )
    assert raw.headers["x-colonnade-deployment"] == "default-response"
    chunks = list(raw.parse())
    assert "cannot answer right now" in "".join(c.choices[0].delta.content or "" for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
