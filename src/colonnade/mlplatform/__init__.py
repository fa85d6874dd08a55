"""The ML platform: features (Feast), tracking and registry (MLflow), training pipelines,
and the predictions runtime with micro-batching, canary and shadow, graceful degradation,
batch and streaming inference, and drift monitoring. Needs the ``ml`` extra.
"""

from __future__ import annotations

__all__ = ["available"]


def available() -> bool:
    """Whether the ``ml`` extra is installed (serving needs onnxruntime, pandas, MLflow)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("mlflow", "pandas", "sklearn"))
