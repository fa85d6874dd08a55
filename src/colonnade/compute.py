"""Where batch work runs: an ``Executor`` maps a function over many inputs, in order.

``LocalExecutor`` runs each call in this process as it is asked for; ``DaskExecutor``
sends them to a Dask cluster (any scheduler address: ``dask-kubernetes`` on a cluster,
``distributed.LocalCluster`` in tests), keeping ``in_flight`` tasks ahead of the results
it hands back, so the caller writes results in input order with bounded memory. The
function and its inputs must pickle. ``build_executor`` picks one from
``compute.dask_scheduler``; a ``tls://`` scheduler is reached with mutual TLS from
``compute.tls`` (``dask_security``), never falling back to plain TCP.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from colonnade.errors import ConfigurationError
from colonnade.settings import ComputeSettings, DaskTLSSettings

__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "build_executor", "dask_security"]

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    @property
    def where(self) -> str:
        """Where the work runs, for messages."""
        ...

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn`` over ``items``, results in the order of ``items``."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    where = "local"

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        return None


def dask_security(tls: DaskTLSSettings) -> Any:
    """A ``distributed.Security`` for this client from ``compute.tls``: encryption required,
    its files loaded now so that a missing or broken one is named here."""
    from distributed import Security

    if tls.ca_file is None or tls.cert_file is None:
        raise ConfigurationError(
            "a tls:// scheduler needs compute.tls.ca_file and compute.tls.cert_file (and key_file)"
        )
    security = Security(  # type: ignore[no-untyped-call]
        require_encryption=True,
        tls_ca_file=str(tls.ca_file),
        tls_client_cert=str(tls.cert_file),
        tls_client_key=str(tls.key_file) if tls.key_file is not None else None,
    )
    try:
        security.get_connection_args("client")  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"cannot load the Dask TLS files (compute.tls: ca_file {tls.ca_file}, cert_file "
            f"{tls.cert_file}, key_file {tls.key_file}): {exc}"
        ) from exc
    return security


def _tls_refused(exc: BaseException) -> bool:
    """Whether connecting failed in the TLS handshake (a certificate either side refused)
    rather than on the way to the scheduler."""
    from distributed.comm.core import FatalCommClosedError

    return isinstance(exc, FatalCommClosedError) or "SSL" in str(exc)


class DaskExecutor:
    def __init__(
        self,
        scheduler: str,
        *,
        in_flight: int = 16,
        timeout_s: float = 30.0,
        security: Any = None,
    ) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the scale extra is not installed
            raise ConfigurationError(
                "compute.dask_scheduler needs the scale extra: pip install 'colonnade[scale]'"
            ) from exc
        try:
            self.client: Any = Client(  # type: ignore[no-untyped-call]
                scheduler, timeout=timeout_s, set_as_default=False, security=security
            )
        except (OSError, TimeoutError) as exc:
            if scheduler.startswith("tls://") and _tls_refused(exc):
                raise ConfigurationError(
                    f"the TLS handshake with the Dask scheduler at {scheduler} failed ({exc}): "
                    "compute.tls.ca_file must hold the CA that signed the scheduler's "
                    "certificate, compute.tls.cert_file a client certificate signed by the CA the "
                    "scheduler trusts"
                ) from exc
            raise ConfigurationError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}): check "
                "compute.dask_scheduler, or unset it to run locally"
            ) from exc
        self.scheduler = scheduler
        self.in_flight = in_flight

    @property
    def where(self) -> str:
        return f"dask {self.scheduler}"

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        window: deque[Any] = deque()
        try:
            for item in items:
                window.append(self.client.submit(fn, item, pure=False))
                if len(window) >= self.in_flight:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:  # a caller that stopped early leaves nothing running
                future.cancel()

    def close(self) -> None:
        self.client.close()


def build_executor(settings: ComputeSettings) -> Executor:
    if settings.dask_scheduler:
        over_tls = settings.dask_scheduler.startswith("tls://")
        return DaskExecutor(
            settings.dask_scheduler,
            in_flight=settings.in_flight,
            timeout_s=settings.timeout_s,
            security=dask_security(settings.tls) if over_tls else None,
        )
    return LocalExecutor()
