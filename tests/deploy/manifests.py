"""Render the chart offline with Helm's SDK and walk what it renders: objects, pods, containers."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "colonnade"
# the CRDs' JSON schemas, kept with the chart (deploy/schemas/crds) so a fresh clone validates offline
SCHEMAS = ROOT / "deploy" / "schemas" / "crds"
PROFILES = ("default", "dev", "aks", "aks-servicebus", "aks-dask-cpu", "aks-dask-tls")
# variants of a values file: the file's values with these on top
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "aks-servicebus": ("aks", {"workers": {"queue": "servicebus"}}),
    "aks-dask-cpu": ("aks", {"dask": {"worker": {"pool": "cpu"}}}),
    "aks-dask-tls": ("aks", {"dask": {"tls": {"secretName": "colonnade-dask-tls"}}}),
}
KUBERNETES_VERSION = "1.31.0"  # AKS's supported line the chart is validated for
RELEASE = "colonnade"
NAMESPACE = "colonnade"


def merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in top.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def profile_values(profile: str) -> dict[str, Any]:
    if profile in VARIANTS:
        base, top = VARIANTS[profile]
        return merge(profile_values(base), top)
    if profile == "default":
        return {}
    loaded: dict[str, Any] = yaml.safe_load((CHART / f"values-{profile}.yaml").read_text())
    return loaded


def render_values(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The chart's objects for these values, as the release in namespace NAMESPACE."""
    chart = helm.Chart.load(str(CHART))
    out = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    docs: list[dict[str, Any]] = []
    for text in out.values():
        docs.extend(d for d in yaml.safe_load_all(text) if d)
    return docs


@functools.cache
def _render(profile: str) -> tuple[dict[str, Any], ...]:
    return tuple(render_values(profile_values(profile)))


def render(profile: str) -> list[dict[str, Any]]:
    """The profile's objects; a deep copy, so a test may change them."""
    return copy.deepcopy(list(_render(profile)))


def is_core(obj: dict[str, Any]) -> bool:
    group = obj["apiVersion"].rpartition("/")[0]
    return group == "" or "." not in group or group.endswith(".k8s.io")


@dataclass
class Pod:
    """A pod an object makes: where it comes from, its labels, its spec and its containers."""

    owner: str
    labels: dict[str, str]
    spec: dict[str, Any]
    containers: list[dict[str, Any]]


def pods(objects: list[dict[str, Any]]) -> Iterator[Pod]:
    for obj in objects:
        kind, name = obj["kind"], obj["metadata"]["name"]
        owner = f"{kind}/{name}"
        spec = obj.get("spec", {})
        if kind in ("Deployment", "Rollout", "Job", "StatefulSet", "DaemonSet"):
            template = spec["template"]
        elif kind == "CronJob":
            template = spec["jobTemplate"]["spec"]["template"]
        elif kind == "InferenceService":
            predictor = spec["predictor"]
            containers = ([predictor["model"]] if "model" in predictor else []) + predictor.get(
                "containers", []
            )
            yield Pod(owner, dict(predictor.get("labels", {})), predictor, containers)
            continue
        elif kind == "Cluster" and obj["apiVersion"].startswith("postgresql.cnpg.io"):
            # CloudNativePG builds these pods itself and labels them with the cluster's name
            yield Pod(owner, {"cnpg.io/cluster": name}, spec, [])
            continue
        else:
            continue
        pod_spec = template["spec"]
        containers = pod_spec.get("containers", []) + pod_spec.get("initContainers", [])
        yield Pod(owner, dict(template["metadata"].get("labels", {})), pod_spec, containers)


def find(objects: list[dict[str, Any]], kind: str, suffix: str = "") -> dict[str, Any]:
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"]["name"].endswith(suffix):
            return obj
    raise LookupError(f"no {kind} named *{suffix}")
