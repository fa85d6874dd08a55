"""Where batch work runs: in this process, or on a Dask cluster (over TLS when it asks)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, model_validator

__all__ = ["ComputeSettings", "DaskTLSSettings"]


class DaskTLSSettings(BaseModel):
    """Mutual TLS to a ``tls://`` scheduler: the CA that signed the scheduler's and the
    workers' certificates, and this client's certificate, which the scheduler checks
    against its own CA."""

    ca_file: Path | None = Field(
        default=None, description="PEM: the CA that signed the scheduler's certificate"
    )
    cert_file: Path | None = Field(
        default=None, description="PEM: this client's certificate, signed by that CA"
    )
    key_file: Path | None = Field(
        default=None, description="PEM: its private key (unset: in cert_file)"
    )

    @property
    def configured(self) -> bool:
        return any(v is not None for v in (self.ca_file, self.cert_file, self.key_file))


class ComputeSettings(BaseModel):
    """Large-corpus ingestion and ``colonnade predict batch`` on Dask when a scheduler is set."""

    dask_scheduler: str | None = Field(
        default=None,
        description="tcp://scheduler:8786 (dask-kubernetes makes one), or tls://... with "
        "compute.tls; unset: run locally",
    )
    tls: DaskTLSSettings = Field(default_factory=DaskTLSSettings)
    in_flight: int = Field(
        default=16, ge=1, le=10_000, description="tasks sent to the cluster ahead of the results"
    )
    timeout_s: float = Field(default=30.0, gt=0, description="to connect to the scheduler")

    @model_validator(mode="after")
    def _tls_matches_the_address(self) -> ComputeSettings:
        over_tls = (self.dask_scheduler or "").startswith("tls://")
        if over_tls and (self.tls.ca_file is None or self.tls.cert_file is None):
            raise ValueError(
                "compute.dask_scheduler is tls://: set COLONNADE_COMPUTE__TLS__CA_FILE (the "
                "CA that signed the scheduler's certificate) and "
                "COLONNADE_COMPUTE__TLS__CERT_FILE and __KEY_FILE (a client certificate that CA "
                "signed, and its key)"
            )
        if self.tls.configured and not over_tls:
            raise ValueError(
                f"compute.tls is set but compute.dask_scheduler ({self.dask_scheduler}) is not "
                "a tls:// address: give tls://HOST:PORT, or unset compute.tls"
            )
        return self
