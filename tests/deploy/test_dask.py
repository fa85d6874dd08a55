"""The chart's Dask cluster: off by default, on in the AKS profile; workers on spot (never the
GPU taint); the scheduler reachable by exactly the batch clients and its workers; the config
pointing at its Service; and the rendered commands, run here, serving a real ingestion."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.deploy import policies
from tests.deploy.manifests import ROOT, find, pods, render
from tests.deploy.netpol import Peer, allowed, release_peers

Objects = list[dict[str, Any]]
SPOT = {
    "key": "kubernetes.azure.com/scalesetpriority",
    "operator": "Equal",
    "value": "spot",
    "effect": "NoSchedule",
}
CLIENTS = {
    "Rollout/colonnade-api",
    "Deployment/colonnade-worker-ingest",
    "Deployment/colonnade-worker-predict",
    "Job/colonnade-train-churn",
}
SCHEDULER = "Deployment/colonnade-dask-scheduler"
WORKER = "Deployment/colonnade-dask-worker"
# pods outside the release that an attacker controls or that sit at the edge
INGRESS = Peer("ingress-nginx", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
PROMETHEUS = Peer("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"})
STRAY = Peer("debug pod in the namespace", labels={"run": "debug"})
# a pod in another namespace wearing a batch client's labels
IMPOSTOR = Peer(
    "impostor",
    "other",
    {
        "app.kubernetes.io/name": "colonnade",
        "app.kubernetes.io/instance": "colonnade",
        "app.kubernetes.io/component": "api",
        "colonnade.io/dask-client": "true",
        "colonnade.io/data-access": "true",
    },
)


def _peer(objects: Objects, owner: str) -> Peer:
    return next(p for p in release_peers(objects) if p.name == owner)


def _everyone(objects: Objects) -> list[Peer]:
    return [*release_peers(objects), INGRESS, PROMETHEUS, STRAY, IMPOSTOR]


def reachers(objects: Objects, dst_owner: str, port: int) -> set[str]:
    """Every source that may connect to a pod of ``dst_owner`` (its own replicas included)."""
    dst = _peer(objects, dst_owner)
    return {p.name for p in _everyone(objects) if allowed(objects, p, dst, port)}


def _spec(objects: Objects, owner: str) -> dict[str, Any]:
    return next(p for p in pods(objects) if p.owner == owner).spec


def _container(objects: Objects, owner: str) -> dict[str, Any]:
    containers: list[dict[str, Any]] = _spec(objects, owner)["containers"]
    return containers[0]


def test_off_by_default_on_in_the_aks_profile() -> None:
    for profile in ("default", "dev"):
        objects = render(profile)
        assert not any("dask" in o["metadata"]["name"] for o in objects), profile
        config = find(objects, "ConfigMap", "-config")["data"]
        assert "COLONNADE_COMPUTE__DASK_SCHEDULER" not in config
        labels = {k for p in pods(objects) for k in p.labels}
        assert "colonnade.io/dask-client" not in labels
    aks = render("aks")
    names = {(o["kind"], o["metadata"]["name"]) for o in aks if "dask" in o["metadata"]["name"]}
    assert names == {
        ("Deployment", "colonnade-dask-scheduler"),
        ("Service", "colonnade-dask-scheduler"),
        ("PodDisruptionBudget", "colonnade-dask-scheduler"),
        ("ServiceMonitor", "colonnade-dask-scheduler"),
        ("Deployment", "colonnade-dask-worker"),
        ("ScaledObject", "colonnade-dask-worker"),
        ("NetworkPolicy", "colonnade-dask-clients"),
        ("NetworkPolicy", "colonnade-dask-scheduler"),
        ("NetworkPolicy", "colonnade-dask-worker"),
    }


def test_workers_tolerate_the_spot_taint_and_nothing_else() -> None:
    aks = render("aks")
    spec = _spec(aks, WORKER)
    assert spec["tolerations"] == [SPOT]
    assert policies._pool_terms(spec) == {("agentpool", "spot")}
    # the scheduler holds every batch's state: never on evictable nodes
    scheduler = _spec(aks, SCHEDULER)
    assert "tolerations" not in scheduler
    assert policies._pool_terms(scheduler) == {("agentpool", "cpu")}
    on_cpu = _spec(render("aks-dask-cpu"), WORKER)
    assert "tolerations" not in on_cpu
    assert policies._pool_terms(on_cpu) == {("agentpool", "cpu")}


@pytest.mark.parametrize(
    "toleration",
    [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"operator": "Exists"},
    ],
)
def test_a_worker_tolerating_the_gpu_taint_is_caught(toleration: dict[str, str]) -> None:
    objects = render("aks")
    _spec(objects, WORKER)["tolerations"].append(toleration)
    found = policies.gpu_isolation(objects, ("agentpool", "gpu"))
    assert any(f.startswith(f"{WORKER}: tolerates the GPU taint") for f in found), found


def test_a_bad_dask_setup_fails_the_render() -> None:
    import helm_python as helm

    from tests.deploy.manifests import CHART, merge, profile_values

    values = merge(profile_values("aks"), {"dask": {"worker": {"pool": "gpu"}}})
    with pytest.raises(helm.HelmError, match=r"dask\.worker\.pool: spot or cpu"):
        helm.Chart.load(str(CHART)).render(values, name="colonnade")
    # the workers scale on the scheduler's metrics: without Prometheus scraping them, no render
    unscraped = merge(profile_values("aks"), {"monitoring": {"serviceMonitor": False}})
    with pytest.raises(helm.HelmError, match=r"dask\.enabled needs monitoring\.serviceMonitor"):
        helm.Chart.load(str(CHART)).render(unscraped, name="colonnade")


def test_only_batch_clients_and_workers_reach_the_scheduler() -> None:
    aks = render("aks")
    assert reachers(aks, SCHEDULER, 8786) == CLIENTS | {WORKER}
    # the dashboard port (/health, /metrics) is for Prometheus only; no ingress to it
    assert reachers(aks, SCHEDULER, 8787) == {PROMETHEUS.name}
    # workers: the scheduler on worker and nanny ports, other workers on the worker port
    assert reachers(aks, WORKER, 8788) == {SCHEDULER, WORKER}
    assert reachers(aks, WORKER, 8789) == {SCHEDULER}
    assert reachers(aks, WORKER, 8790) == set()  # the kubelet's probes are not pod traffic
    scheduler = _peer(aks, SCHEDULER)
    for attacker in ("InferenceService/colonnade-llama-3-8b", "CronJob/colonnade-audit-verify"):
        assert not allowed(aks, _peer(aks, attacker), scheduler, 8786), attacker
    for outsider in (INGRESS, STRAY, IMPOSTOR):
        assert not allowed(aks, outsider, scheduler, 8786), outsider.name


def test_dask_pods_reach_only_what_they_need() -> None:
    aks = render("aks")
    worker, scheduler = _peer(aks, WORKER), _peer(aks, SCHEDULER)
    database = Peer("PostgreSQL", ip="10.20.0.4")
    private_endpoint = Peer("Azure OpenAI", ip="10.20.0.5")
    entra_via_firewall = Peer("firewall", ip="10.30.0.4")
    # the clients write results to the stores; the workers only compute
    assert allowed(aks, _peer(aks, "Rollout/colonnade-api"), database, 5432)
    assert not allowed(aks, worker, database, 5432)
    assert not allowed(aks, worker, database, 6380)
    # an embedder behind Azure OpenAI, with a workload identity token
    assert allowed(aks, worker, private_endpoint, 443)
    assert allowed(aks, worker, entra_via_firewall, 443)
    for target in (database, private_endpoint, entra_via_firewall):
        assert not allowed(aks, scheduler, target, 443)
    # neither calls the API, the models or anything else of the release
    for dask_pod in (worker, scheduler):
        for other in release_peers(aks):
            if other.name in (WORKER, SCHEDULER):
                continue
            for port in (80, 8000, 8080, 9400, 9401):
                assert not allowed(aks, dask_pod, other, port), (dask_pod.name, other.name)


def _open_comm_to_every_namespace(o: Objects) -> None:
    rule = find(o, "NetworkPolicy", "-dask-scheduler")["spec"]["ingress"][0]
    rule["from"].append({"namespaceSelector": {}})


def _open_comm_to_the_release(o: Objects) -> None:
    """Both ends keyed on the release instead of the batch clients' label."""
    clients = find(o, "NetworkPolicy", "-dask-clients")["spec"]
    del clients["podSelector"]["matchLabels"]["colonnade.io/dask-client"]
    rule = find(o, "NetworkPolicy", "-dask-scheduler")["spec"]["ingress"][0]
    del rule["from"][0]["podSelector"]["matchLabels"]["colonnade.io/dask-client"]


def _open_dashboard(o: Objects) -> None:
    rule = find(o, "NetworkPolicy", "-dask-scheduler")["spec"]["ingress"][1]
    del rule["ports"]


@pytest.mark.parametrize(
    ("br", "port", "intruder"),
    [
        (_open_comm_to_every_namespace, 8786, INGRESS.name),
        (_open_comm_to_the_release, 8786, "InferenceService/colonnade-llama-3-8b"),
        (_open_dashboard, 8786, PROMETHEUS.name),
    ],
    ids=lambda v: v.__name__[1:] if callable(v) else str(v),
)
def test_a_widened_policy_lets_an_intruder_in(br: Any, port: int, intruder: str) -> None:
    objects = render("aks")
    br(objects)
    assert intruder in reachers(objects, SCHEDULER, port) - CLIENTS - {WORKER}


def test_the_config_points_at_the_scheduler_service(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from colonnade.settings import load_settings

    aks = render("aks")
    for key in [k for k in __import__("os").environ if k.startswith("COLONNADE_")]:
        monkeypatch.delenv(key)
    for key, value in find(aks, "ConfigMap", "-config")["data"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    compute = load_settings().compute
    address = urlsplit(compute.dask_scheduler or "")
    service = find(aks, "Service", "-dask-scheduler")
    (comm,) = [p for p in service["spec"]["ports"] if p["name"] == "comm"]
    assert (address.scheme, address.hostname, address.port) == (
        "tcp",
        service["metadata"]["name"],
        comm["port"],
    )
    # the Service sends that port to the scheduler container's own --port
    pod = next(p for p in pods(aks) if p.owner == SCHEDULER)
    assert service["spec"]["selector"].items() <= pod.labels.items()
    (container,) = pod.containers
    named = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert f"--port={named[comm['targetPort']]}" in container["args"]
    # workers register with the same address; the config keeps them all busy
    worker = _container(aks, WORKER)
    assert worker["args"][0] == compute.dask_scheduler
    so = find(aks, "ScaledObject", "-dask-worker")
    per_replica = int(so["spec"]["triggers"][0]["metadata"]["threshold"])
    assert compute.in_flight >= so["spec"]["maxReplicaCount"] * per_replica


def test_workers_scale_from_zero_on_the_scraped_scheduler_metric() -> None:
    aks = render("aks")
    so = find(aks, "ScaledObject", "-dask-worker")
    worker = find(aks, "Deployment", "-dask-worker")
    assert so["spec"]["scaleTargetRef"]["name"] == worker["metadata"]["name"]
    assert "replicas" not in worker["spec"]  # KEDA owns it
    assert so["spec"]["minReplicaCount"] == 0
    (trigger,) = so["spec"]["triggers"]
    assert trigger["type"] == "prometheus"
    query = trigger["metadata"]["query"]
    assert "dask_scheduler_tasks{" in query
    # the series come from the scheduler's Service, which the ServiceMonitor scrapes
    monitor = find(aks, "ServiceMonitor", "-dask-scheduler")
    service = find(aks, "Service", "-dask-scheduler")
    assert policies._selects(monitor["spec"]["selector"], service["metadata"]["labels"])
    assert f'service="{service["metadata"]["name"]}"' in query
    assert 'namespace="colonnade"' in query
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    # and the only HPA on the workers is KEDA's
    assert policies.no_double_scaling(aks) == []
    pdb = find(aks, "PodDisruptionBudget", "-dask-scheduler")
    assert policies._selects(
        pdb["spec"]["selector"], next(p.labels for p in pods(aks) if p.owner == SCHEDULER)
    )


def test_the_image_installs_what_the_chart_runs() -> None:
    """The Dockerfile's extras bring Dask's distributed (the scheduler and worker commands)."""
    import tomllib

    dockerfile = (ROOT / "Dockerfile").read_text()
    (extras,) = re.findall(r"pip install '\.\[([a-z0-9,-]+)\]'", dockerfile)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [r for e in extras.split(",") for r in project["optional-dependencies"][e]]
    assert any(r.startswith("dask[distributed]") for r in requirements), extras
    # and the PostgreSQL driver for the database_url every pod is given
    env = {e["name"] for e in _container(render("aks"), "Rollout/colonnade-api")["env"]}
    assert "COLONNADE_STORAGE__DATABASE_URL" in env
    assert any(r.startswith("psycopg[") for r in requirements), extras
    for owner in (SCHEDULER, WORKER):
        assert _container(render("aks"), owner)["command"][:3] == ["python", "-m", "dask"]


def _mounts(objects: Objects) -> dict[str, tuple[str, str]]:
    """Each pod that mounts the Dask TLS Secret: (the Secret's name, where it is mounted)."""
    found = {}
    for pod in pods(objects):
        volumes = {v["name"]: v for v in pod.spec.get("volumes", [])}
        for container in pod.containers:
            for mount in container.get("volumeMounts", []):
                secret = volumes[mount["name"]].get("secret", {}).get("secretName", "")
                if "dask-tls" in secret:
                    assert mount["readOnly"] is True, pod.owner
                    found[pod.owner] = (secret, mount["mountPath"])
    return found


def test_tls_mounts_one_secret_on_the_cluster_and_its_clients_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from colonnade.settings import load_settings

    assert _mounts(render("aks")) == {}  # off unless a Secret is named
    aks = render("aks-dask-tls")
    mounts = _mounts(aks)
    assert set(mounts) == CLIENTS | {SCHEDULER, WORKER}  # not inference, not the audit job
    ((secret, folder),) = set(mounts.values())
    assert secret == "colonnade-dask-tls"

    # the clients' settings: the tls:// Service, the files in the mounted folder
    for key in [k for k in __import__("os").environ if k.startswith("COLONNADE_")]:
        monkeypatch.delenv(key)
    for key, value in find(aks, "ConfigMap", "-config")["data"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    compute = load_settings().compute
    assert compute.dask_scheduler == "tls://colonnade-dask-scheduler:8786"
    files = (compute.tls.ca_file, compute.tls.cert_file, compute.tls.key_file)
    assert [str(f) for f in files] == [f"{folder}/{n}" for n in ("ca.crt", "tls.crt", "tls.key")]

    # the scheduler listens on TLS, the workers too and register at the same tls:// address;
    # both present the Secret's certificate and trust its CA alone
    flags = [
        "--protocol=tls",
        f"--tls-ca-file={folder}/ca.crt",
        f"--tls-cert={folder}/tls.crt",
        f"--tls-key={folder}/tls.key",
    ]
    scheduler, worker = _container(aks, SCHEDULER), _container(aks, WORKER)
    assert set(flags) <= set(scheduler["args"])
    assert worker["args"][0] == compute.dask_scheduler and set(flags) <= set(worker["args"])
    # the dashboard port (probes, /metrics for KEDA's Prometheus) stays plain HTTP
    assert scheduler["readinessProbe"]["httpGet"]["port"] == "dashboard"
