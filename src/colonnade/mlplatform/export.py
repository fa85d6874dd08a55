"""A model version as a KServe InferenceService speaking the Open Inference Protocol v2.

KServe serves the version's ONNX graph with its ONNX runtime (Triton by default), so any v2
client can call it in the cluster. That graph takes the encoded feature matrix (one FP32
tensor, one column per numeric feature and category value); the tensor's name and width are
in the resource's annotations. Colonnade's own ``/v2/models/{name}/infer`` takes one tensor
per feature and encodes them itself.
"""

from __future__ import annotations

import re
from typing import Any

from colonnade.errors import NotFound
from colonnade.mlplatform.registry import Registry
from colonnade.mlplatform.runtime import ServedVersion
from colonnade.settings import Settings

__all__ = ["inference_service"]


def inference_service(
    settings: Settings,
    name: str,
    *,
    alias: str = "champion",
    storage_uri: str | None = None,
    namespace: str | None = None,
    runtime: str = "kserve-tritonserver",
) -> dict[str, Any]:
    """The InferenceService for ``name``'s version under ``alias`` (the champion by default).

    ``storage_uri`` is where KServe's storage initializer finds the version's serving folder
    (model.onnx); by default the registry's own artifact location for it, which must then be a
    URI the cluster can read (Azure Blob, S3, GCS, a PVC).
    """
    registry = Registry.from_settings(settings)
    info = registry.by_alias(name, alias)
    if info is None:
        registry.versions(name)  # NotFound listing the registered models
        raise NotFound(f"model {name!r} has no {alias} version: promote one first")
    served = ServedVersion(info, registry.download(info), settings.ml, registry.tracking)
    if served.runtime != "onnx":
        raise NotFound(f"{name} v{info.version} has no ONNX graph: KServe's v2 runtimes need one")
    import onnxruntime

    session = onnxruntime.InferenceSession(
        str(served.folder / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    graph_input = session.get_inputs()[0]
    uri = storage_uri or _artifact_uri(registry, info.run_id, info.serving_path)
    metadata: dict[str, Any] = {
        "name": _dns_name(f"{name}-v{info.version}"),
        "labels": {
            "app.kubernetes.io/name": "colonnade",
            "app.kubernetes.io/component": "inference",
            "colonnade.io/model": _dns_name(name),
            "colonnade.io/model-version": str(info.version),
        },
        "annotations": {
            "serving.kserve.io/deploymentMode": "RawDeployment",
            "colonnade.io/alias": alias,
            "colonnade.io/run-id": info.run_id,
            "colonnade.io/input-tensor": f"{graph_input.name} FP32 [-1, {served.encoder.width}]",
            "colonnade.io/features": ",".join(f.name for f in served.spec.features),
        },
    }
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": metadata,
        "spec": {
            "predictor": {
                "minReplicas": 1,
                "maxReplicas": 10,
                "labels": {
                    "app.kubernetes.io/name": "colonnade",
                    "app.kubernetes.io/component": "inference",
                },
                "model": {
                    "modelFormat": {"name": "onnx", "version": "1"},
                    "protocolVersion": "v2",
                    "runtime": runtime,
                    "storageUri": uri,
                    "resources": {
                        "requests": {"cpu": "500m", "memory": "1Gi"},
                        "limits": {"cpu": "2", "memory": "2Gi"},
                    },
                    "securityContext": {
                        "allowPrivilegeEscalation": False,
                        "runAsNonRoot": True,
                        "capabilities": {"drop": ["ALL"]},
                    },
                },
            }
        },
    }


def _artifact_uri(registry: Registry, run_id: str, path: str) -> str:
    root = str(registry.client.get_run(run_id).info.artifact_uri).rstrip("/")
    return f"{root}/{path}"


def _dns_name(text: str) -> str:
    """Kubernetes names: lower-case letters, digits and dashes, at most 63 characters."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].rstrip("-")
