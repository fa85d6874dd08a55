"""Policies over rendered objects. Each returns what breaks it, so a test can show it can fail."""

from __future__ import annotations

import re
from typing import Any

from tests.deploy.manifests import pods

__all__ = [
    "container_hygiene",
    "gpu_isolation",
    "image_pins",
    "metric_names",
    "network_isolation",
    "no_double_scaling",
    "no_secret_values",
]

GPU = "nvidia.com/gpu"
_SECRETISH = re.compile(
    r"(PASSWORD|SECRET|TOKEN|API_KEY|APIKEY|CONNECTION_STRING|DATABASE_URL|REDIS_URL|_KEY$)", re.I
)
_CREDENTIAL_IN_URL = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def container_hygiene(objects: list[dict[str, Any]]) -> list[str]:
    """Probes, requests and limits, non-root, read-only root filesystem, no privilege gain."""
    out = []
    for pod in pods(objects):
        pod_ctx = pod.spec.get("securityContext", {})
        # workload identity projects its own token; none of these pods talks to the API server
        if pod.containers and pod.spec.get("automountServiceAccountToken") is not False:
            out.append(f"{pod.owner}: mounts a Kubernetes API token")
        for c in pod.containers:
            where = f"{pod.owner} container {c.get('name', '?')}"
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in c:
                    out.append(f"{where}: no {probe}")
            res = c.get("resources", {})
            for part in ("requests", "limits"):
                if not {"cpu", "memory"} <= set(res.get(part, {})):
                    out.append(f"{where}: {part} need cpu and memory")
            ctx = c.get("securityContext", {})
            if not (ctx.get("runAsNonRoot") or pod_ctx.get("runAsNonRoot")):
                out.append(f"{where}: may run as root")
            if ctx.get("runAsUser") == 0 or pod_ctx.get("runAsUser") == 0:
                out.append(f"{where}: runs as uid 0")
            if ctx.get("readOnlyRootFilesystem") is not True:
                out.append(f"{where}: root filesystem is writable")
            if ctx.get("allowPrivilegeEscalation") is not False:
                out.append(f"{where}: privilege escalation allowed")
            if "ALL" not in ctx.get("capabilities", {}).get("drop", []):
                out.append(f"{where}: capabilities not dropped")
    return out


def _tolerates_gpu(tolerations: list[dict[str, Any]]) -> bool:
    return any(
        t.get("key") == GPU or (t.get("key") in (None, "") and t.get("operator") == "Exists")
        for t in tolerations
    )


def gpu_isolation(objects: list[dict[str, Any]], gpu_pool: tuple[str, str]) -> list[str]:
    """Only pods that request GPUs tolerate the GPU taint, and they are pinned to the GPU pool."""
    out = []
    for pod in pods(objects):
        wants_gpu = any(
            GPU in c.get("resources", {}).get(part, {})
            for c in pod.containers
            for part in ("requests", "limits")
        )
        tolerates = _tolerates_gpu(pod.spec.get("tolerations", []))
        if tolerates and not wants_gpu:
            out.append(f"{pod.owner}: tolerates the GPU taint without requesting a GPU")
        if wants_gpu and not tolerates:
            out.append(f"{pod.owner}: requests a GPU but cannot schedule on GPU nodes")
        if wants_gpu and gpu_pool not in _pool_terms(pod.spec):
            out.append(f"{pod.owner}: requests a GPU outside the GPU pool")
    for obj in objects:
        if obj["kind"] == "ServingRuntime" and _tolerates_gpu(obj["spec"].get("tolerations", [])):
            out.append(f"ServingRuntime/{obj['metadata']['name']}: tolerations belong on the model")
    return out


def _pool_terms(spec: dict[str, Any]) -> set[tuple[str, str]]:
    terms = (
        spec.get("affinity", {})
        .get("nodeAffinity", {})
        .get("requiredDuringSchedulingIgnoredDuringExecution", {})
        .get("nodeSelectorTerms", [])
    )
    found = {(k, v) for k, v in spec.get("nodeSelector", {}).items()}
    for term in terms:
        for e in term.get("matchExpressions", []):
            if e.get("operator") == "In":
                found |= {(e["key"], v) for v in e.get("values", [])}
    return found


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for e in selector.get("matchExpressions", []):
        op, key, values = e["operator"], e["key"], e.get("values", [])
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and labels.get(key) in values)
            or (op == "Exists" and key not in labels)
            or (op == "DoesNotExist" and key in labels)
        ):
            return False
    return True


def network_isolation(objects: list[dict[str, Any]], api_labels: dict[str, str]) -> list[str]:
    """Default deny for every pod, a policy of its own for each, and inference reachable only
    from the orchestration identity's API pods."""
    policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
    out = []
    deny = [
        p
        for p in policies
        if p["spec"].get("podSelector") == {}
        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    if not deny:
        out.append("no default-deny NetworkPolicy (empty selector, Ingress and Egress, no rules)")
    for pod in pods(objects):
        own = [
            p
            for p in policies
            if p["spec"].get("podSelector") and _selects(p["spec"]["podSelector"], pod.labels)
        ]
        if not own:
            out.append(f"{pod.owner}: no NetworkPolicy selects its pods beyond the default")
        if pod.labels.get("app.kubernetes.io/component") != "inference":
            continue
        for p in own:
            for rule in p["spec"].get("ingress", []):
                sources = rule.get("from")
                if not sources:
                    out.append(f"NetworkPolicy/{p['metadata']['name']}: inference open to all")
                for src in sources or []:
                    if set(src) != {"podSelector"} or not _selects(src["podSelector"], api_labels):
                        out.append(
                            f"NetworkPolicy/{p['metadata']['name']}: inference reachable from "
                            f"{src}, not only the orchestration identity"
                        )
                    elif (
                        not src["podSelector"]
                        .get("matchLabels", {})
                        .get("app.kubernetes.io/component")
                    ):
                        out.append(
                            f"NetworkPolicy/{p['metadata']['name']}: inference reachable from "
                            "any pod of the release"
                        )
    return out


def no_secret_values(objects: list[dict[str, Any]]) -> list[str]:
    """No Secret with literal data, no env var or ConfigMap entry holding a secret's value."""
    out = []
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] == "Secret" and (obj.get("data") or obj.get("stringData")):
            out.append(f"{name}: carries literal data")
        if obj["kind"] == "ConfigMap":
            for k, v in obj.get("data", {}).items():
                if (
                    _SECRETISH.search(k) and k != "COLONNADE_LLM__DEPLOYMENTS"
                ) or _CREDENTIAL_IN_URL.search(str(v)):
                    out.append(f"{name}: {k} looks like a secret")
    for pod in pods(objects):
        for c in pod.containers:
            for env in c.get("env", []):
                value = env.get("value")
                if value is None:
                    continue
                reference = re.fullmatch(r"\$\([A-Z_][A-Z0-9_]*\)", value) is not None
                if (_SECRETISH.search(env["name"]) and not reference) or _CREDENTIAL_IN_URL.search(
                    value
                ):
                    out.append(f"{pod.owner}: env {env['name']} holds a value")
    return out


def no_double_scaling(objects: list[dict[str, Any]]) -> list[str]:
    """A workload scaled by KEDA has no HPA of its own (KEDA makes one), and vice versa."""
    hpa = {
        (o["spec"]["scaleTargetRef"]["kind"], o["spec"]["scaleTargetRef"]["name"])
        for o in objects
        if o["kind"] == "HorizontalPodAutoscaler"
    }
    keda = {
        (o["spec"]["scaleTargetRef"].get("kind", "Deployment"), o["spec"]["scaleTargetRef"]["name"])
        for o in objects
        if o["kind"] == "ScaledObject"
    }
    return [f"{k}/{n}: targeted by an HPA and a ScaledObject" for k, n in sorted(hpa & keda)]


def image_pins(objects: list[dict[str, Any]]) -> list[str]:
    out = []
    images = [(p.owner, c.get("image")) for p in pods(objects) for c in p.containers]
    images += [
        (f"ServingRuntime/{o['metadata']['name']}", c.get("image"))
        for o in objects
        if o["kind"] == "ServingRuntime"
        for c in o["spec"]["containers"]
    ]
    images += [
        (f"Cluster/{o['metadata']['name']}", o["spec"].get("imageName"))
        for o in objects
        if o["kind"] == "Cluster"
    ]
    for owner, image in images:
        if not image:
            out.append(f"{owner}: no image")
            continue
        name, _, digest = image.partition("@")
        tag = name.rpartition(":")[2] if ":" in name.rpartition("/")[2] else ""
        if not digest and (not tag or tag == "latest"):
            out.append(f"{owner}: image {image} is not pinned")
    return out


_METRIC = re.compile(r"\b((?:colonnade|kube)_[a-zA-Z0-9_]+)")


def metric_names(expr: str) -> set[str]:
    return set(_METRIC.findall(expr))
