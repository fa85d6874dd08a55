"""A span around one predictions request, as a wrapper around the ``Predictor`` port.

Which step answered (champion, challenger, fallback, rules, default) and which
version are attributes; a step left on an error, a timeout or an open breaker
is an event the service records on this span.
"""

from __future__ import annotations

from typing import Any, Protocol

from opentelemetry.trace import Tracer

from colonnade.mlplatform.serving import Outcome

__all__ = ["Predictor", "TracedPredictor"]


class Predictor(Protocol):
    async def predict(
        self, name: str, rows: list[dict[str, Any]], *, sticky: str | None = None
    ) -> Outcome: ...


class TracedPredictor:
    def __init__(self, inner: Predictor, tracer: Tracer) -> None:
        self.inner = inner
        self.tracer = tracer

    async def predict(
        self, name: str, rows: list[dict[str, Any]], *, sticky: str | None = None
    ) -> Outcome:
        attributes: dict[str, str | int] = {
            "colonnade.ml.model": name,
            "colonnade.ml.rows": len(rows),
        }
        with self.tracer.start_as_current_span(f"predict {name}", attributes=attributes) as span:
            outcome = await self.inner.predict(name, rows, sticky=sticky)
            span.set_attribute("colonnade.ml.step", outcome.step)
            if outcome.version is not None:
                span.set_attribute("colonnade.ml.version", outcome.version)
            return outcome
