"""Policies over every profile's rendered objects; each is also shown failing on a broken copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from colonnade.api.metrics import HttpMetrics
from colonnade.llm.accounting import LLMMetrics
from tests.deploy import policies
from tests.deploy.manifests import PROFILES, find, pods, render

GPU_POOL = ("agentpool", "gpu")
API = {
    "app.kubernetes.io/name": "colonnade",
    "app.kubernetes.io/instance": "colonnade",
    "app.kubernetes.io/component": "api",
}

Objects = list[dict[str, Any]]
CHECKS: dict[str, Callable[[Objects], list[str]]] = {
    "hygiene": policies.container_hygiene,
    "gpu": lambda o: policies.gpu_isolation(o, GPU_POOL),
    "network": lambda o: policies.network_isolation(o, API),
    "secrets": policies.no_secret_values,
    "scaling": policies.no_double_scaling,
    "images": policies.image_pins,
}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("check", CHECKS)
def test_policy_holds(profile: str, check: str) -> None:
    assert CHECKS[check](render(profile)) == []


def _container(objects: Objects, owner: str) -> dict[str, Any]:
    return next(p for p in pods(objects) if p.owner.startswith(owner)).containers[0]


def _pod(objects: Objects, owner: str) -> dict[str, Any]:
    return next(p for p in pods(objects) if p.owner.startswith(owner)).spec


def _no_probe(o: Objects) -> None:
    del _container(o, "Deployment/colonnade-worker-ingest")["readinessProbe"]


def _writable_root(o: Objects) -> None:
    _container(o, "InferenceService/")["securityContext"]["readOnlyRootFilesystem"] = False


def _no_limits(o: Objects) -> None:
    del _container(o, "Job/")["resources"]["limits"]


def _api_token(o: Objects) -> None:
    _pod(o, "Rollout/")["automountServiceAccountToken"] = True


def _api_tolerates_gpu(o: Objects) -> None:
    _pod(o, "Rollout/").setdefault("tolerations", []).append(
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
    )


def _tolerate_everything(o: Objects) -> None:
    _pod(o, "Job/")["tolerations"].append({"operator": "Exists"})


def _gpu_without_toleration(o: Objects) -> None:
    _pod(o, "InferenceService/")["tolerations"] = []


def _no_default_deny(o: Objects) -> None:
    o.remove(find(o, "NetworkPolicy", "-default-deny"))


def _inference_from_namespace(o: Objects) -> None:
    rule = find(o, "NetworkPolicy", "-inference")["spec"]["ingress"][0]
    rule["from"].append({"namespaceSelector": {}})


def _inference_from_any_pod(o: Objects) -> None:
    rule = find(o, "NetworkPolicy", "-inference")["spec"]["ingress"][0]
    del rule["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]


def _unselected_pod(o: Objects) -> None:
    worker = find(o, "Deployment", "worker-ingest")
    worker["spec"]["template"]["metadata"]["labels"] = {"app.kubernetes.io/component": "new"}


def _literal_secret(o: Objects) -> None:
    o.append(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {"k": "dg=="}}
    )


def _env_secret(o: Objects) -> None:
    _container(o, "Rollout/")["env"].append({"name": "COLONNADE_LLM__API_KEY", "value": "sk-123"})


def _url_with_password(o: Objects) -> None:
    _container(o, "Rollout/")["env"].append(
        {"name": "COLONNADE_ML__TRACKING_URI", "value": "postgresql://u:hunter2@db/x"}
    )


def _double_scaled(o: Objects) -> None:
    so = find(o, "ScaledObject", "worker-ingest")
    o.append(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "x"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", **so["spec"]["scaleTargetRef"]}},
        }
    )


def _latest_image(o: Objects) -> None:
    _container(o, "CronJob/")["image"] = "colonnade.azurecr.io/colonnade:latest"


def _untagged_runtime(o: Objects) -> None:
    find(o, "ServingRuntime")["spec"]["containers"][0]["image"] = "vllm/vllm-openai"


BREAKS = [
    ("hygiene", _no_probe, "no readinessProbe"),
    ("hygiene", _writable_root, "root filesystem is writable"),
    ("hygiene", _no_limits, "limits need cpu and memory"),
    ("hygiene", _api_token, "Rollout/colonnade-api: mounts a Kubernetes API token"),
    ("gpu", _api_tolerates_gpu, "Rollout/colonnade-api: tolerates the GPU taint"),
    ("gpu", _tolerate_everything, "Job/colonnade-train-churn: tolerates the GPU taint"),
    ("gpu", _gpu_without_toleration, "cannot schedule on GPU nodes"),
    ("network", _no_default_deny, "no default-deny"),
    ("network", _inference_from_namespace, "not only the orchestration identity"),
    ("network", _inference_from_any_pod, "any pod of the release"),
    ("network", _unselected_pod, "Deployment/colonnade-worker-ingest: no NetworkPolicy"),
    ("secrets", _literal_secret, "Secret/x: carries literal data"),
    ("secrets", _env_secret, "env COLONNADE_LLM__API_KEY holds a value"),
    ("secrets", _url_with_password, "env COLONNADE_ML__TRACKING_URI holds a value"),
    ("scaling", _double_scaled, "targeted by an HPA and a ScaledObject"),
    ("images", _latest_image, "is not pinned"),
    ("images", _untagged_runtime, "vllm/vllm-openai is not pinned"),
]


@pytest.mark.parametrize(("check", "br", "words"), BREAKS, ids=[b[1].__name__[1:] for b in BREAKS])
def test_policy_fails_on_a_broken_copy(
    check: str, br: Callable[[Objects], None], words: str
) -> None:
    objects = render("aks")
    br(objects)
    found = CHECKS[check](objects)
    assert any(words in f for f in found), found


def exported() -> set[str]:
    """Every series name Colonnade's own metric registries expose."""
    from colonnade.mlplatform.serving import MLMetrics

    registry = CollectorRegistry()
    LLMMetrics(registry)
    MLMetrics(registry)
    HttpMetrics(registry)
    names = set()
    for family in registry.collect():
        suffixes = {
            "counter": ("_total", "_created"),
            "histogram": ("_bucket", "_count", "_sum", "_created"),
        }.get(family.type, ("",))
        names |= {family.name + s for s in suffixes}
    return names


@pytest.fixture(scope="module")
def stream_metrics(redis_url: str) -> set[str]:
    """The stream worker's metrics, from a real worker on Redis (it exports depth and writes)."""
    import redis

    from colonnade.mlplatform.streaming import StreamWorker

    worker = StreamWorker(
        redis.Redis.from_url(redis_url),
        None,
        input_stream="s-in",
        output_stream="s-out",
        group="g",
        consumer="c",  # type: ignore[arg-type]
    )
    return {s.name for f in worker.metrics.collect() for s in f.samples} | {
        f.name for f in worker.metrics.collect()
    }


def test_rollout_analysis_uses_metrics_scraped_and_exported(stream_metrics: set[str]) -> None:
    objects = render("aks")
    names = exported() | stream_metrics
    template = find(objects, "AnalysisTemplate")
    queries = [m["provider"]["prometheus"]["query"] for m in template["spec"]["metrics"]]
    used = set().union(*(policies.metric_names(q) for q in queries))
    assert used and used <= names, used - names
    # the canary's series are told apart by the label the ServiceMonitor keeps
    assert all('rollouts_pod_template_hash="{{args.canary-hash}}"' in q for q in queries)
    monitor = find(objects, "ServiceMonitor", "-api")
    kept = {
        r["targetLabel"] for e in monitor["spec"]["endpoints"] for r in e.get("relabelings", [])
    }
    assert "rollouts_pod_template_hash" in kept
    # and the ServiceMonitor scrapes the Service in front of the Rollout's pods, on /metrics
    service = find(objects, "Service", "-api")
    rollout = find(objects, "Rollout", "-api")
    assert policies._selects(monitor["spec"]["selector"], service["metadata"]["labels"])
    assert (
        service["spec"]["selector"].items()
        <= rollout["spec"]["template"]["metadata"]["labels"].items()
    )
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    assert monitor["spec"]["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}
    ref = rollout["spec"]["strategy"]["canary"]["analysis"]["templates"][0]["templateName"]
    assert ref == template["metadata"]["name"]


def test_alerts_use_metrics_colonnade_exports(stream_metrics: set[str]) -> None:
    rules = find(render("aks"), "PrometheusRule")
    names = exported() | stream_metrics
    alerts = [r for g in rules["spec"]["groups"] for r in g["rules"]]
    assert {
        "ColonnadeAPIErrorRate",
        "ColonnadeAPILatencyHigh",
        "ColonnadeModelCallErrorRate",
        "ColonnadePredictionLatencyHigh",
        "ColonnadeBreakerOpen",
        "ColonnadeFallbackRateHigh",
        "ColonnadeQueueDeep",
        "ColonnadeQueueStalled",
        "ColonnadeFeatureDrift",
        "ColonnadeTokenBudgetNearEnd",
        "ColonnadeAuditChainBroken",
    } <= {a["alert"] for a in alerts}
    for alert in alerts:
        used = policies.metric_names(alert["expr"])
        ours = {m for m in used if m.startswith("colonnade_")}
        assert ours <= names, (alert["alert"], ours - names)
        # the audit alert reads kube-state-metrics' view of the hourly verify job
        assert ours or used == {"kube_job_status_failed"}, alert["alert"]


def test_dashboards_chart_metrics_colonnade_exports(stream_metrics: set[str]) -> None:
    import json

    names = exported() | stream_metrics
    boards = find(render("aks"), "ConfigMap", "-dashboards")["data"]
    assert {"colonnade-api.json", "colonnade-llm.json", "colonnade-ml.json"} <= set(boards)
    for name, text in boards.items():
        exprs = [t["expr"] for p in json.loads(text)["panels"] for t in p["targets"]]
        used = set().union(*(policies.metric_names(e) for e in exprs))
        assert used and used <= names, (name, used - names)
