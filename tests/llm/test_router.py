"""The router over real HTTP: one scripted upstream per deployment, one scenario per fallback trigger."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest

from colonnade.api.llm_schemas import Shadows
from colonnade.errors import LLMError, ModelNotFound, PolicyViolation
from colonnade.llm.ports import ChatRequest, Completion
from colonnade.llm.router import Router
from tests.llm.conftest import Upstreams, make_router, managed, run, self_hosted
from tests.llm.fake_openai import Fault


def ask(model: str = "chat", **kw: Any) -> ChatRequest:
    return ChatRequest(
        {"messages": [{"role": "user", "content": "Hello there"}]}, model=model, **kw
    )


def complete(router: Router, request: ChatRequest | None = None) -> Completion:
    return run(router, lambda: router.complete(request or ask()))


def stream_text(router: Router, request: ChatRequest | None = None) -> tuple[str, Any]:
    async def go() -> tuple[str, Any]:
        s = await router.open_stream(request or ask())
        return await s.text(), s

    return run(router, go)


def two_deployments(up: Upstreams, tmp_path: Path, **primary: Any) -> Router:
    return make_router(
        tmp_path,
        deployments={
            "primary": managed(up.url("primary"), **primary),
            "backup": managed(up.url("backup")),
        },
        routes={"chat": {"deployments": ["primary"], "fallbacks": ["backup"]}},
    )


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault(status=500), "server"),
        (Fault(status=503), "server"),
        (Fault(status=429), "rate_limited"),
        (Fault(status=400, code="content_filter"), "content_filter"),
        (Fault(finish="content_filter", text="partial"), "content_filter"),
    ],
)
def test_each_failure_falls_back_to_the_next_deployment(
    upstreams: Upstreams, tmp_path: Path, fault: Fault, kind: str
) -> None:
    router = two_deployments(upstreams, tmp_path)
    upstreams["primary"].replies = [fault]
    result = complete(router)
    assert result.text == "Answer from backup."
    assert (result.served.deployment, result.served.attempt, result.served.path) == (
        "backup",
        2,
        "managed",
    )
    calls = router.ledger.calls() if router.ledger else []
    assert [(c["deployment"], c["outcome"]) for c in reversed(calls)] == [
        ("primary", kind),
        ("backup", "ok"),
    ]


def test_a_silent_upstream_times_out_at_the_first_token_and_falls_back(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path, first_token_timeout_s=0.3)
    upstreams["primary"].replies = [Fault(delay_s=5)]
    text, s = stream_text(router)
    assert (text, s.served.deployment) == ("Answer from backup.", "backup")
    assert (
        router.deployments["primary"].last_error
        and "first token" in router.deployments["primary"].last_error
    )


def test_a_whole_completion_past_its_total_timeout_falls_back(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path, total_timeout_s=0.3)
    upstreams["primary"].replies = [Fault(delay_s=5)]
    assert complete(router).served.deployment == "backup"
    assert router.deployments["primary"].failures == 1


def test_a_connection_error_falls_back(upstreams: Upstreams, tmp_path: Path) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "gone": managed(upstreams.dead_url()),
            "backup": managed(upstreams.url("backup")),
        },
        routes={"chat": {"deployments": ["gone"], "fallbacks": ["backup"]}},
    )
    assert complete(router).served.deployment == "backup"
    assert "cannot reach" in (router.deployments["gone"].last_error or "")


def test_429_is_retried_after_its_retry_after_on_the_same_deployment(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path, max_retries=2)
    upstreams["primary"].replies = [Fault(status=429, retry_after=0.05), Fault(status=503)]
    result = complete(router)
    assert result.served.deployment == "primary" and len(upstreams["primary"].requests) == 3
    assert upstreams.scripts.get("backup") is None or not upstreams["backup"].requests


def test_a_retry_after_beyond_the_deadline_falls_back_at_once(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    import time

    router = two_deployments(upstreams, tmp_path, max_retries=3)
    upstreams["primary"].replies = [Fault(status=429, retry_after=600)]
    result = complete(router, ask(deadline=time.monotonic() + 30))
    assert result.served.deployment == "backup" and len(upstreams["primary"].requests) == 1


def test_context_length_goes_to_a_larger_window_only(upstreams: Upstreams, tmp_path: Path) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "small": managed(upstreams.url("small"), context_window=4096),
            "same": managed(upstreams.url("same"), context_window=4096),
            "large": managed(upstreams.url("large"), context_window=128_000),
        },
        routes={"chat": {"deployments": ["small"], "fallbacks": ["same", "large"]}},
    )
    upstreams["small"].replies = [Fault(status=400, code="context_length_exceeded")]
    result = complete(router)
    assert result.served.deployment == "large"
    assert not upstreams["same"].requests  # no bigger than the one that overflowed


def test_context_length_with_no_larger_window_is_a_clear_400(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path)
    upstreams["primary"].replies = [Fault(status=400, code="context_length_exceeded")]
    with pytest.raises(LLMError) as info:
        complete(router)
    assert info.value.kind == "context_length" and info.value.status_code == 400
    assert "context_window" in info.value.message


def test_a_bad_request_is_the_callers_and_does_not_fall_back(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path)
    upstreams["primary"].replies = [Fault(status=400, code="invalid_value")]
    with pytest.raises(LLMError) as info:
        complete(router)
    assert info.value.kind == "bad_request" and not upstreams["backup"].requests


def test_a_stream_cut_after_the_first_token_fails_and_does_not_fall_back(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path)
    upstreams["primary"].replies = [Fault(text="one two three four", cut_after=2)]

    async def go() -> list[str]:
        s = await router.open_stream(ask())
        got: list[str] = []
        with pytest.raises(LLMError) as info:
            async for chunk in s:
                got += [c["delta"].get("content") or "" for c in chunk["choices"]]
        assert info.value.kind == "truncated"
        return got

    assert "".join(run(router, go)) == "one two "
    assert not upstreams["backup"].requests


def test_every_deployment_failing_is_unavailable(upstreams: Upstreams, tmp_path: Path) -> None:
    router = two_deployments(upstreams, tmp_path)
    upstreams["primary"].replies = [500]
    upstreams["backup"].replies = [502]
    with pytest.raises(LLMError) as info:
        complete(router)
    assert info.value.kind == "unavailable" and info.value.status_code == 503
    assert "502" in info.value.message


def test_usage_and_cost_come_from_the_catalog_streaming_included(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "p": managed(upstreams.url("p"), cost_input_per_1k=0.5, cost_output_per_1k=1.5)
        },
        routes={"chat": {"deployments": ["p"]}},
    )
    upstreams["p"].replies = ["four words right here", "four words right here"]
    whole = complete(router)
    assert (whole.usage.prompt_tokens, whole.usage.completion_tokens) == (120, 4)
    assert whole.usage.cost_usd == pytest.approx((120 * 0.5 + 4 * 1.5) / 1000)
    _, s = stream_text(router)
    assert (s.usage.prompt_tokens, s.usage.completion_tokens, s.usage.estimated) == (120, 4, False)
    upstreams["p"].usage = False
    _, counted = stream_text(router)
    assert counted.usage.estimated and counted.usage.completion_tokens > 0
    summary = router.ledger.summary() if router.ledger else []
    assert summary[0]["calls"] == 3 and summary[0]["completion_tokens"] >= 8


def test_confidential_requests_never_reach_a_managed_deployment(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "cloud": managed(upstreams.url("cloud")),
            "onprem": self_hosted(upstreams.url("onprem")),
        },
        routes={"chat": {"deployments": ["cloud"], "fallbacks": ["onprem"]}},
    )
    upstreams["onprem"].replies = ["from onprem", 500]
    assert complete(router, ask(classification="confidential")).served.path == "self_hosted"
    with pytest.raises(LLMError):  # the self-hosted one fails: an error, not the managed one
        complete(router, ask(classification="confidential"))
    assert upstreams["cloud"].requests == []
    assert complete(router, ask(classification="internal")).served.deployment == "cloud"


def test_no_allowed_deployment_is_a_clear_policy_error(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = two_deployments(upstreams, tmp_path)
    with pytest.raises(PolicyViolation) as info:
        complete(router, ask(classification="confidential"))
    assert "confidential" in info.value.message and "max_classification" in info.value.message
    assert upstreams["primary"].requests == [] and upstreams["backup"].requests == []


class KeywordClassifier:
    def classify(self, request: ChatRequest) -> str | None:
        text = str(request.body["messages"])
        return "confidential" if "salary" in text else None


def test_a_classifier_raises_the_classification(upstreams: Upstreams, tmp_path: Path) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "cloud": managed(upstreams.url("cloud")),
            "onprem": self_hosted(upstreams.url("onprem")),
        },
        routes={"chat": {"deployments": ["cloud", "onprem"]}},
    )
    router.classifiers.append(KeywordClassifier())  # type: ignore[arg-type]
    request = ChatRequest(
        {"messages": [{"role": "user", "content": "my salary is 90k"}]}, model="chat"
    )
    assert complete(router, request).served.deployment == "onprem"
    assert request.classification == "confidential"


def test_tenant_policy_limits_routes_and_paths(upstreams: Upstreams, tmp_path: Path) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "cloud": managed(upstreams.url("cloud")),
            "onprem": self_hosted(upstreams.url("onprem")),
        },
        routes={"chat": {"deployments": ["cloud", "onprem"]}, "other": {"deployments": ["cloud"]}},
        tenants={"acme": {"routes": ["chat"], "paths": ["self_hosted"]}},
    )
    assert router.aliases("acme") == ["chat"] and router.aliases("beta") == ["chat", "other"]
    for _ in range(5):
        assert complete(router, ask(tenant="acme")).served.deployment == "onprem"
    with pytest.raises(ModelNotFound):
        complete(router, ask("other", tenant="acme"))


def test_unknown_alias_lists_the_known_ones(upstreams: Upstreams, tmp_path: Path) -> None:
    router = two_deployments(upstreams, tmp_path)
    with pytest.raises(ModelNotFound, match="chat"):
        complete(router, ask("gpt-5"))


def test_canary_weights_split_traffic_and_stick_per_conversation(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "v1": managed(upstreams.url("v1"), weight=90),
            "v2": managed(upstreams.url("v2"), weight=10),
        },
        routes={"chat": {"deployments": ["v1", "v2"]}},
    )
    n = 2000
    picks = collections.Counter(router.plan(ask())[1][0].name for _ in range(n))
    assert abs(picks["v2"] / n - 0.10) < 0.03  # binomial sd is 0.0067
    sticky = collections.Counter(
        router.plan(ask(sticky_key=f"conv-{i}"))[1][0].name for i in range(n)
    )
    assert abs(sticky["v2"] / n - 0.10) < 0.03
    for i in range(50):
        first = router.plan(ask(sticky_key=f"c{i}"))[1][0].name
        assert all(router.plan(ask(sticky_key=f"c{i}"))[1][0].name == first for _ in range(5))
    # and over real calls, the served deployment is the planned one
    served = collections.Counter(
        complete(router, ask(sticky_key=f"conv-{i}")).served.deployment for i in range(40)
    )
    planned = collections.Counter(
        router.plan(ask(sticky_key=f"conv-{i}"))[1][0].name for i in range(40)
    )
    assert served == planned


def test_least_in_flight_and_lowest_latency_order_the_pool(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    deployments = {"a": managed(upstreams.url("a")), "b": managed(upstreams.url("b"))}
    busy = make_router(
        tmp_path,
        deployments=deployments,
        routes={"chat": {"deployments": ["a", "b"], "strategy": "least_in_flight"}},
    )
    busy.deployments["a"].in_flight = 3
    assert {busy.plan(ask())[1][0].name for _ in range(20)} == {"b"}
    fast = make_router(
        tmp_path,
        deployments=deployments,
        routes={"chat": {"deployments": ["a", "b"], "strategy": "lowest_latency"}},
    )
    fast.deployments["a"].observe(200.0)
    fast.deployments["b"].observe(20.0)
    assert [d.name for d in fast.plan(ask())[1]] == ["b", "a"]


def test_shadow_traffic_gets_a_copy_and_both_answers_are_recorded(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = make_router(
        tmp_path,
        deployments={
            "prod": managed(upstreams.url("prod")),
            "cand": managed(upstreams.url("cand")),
        },
        routes={"chat": {"deployments": ["prod"], "shadow": "cand"}},
    )

    async def go() -> Completion:
        result = await router.complete(ask(request_id="r-1"))
        await router.drain()
        s = await router.open_stream(ask(request_id="r-2"))
        await s.text()
        await router.drain()
        return result

    assert run(router, go).text == "Answer from prod."
    assert len(upstreams["cand"].requests) == 2
    shadows = router.ledger.shadows() if router.ledger else []
    Shadows.model_validate({"shadows": shadows})  # what GET /v1/admin/llm/shadows answers
    assert {(s["request_id"], s["primary_text"], s["candidate_text"]) for s in shadows} == {
        ("r-1", "Answer from prod.", "Answer from cand."),
        ("r-2", "Answer from prod.", "Answer from cand."),
    }
    calls = router.ledger.summary() if router.ledger else []
    assert [c["deployment"] for c in calls] == ["prod"]  # shadow calls are kept apart


def test_a_failed_call_logs_its_deployment_kind_and_request_id_as_json(
    upstreams: Upstreams, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import structlog

    from colonnade.observability import configure_logging

    configure_logging("INFO", json=True)
    router = two_deployments(upstreams, tmp_path)
    upstreams["primary"].replies = [500]
    with structlog.contextvars.bound_contextvars(request_id="req-router-7"):
        assert complete(router).served.deployment == "backup"
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    [failed] = [x for x in lines if x["event"] == "llm_call_failed"]
    assert (failed["deployment"], failed["kind"], failed["route"]) == ("primary", "server", "chat")
    assert failed["request_id"] == "req-router-7" and failed["level"] == "warning"


def test_served_as_a_dict_is_dataclasses_asdict() -> None:
    import dataclasses

    from colonnade.llm.ports import Served

    served = Served("d", "managed", 2, "m", "r", "miss", "timeout")
    assert served.as_dict() == dataclasses.asdict(served)
    assert Served(**served.as_dict()) == served  # what the completion cache stores and reads
