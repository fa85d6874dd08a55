"""The chart renders for every profile, lints clean, and every object it renders is valid:
core kinds against Kubernetes' own schemas (strict), custom resources against their CRDs."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest

from tests.deploy.manifests import (
    CHART,
    KUBERNETES_VERSION,
    PROFILES,
    RELEASE,
    SCHEMAS,
    find,
    is_core,
    profile_values,
    render,
)


@functools.cache
def crd_validator(api_version: str, kind: str) -> jsonschema.Draft7Validator:
    group, _, version = api_version.rpartition("/")
    path = SCHEMAS / group / f"{kind.lower()}_{version}.json"
    if not path.is_file():
        raise LookupError(f"no CRD schema for {kind} {api_version} in {SCHEMAS}")
    return jsonschema.Draft7Validator(json.loads(path.read_text()))


def validate_custom(obj: dict[str, Any]) -> list[str]:
    validator = crd_validator(obj["apiVersion"], obj["kind"])
    return [
        f"{obj['kind']}/{obj['metadata']['name']} {'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(obj)
    ]


def validate_core(obj: dict[str, Any]) -> list[str]:
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        path = ".".join(map(str, e.path))
        return [f"{obj['kind']}/{obj['metadata']['name']} {path}: {e.message}"]
    return []


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_lints_and_renders(profile: str) -> None:
    report = helm.lint(
        str(CHART), profile_values(profile), strict=True, kube_version=f"v{KUBERNETES_VERSION}"
    )
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []
    kinds = {o["kind"] for o in render(profile)}
    assert {"ConfigMap", "Service", "ServiceAccount", "NetworkPolicy", "ScaledObject"} <= kinds


@pytest.mark.parametrize("profile", PROFILES)
def test_every_object_validates(profile: str) -> None:
    errors: list[str] = []
    for obj in render(profile):
        errors += validate_core(obj) if is_core(obj) else validate_custom(obj)
    assert errors == []


def test_validation_catches_a_wrong_field() -> None:
    objects = render("aks")
    hpa = find(objects, "HorizontalPodAutoscaler")
    hpa["spec"]["minReplica"] = 3  # a typo strict validation must refuse
    assert validate_core(hpa)
    so = find(objects, "ScaledObject", "worker-ingest")
    so["spec"]["triggers"][0]["metadata"]["messageCount"] = 20  # KEDA wants strings
    assert validate_custom(so)


def test_profiles_differ_where_they_should() -> None:
    default, dev, aks, servicebus = (render(p) for p in ("default", "dev", "aks", "aks-servicebus"))
    rollout = find(aks, "Rollout", "-api")
    hpa = find(aks, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "name": rollout["metadata"]["name"],
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 50)
    assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    assert find(aks, "PodDisruptionBudget")["spec"]["minAvailable"] == 2
    assert find(dev, "Deployment", "-api")["spec"]["replicas"] == 1
    assert not any(
        o["kind"] in ("Rollout", "HorizontalPodAutoscaler", "InferenceService") for o in dev
    )
    assert find(dev, "Cluster")["apiVersion"] == "postgresql.cnpg.io/v1"
    assert not any(o["kind"] == "Cluster" for o in aks)  # external PostgreSQL by default
    # Redis Streams by default; Service Bus as the alternative, read as the workload identity
    auth = find(servicebus, "TriggerAuthentication")
    client_id = find(aks, "ServiceAccount", "colonnade")["metadata"]["annotations"][
        "azure.workload.identity/client-id"
    ]
    assert auth["spec"]["podIdentity"] == {"provider": "azure-workload", "identityId": client_id}
    for objects, trigger in (
        (servicebus, "azure-servicebus"),
        (aks, "redis-streams"),
        (default, "redis-streams"),
    ):
        types = {
            t["type"]
            for o in objects
            if o["kind"] == "ScaledObject" and "-worker-" in o["metadata"]["name"]
            for t in o["spec"]["triggers"]
        }
        assert types == {trigger}
    isvcs = [o for o in aks if o["kind"] == "InferenceService"]
    assert {o["spec"]["predictor"]["model"]["modelFormat"]["name"] for o in isvcs} == {
        "vllm",
        "llamacpp",
    }


def test_workers_scale_to_zero_on_consumer_group_lag() -> None:
    for o in render("default"):
        if o["kind"] != "ScaledObject":
            continue
        assert o["spec"]["minReplicaCount"] == 0
        (trigger,) = o["spec"]["triggers"]
        assert trigger["metadata"]["consumerGroup"] and trigger["metadata"]["lagCount"]
        assert trigger["metadata"]["activationLagCount"] == "0"


def test_api_sits_on_the_cpu_pool_spread_across_zones() -> None:
    rollout = find(render("aks"), "Rollout", "-api")
    pod = rollout["spec"]["template"]["spec"]
    term = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["nodeSelectorTerms"][0]["matchExpressions"][0] == {
        "key": "agentpool",
        "operator": "In",
        "values": ["cpu"],
    }
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    (api,) = pod["containers"]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert rollout["spec"]["strategy"]["canary"]["steps"][0] == {"setWeight": 10}


def test_training_runs_on_spot_and_survives_eviction() -> None:
    job = find(render("aks"), "Job", "-train-churn")
    pod = job["spec"]["template"]["spec"]
    assert {
        "key": "kubernetes.azure.com/scalesetpriority",
        "operator": "Equal",
        "value": "spot",
        "effect": "NoSchedule",
    } in pod["tolerations"]
    assert job["spec"]["podFailurePolicy"]["rules"][0]["action"] == "Ignore"


def test_a_latest_image_fails_the_render() -> None:
    with pytest.raises(helm.HelmError, match="pin a release tag"):
        helm.Chart.load(str(CHART)).render({"image": {"tag": "latest"}}, name="c")


def test_chart_files_are_read_from_the_chart(tmp_path: Path) -> None:
    objects = render("default")
    dashboards = find(objects, "ConfigMap", "-dashboards")
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1"
    for name, text in dashboards["data"].items():
        board = json.loads(text)
        assert board["panels"], name
        assert (CHART / "files" / "dashboards" / name).read_text().strip() == text.strip()


@pytest.mark.parametrize("profile", PROFILES)
def test_the_configmap_is_settings_colonnade_accepts(
    profile: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from colonnade.settings import load_settings

    objects = render(profile)
    for key in [k for k in os.environ if k.startswith("COLONNADE_")]:
        monkeypatch.delenv(key)
    for key, value in find(objects, "ConfigMap", "-config")["data"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no colonnade.toml here
    settings = load_settings()
    assert settings.api.host == "0.0.0.0"
    isvcs = {o["metadata"]["name"] for o in objects if o["kind"] == "InferenceService"}
    self_hosted = {
        name: d for name, d in settings.llm.deployments.items() if d.path == "self_hosted"
    }
    # every self-hosted model the chart runs is in the catalog, at its predictor's address
    assert {f"{RELEASE}-{name}" for name in self_hosted} == isvcs
    for name, d in self_hosted.items():
        assert d.base_url == f"http://{RELEASE}-{name}-predictor.colonnade.svc.cluster.local/v1"
    managed = [d for d in settings.llm.deployments.values() if d.path == "managed"]
    assert all(d.auth == "entra_id" and d.api_key is None for d in managed)
    if profile == "aks":
        assert settings.llm.routes["default"].deployments == ["azure"]
        assert settings.llm.routes["default"].fallbacks == sorted(self_hosted)


@pytest.mark.parametrize("profile", ["default", "aks"])
def test_the_rollouts_pod_template_is_a_valid_pod_template(profile: str) -> None:
    """The Rollout's CRD schema leaves the pod template open; Kubernetes' own schema does not."""
    rollout = find(render(profile), "Rollout", "-api")
    as_deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": rollout["metadata"],
        "spec": {"selector": rollout["spec"]["selector"], "template": rollout["spec"]["template"]},
    }
    assert validate_core(as_deployment) == []
    as_deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"][
        "pathh"
    ] = "/"
    assert validate_core(as_deployment)
