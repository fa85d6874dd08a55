"""Where batch work runs: in this process, or on a Dask cluster."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["ComputeSettings"]


class ComputeSettings(BaseModel):
    """Large-corpus ingestion and ``colonnade predict batch`` on Dask when a scheduler is set."""

    dask_scheduler: str | None = Field(
        default=None,
        description="tcp://scheduler:8786 (dask-kubernetes makes one); unset: run locally",
    )
    in_flight: int = Field(
        default=16, ge=1, le=10_000, description="tasks sent to the cluster ahead of the results"
    )
    timeout_s: float = Field(default=30.0, gt=0, description="to connect to the scheduler")
