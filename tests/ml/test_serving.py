"""POST /v1/predictions on the real app: inline and online features, bad input, canary, shadow,
the fallback chain with its breaker, and blue-green swaps on promotion."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from colonnade.api.app import create_app
from colonnade.mlplatform.registry import Registry
from colonnade.mlplatform.tracking import Tracking
from tests.ml.conftest import APPROVER, ml_settings

ROW = {
    "contract": "month-to-month",
    "payment_method": "electronic-check",
    "tenure_months": 3.0,
    "monthly_charges": 99.5,
    "support_tickets": 4,
    "usage_gb": 20.0,
}
LOYAL = {
    **ROW,
    "contract": "two-year",
    "payment_method": "card",
    "tenure_months": 60.0,
    "support_tickets": 0,
    "usage_gb": 300.0,
}


def client_for(data_dir: Path, **ml: Any) -> TestClient:
    settings = ml_settings(data_dir, **ml)
    settings.security.limits.enabled = False  # these tests send hundreds of requests
    return TestClient(create_app(settings), headers={"Authorization": f"Bearer {_key(data_dir)}"})


def _key(data_dir: Path) -> str:
    from colonnade.identity import LocalKeyAuthenticator

    return LocalKeyAuthenticator(data_dir, None).key


@pytest.fixture
def api(ml_dir: Path) -> Iterator[TestClient]:
    with client_for(ml_dir) as c:
        yield c


def service(c: TestClient) -> Any:
    return c.app.state.container.predictions  # type: ignore[attr-defined]


def test_single_and_batch_predictions_answer_with_version_step_and_latency(api: TestClient) -> None:
    r = api.post("/v1/predictions", json={"model": "churn", "features": ROW})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model_version"] == "1" and body["step"] == "champion"
    assert 0.0 <= body["probability"] <= 1.0 and body["latency_ms"] > 0
    many = api.post("/v1/predictions", json={"model": "churn", "rows": [ROW, LOYAL]}).json()
    risky, loyal = (p["probability"] for p in many["predictions"])
    assert risky == pytest.approx(body["probability"], abs=1e-6)
    assert risky > loyal  # the signal the data was generated with
    models = api.get("/v1/predictions/models").json()["data"]
    churn = next(m for m in models if m["model"] == "churn")
    assert churn["champion"]["version"] == "1" and churn["champion"]["runtime"] == "onnx"
    assert churn["fallback"] == ["model churn-baseline", "rules", "default"]
    assert churn["stats"]["1"]["rows"] == 3
    assert churn["champion"]["lineage"]["data_hash"]


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [
        (
            {"model": "churn", "features": {k: v for k, v in ROW.items() if k != "usage_gb"}},
            422,
            "features.usage_gb",
            "missing",
        ),
        (
            {"model": "churn", "features": {**ROW, "shoe_size": 9}},
            422,
            "features.shoe_size",
            "not a feature",
        ),
        (
            {"model": "churn", "features": {**ROW, "tenure_months": "three"}},
            422,
            "features.tenure_months",
            "expected a number",
        ),
        (
            {"model": "churn", "features": {**ROW, "support_tickets": 1.5}},
            422,
            "features.support_tickets",
            "expected an integer",
        ),
        (
            {"model": "churn", "features": {**ROW, "contract": 2}},
            422,
            "features.contract",
            "expected a string",
        ),
        (
            {"model": "churn", "rows": [ROW, {**ROW, "usage_gb": None}]},
            422,
            "rows[1].usage_gb",
            "missing",
        ),
        ({"model": "nope", "features": ROW}, 404, "model", "no served model 'nope'"),
        ({"model": "churn", "features": ROW, "entity_id": 3}, 422, "body", "exactly one of"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    api: TestClient, body: dict[str, Any], status: int, field: str, words: str
) -> None:
    r = api.post("/v1/predictions", json=body)
    assert r.status_code == status, r.text
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert words in problem["detail"]
    assert any(e["field"] == field for e in problem["errors"]), problem


def test_nan_and_infinity_are_refused(api: TestClient) -> None:
    for token in ("NaN", "Infinity", "-Infinity"):
        raw = (
            '{"model": "churn", "features": {"contract": "one-year", "payment_method": "card", '
            f'"tenure_months": {token}, "monthly_charges": 1, "support_tickets": 1, "usage_gb": 1}}}}'
        )
        r = api.post("/v1/predictions", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422, r.text
        assert "finite" in r.json()["detail"]


def test_features_from_the_online_store_by_entity_id(api: TestClient, ml_dir: Path) -> None:
    from datetime import UTC, datetime

    from colonnade.mlplatform.features import FeatureRepository

    FeatureRepository(ml_dir / "features").materialize(
        datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    )
    one = api.post("/v1/predictions", json={"model": "churn", "entity_id": 5})
    assert one.status_code == 200, one.text
    both = api.post("/v1/predictions", json={"model": "churn", "entity_ids": [5, 6]}).json()
    assert both["predictions"][0]["probability"] == pytest.approx(one.json()["probability"])
    missing = api.post("/v1/predictions", json={"model": "churn", "entity_id": 999999})
    assert missing.status_code == 404 and "customer_id 999999" in missing.json()["detail"]


def _registry(data_dir: Path) -> Registry:
    return Registry(Tracking.from_settings(ml_settings(data_dir)))


def test_canary_sends_its_share_to_the_challenger(ml_dir: Path) -> None:
    _registry(ml_dir).promote("churn", "2", "challenger", APPROVER)
    with client_for(ml_dir, models={"churn": {"canary_weight": 0.3}}) as c:
        steps = [
            c.post("/v1/predictions", json={"model": "churn", "features": ROW}).json()
            for _ in range(200)
        ]
    to_challenger = sum(s["step"] == "challenger" for s in steps)
    assert 30 <= to_challenger <= 90  # 30% of 200, with room for chance
    assert {s["model_version"] for s in steps if s["step"] == "challenger"} == {"2"}
    assert {s["model_version"] for s in steps if s["step"] == "champion"} == {"1"}
    # sticky: one customer meets one version, however often it asks
    with client_for(ml_dir, models={"churn": {"canary_weight": 0.5}}) as c:
        for customer in ("c-1", "c-2", "c-3", "c-4"):
            seen = {
                c.post(
                    "/v1/predictions",
                    json={"model": "churn", "features": ROW},
                    headers={"X-Colonnade-Sticky": customer},
                ).json()["step"]
                for _ in range(10)
            }
            assert len(seen) == 1, (customer, seen)


def test_shadow_scores_both_and_answers_with_the_champion(ml_dir: Path) -> None:
    _registry(ml_dir).promote("churn", "2", "challenger", APPROVER)
    with client_for(ml_dir, models={"churn": {"shadow": True}}) as c:
        for _ in range(20):
            r = c.post("/v1/predictions", json={"model": "churn", "rows": [ROW, LOYAL]}).json()
            assert (r["step"], r["model_version"]) == ("champion", "1")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            stats = c.get("/v1/predictions/models").json()["data"][0]["stats"]
            if stats.get("2", {}).get("shadow_rows") == 40:
                break
            time.sleep(0.05)
        assert stats["1"]["rows"] == 40 and stats["2"]["shadow_rows"] == 40
        assert 0.0 <= stats["2"]["shadow_agreement"] <= 1.0
        metrics = c.get("/metrics").text
        assert "colonnade_ml_shadow_rows_total{agreed=" in metrics


class Broken(Exception):
    pass


def _break(served: Any) -> None:
    """Inject a fault: the model's inference raises (what a corrupt session would do)."""

    def fail(x: np.ndarray) -> np.ndarray:
        raise Broken("inference failed")

    served.batcher.score = fail


def test_fallback_chain_and_breaker(ml_dir: Path) -> None:
    with client_for(ml_dir, breaker={"min_calls": 3, "failure_rate": 0.5, "cooldown_s": 60}) as c:
        svc = service(c)
        _break(svc.slots["churn"].champion)
        first = c.post("/v1/predictions", json={"model": "churn", "features": ROW}).json()
        assert (first["step"], first["model_version"]) == ("fallback", "1")  # churn-baseline v1
        for _ in range(5):
            c.post("/v1/predictions", json={"model": "churn", "features": ROW})
        champion = svc.slots["churn"].champion
        assert champion.breaker.state.value == "open"
        calls_before = champion.batcher.batches
        c.post("/v1/predictions", json={"model": "churn", "features": ROW})
        assert champion.batcher.batches == calls_before  # the open breaker is not hammered
        _break(svc.slots["churn-baseline"].champion)
        ruled = c.post("/v1/predictions", json={"model": "churn", "features": ROW}).json()
        assert ruled["step"] == "rules" and ruled["model_version"] is None
        # 0.05 + month-to-month 0.25 + tenure < 6 0.15 + tickets > 2 0.2 + e-check 0.1
        assert ruled["probability"] == pytest.approx(0.75)
        svc.slots["churn"].champion.spec.rules.rules = []
        svc.slots["churn"].champion.spec.rules.base = 0.0
        default = c.post("/v1/predictions", json={"model": "churn", "features": ROW}).json()
        assert default["step"] == "default" and default["probability"] is None
        metrics = c.get("/metrics").text
        assert 'colonnade_ml_breaker_open{model="churn",version="1"} 1.0' in metrics


def test_a_slow_model_times_out_to_the_fallback(ml_dir: Path) -> None:
    # scored on its thread (inline_rows 0), where a timeout can leave it behind
    with client_for(ml_dir, models={"churn": {"timeout_ms": 50}}, inline_rows=0) as c:
        champion = service(c).slots["churn"].champion
        fast = champion.batcher.score

        def slow(x: np.ndarray) -> np.ndarray:
            time.sleep(0.3)
            return fast(x)

        champion.batcher.score = slow
        r = c.post("/v1/predictions", json={"model": "churn", "features": ROW}).json()
        assert r["step"] == "fallback"


def test_promotion_swaps_versions_without_failed_requests(ml_dir: Path) -> None:
    with client_for(ml_dir) as c:
        seen: list[tuple[int, str | None]] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                r = c.post("/v1/predictions", json={"model": "churn", "features": ROW})
                seen.append((r.status_code, r.json().get("model_version")))

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        promoted = c.post("/v1/admin/models/churn/versions/2/promote", json={"alias": "champion"})
        assert promoted.status_code == 200, promoted.text
        time.sleep(0.5)
        back = c.post("/v1/admin/models/churn/rollback")
        assert back.status_code == 200 and back.json()["version"] == "1"
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
    statuses = {s for s, _ in seen}
    versions = [v for _, v in seen]
    assert statuses == {200}, statuses
    assert "2" in versions and versions[-1] == "1"
    assert versions.index("2") < len(versions) - 1


def test_only_approvers_promote_and_readers_may_predict(ml_dir: Path) -> None:
    from colonnade.container import Container

    c0 = Container(ml_settings(ml_dir))
    _, reader = c0.api_keys.create("r", tenant="default", roles=("reader",), created_by="t")
    c0.close()
    with client_for(ml_dir) as c:
        auth = {"Authorization": f"Bearer {reader}"}
        ok = c.post("/v1/predictions", json={"model": "churn", "features": ROW}, headers=auth)
        assert ok.status_code == 200
        denied = c.post(
            "/v1/admin/models/churn/versions/2/promote", json={"alias": "champion"}, headers=auth
        )
        assert denied.status_code == 403 and "approve_models" in denied.json()["detail"]
        anonymous = c.post(
            "/v1/predictions",
            json={"model": "churn", "features": ROW},
            headers={"Authorization": ""},
        )
        assert anonymous.status_code == 401


def test_drift_runs_on_a_schedule_into_metrics_and_on_demand(ml_dir: Path) -> None:
    with client_for(ml_dir, drift_interval_s=0.3, drift_min_rows=50) as c:
        shifted = [
            {**LOYAL, "monthly_charges": 400.0 + i, "contract": "month-to-month"} for i in range(80)
        ]
        r = c.post("/v1/predictions", json={"model": "churn", "rows": shifted})
        assert r.status_code == 200
        deadline = time.monotonic() + 20
        metrics = ""
        while time.monotonic() < deadline:
            metrics = c.get("/metrics").text
            if (
                'colonnade_ml_feature_drifted{feature="monthly_charges",model="churn"} 1.0'
                in metrics
            ):
                break
            time.sleep(0.1)
        assert (
            'colonnade_ml_feature_drifted{feature="monthly_charges",model="churn"} 1.0' in metrics
        )
        report = c.get("/v1/predictions/models/churn/drift").json()
        assert {"monthly_charges", "contract"} <= set(report["drifted"])
        assert report["current_rows"] == 80
        assert c.get("/v1/predictions/models").json()["data"][0]["drifted"]
        none = c.get("/v1/predictions/models/churn-baseline/drift")
        assert none.status_code == 404 and "no logged predictions" in none.json()["detail"]


def test_a_prediction_is_a_span_in_the_requests_trace(ml_dir: Path) -> None:
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    settings = ml_settings(ml_dir)
    settings.security.limits.enabled = False
    settings.tracing.enabled = True
    exporter = InMemorySpanExporter()
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {_key(ml_dir)}"}) as c:
        provider = c.app.state.container.tracer_provider  # type: ignore[attr-defined]
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        assert (
            c.post("/v1/predictions", json={"model": "churn", "features": ROW}).status_code == 200
        )
    spans = {s.name: s for s in exporter.get_finished_spans()}
    predict, server = spans["predict churn"], spans["POST /v1/predictions"]
    attributes = dict(predict.attributes or {})
    assert (attributes["colonnade.ml.step"], attributes["colonnade.ml.version"]) == (
        "champion",
        "1",
    )
    assert predict.context.trace_id == server.context.trace_id
    assert predict.parent is not None and predict.parent.span_id == server.context.span_id
