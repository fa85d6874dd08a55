"""Policy routing over the catalog, balancing, canary splits, shadows and the fallback chain.

The router implements the ChatModel port. For each request it:

1. finds the route for the alias the caller asked for;
2. keeps only the deployments policy allows: the request's data classification
   (the highest of what the caller set, the collection's label and every
   registered classifier, such as a PII detector) against each deployment's
   ``max_classification``, and the tenant's allowed routes and paths. When none
   is left the request fails with ``PolicyViolation``: never a silent downgrade;
3. orders the route's pool (weighted and sticky per conversation, least
   in flight, or lowest latency by EWMA), then its fallbacks;
4. tries them in turn (``colonnade.routing``, shared with the predictions runtime),
   skipping open breakers; a timeout, connection error,
   429, 5xx, content-filter refusal or truncated stream moves on to the next,
   and context-length errors move on only to a deployment with a larger window.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from colonnade.errors import LLMError, LLMErrorKind, ModelNotFound, PolicyViolation
from colonnade.llm.accounting import CallRecord, LLMMetrics, UsageLedger
from colonnade.llm.ports import (
    CLASSIFICATIONS,
    ChatModel,
    ChatRequest,
    ChatStream,
    Classification,
    Completion,
    classification_rank,
)
from colonnade.llm.reliability import CircuitBreaker
from colonnade.observability import get_logger
from colonnade.observability.tracing import span_event
from colonnade.routing import Exhausted, Shadows, first_answer, split_point, weighted_pick
from colonnade.settings import DeploymentSettings, LLMSettings, RouteSettings

__all__ = ["Classifier", "Deployment", "Router"]

log = get_logger(__name__)
_EWMA_ALPHA = 0.2


class Classifier(Protocol):
    """Decides how sensitive a request is (a PII detector, a keyword list); None: no opinion."""

    def classify(self, request: ChatRequest) -> Classification | None: ...


@dataclass(eq=False)
class Deployment:
    """A catalog entry at run time: its wrapped model, breaker and live figures."""

    name: str
    settings: DeploymentSettings
    model: ChatModel
    breaker: CircuitBreaker
    in_flight: int = 0
    ewma_ms: float | None = None
    calls: int = 0
    failures: int = 0
    last_error: str | None = None

    def allows(self, classification: str) -> bool:
        return classification_rank(self.settings.max_classification) >= classification_rank(
            classification
        )

    def observe(self, ms: float) -> None:
        self.ewma_ms = (
            ms if self.ewma_ms is None else self.ewma_ms + _EWMA_ALPHA * (ms - self.ewma_ms)
        )

    def snapshot(self) -> dict[str, Any]:
        s = self.settings
        return {
            "name": self.name,
            "path": s.path,
            "provider": s.provider,
            "model": s.model,
            "max_classification": s.max_classification,
            "context_window": s.context_window,
            "weight": s.weight,
            "tags": s.tags,
            "in_flight": self.in_flight,
            "ewma_ms": None if self.ewma_ms is None else round(self.ewma_ms, 2),
            "calls": self.calls,
            "failures": self.failures,
            "last_error": self.last_error,
            "breaker": self.breaker.snapshot(),
        }


class Router:
    """The ChatModel that every caller (gateway, assistant) talks to."""

    name = "router"

    def __init__(
        self,
        settings: LLMSettings,
        deployments: dict[str, Deployment],
        *,
        ledger: UsageLedger | None = None,
        metrics: LLMMetrics | None = None,
        classifiers: list[Classifier] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.deployments = deployments
        self.ledger = ledger
        self.metrics = metrics
        self.classifiers = list(classifiers or [])
        self._rng = rng or random.Random()  # noqa: S311 - load balancing, not secrets
        self._shadows = Shadows()

    # -- policy ---------------------------------------------------------------------------

    def aliases(self, tenant: str | None = None) -> list[str]:
        """The model aliases a caller (of this tenant) may ask for."""
        policy = self.settings.tenants.get(tenant or "")
        allowed = policy.routes if policy and policy.routes is not None else None
        return [a for a in self.settings.routes if allowed is None or a in allowed]

    def classify(self, request: ChatRequest) -> Classification:
        level = request.classification
        for classifier in self.classifiers:
            found = classifier.classify(request)
            if found is not None and classification_rank(found) > classification_rank(level):
                level = found
        return level

    def plan(self, request: ChatRequest) -> tuple[RouteSettings, list[Deployment]]:
        """The deployments to try, in order, for this request."""
        alias = request.model
        route = self.settings.routes.get(alias)
        if route is None or alias not in self.aliases(request.tenant):
            known = ", ".join(self.aliases(request.tenant)) or "none"
            raise ModelNotFound(
                f"model {alias!r} is not a route you may use; ask for one of: {known}",
                model=alias,
            )
        level = self.classify(request)
        request.classification = level
        policy = self.settings.tenants.get(request.tenant or "")
        paths = policy.paths if policy else ("managed", "self_hosted")
        names = list(dict.fromkeys([*route.deployments, *route.fallbacks]))
        allowed = {
            n
            for n in names
            if self.deployments[n].allows(level) and self.deployments[n].settings.path in paths
        }
        if not allowed:
            needed = CLASSIFICATIONS[classification_rank(level) :]
            raise PolicyViolation(
                f"route {alias!r} has no deployment allowed to receive {level} data"
                f"{' for this tenant' if policy else ''}: add a deployment with "
                f"max_classification in ({', '.join(needed)}) on an allowed path "
                f"({', '.join(paths)}) to the route, or send less sensitive data",
                model=alias,
                classification=level,
            )
        pool = [self.deployments[n] for n in route.deployments if n in allowed]
        fallbacks = [
            self.deployments[n]
            for n in route.fallbacks
            if n in allowed and n not in route.deployments
        ]
        return route, [*self._order(route, pool, request), *fallbacks]

    def _order(
        self, route: RouteSettings, pool: list[Deployment], request: ChatRequest
    ) -> list[Deployment]:
        if len(pool) <= 1:
            return pool
        if route.strategy == "least_in_flight":
            start = self._rng.randrange(len(pool))  # ties broken at random, not always the first
            rotated = pool[start:] + pool[:start]
            return sorted(rotated, key=lambda d: d.in_flight)
        if route.strategy == "lowest_latency":
            return sorted(pool, key=lambda d: -1.0 if d.ewma_ms is None else d.ewma_ms)
        point = split_point(request.model, request.sticky_key or None, self._rng)
        pick = weighted_pick(pool, lambda d: d.settings.weight, point)
        rest = sorted((d for d in pool if d is not pick), key=lambda d: -d.settings.weight)
        return [pick, *rest]

    # -- calls ----------------------------------------------------------------------------

    def _record(
        self,
        request: ChatRequest,
        dep: Deployment,
        attempt: int,
        outcome: str,
        *,
        stream: bool,
        ms: float,
        usage: Any = None,
        shadow: bool = False,
    ) -> None:
        if self.ledger is None:
            return
        self.ledger.record(
            CallRecord(
                route=request.model,
                deployment=dep.name,
                path=dep.settings.path,
                attempt=attempt,
                outcome=outcome,
                stream=stream,
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
                estimated=bool(usage and usage.estimated),
                cost_usd=usage.cost_usd if usage else 0.0,
                latency_ms=ms,
                classification=request.classification,
                request_id=request.request_id,
                tenant=request.tenant,
                shadow=shadow,
            )
        )

    def _failed(
        self,
        request: ChatRequest,
        dep: Deployment,
        attempt: int,
        exc: LLMError,
        ms: float,
        *,
        stream: bool,
    ) -> None:
        dep.failures += 1
        dep.last_error = exc.message
        self._record(request, dep, attempt, exc.kind, stream=stream, ms=ms)
        if self.metrics is not None and exc.falls_back:
            self.metrics.fallbacks.labels(request.model, exc.kind).inc()
        span_event(
            "colonnade.fallback" if exc.falls_back else "colonnade.call_failed",
            deployment=dep.name,
            kind=exc.kind.value,
            attempt=attempt,
        )
        log.warning(
            "llm_call_failed",
            deployment=dep.name,
            route=request.model,
            kind=exc.kind.value,
            attempt=attempt,
            error=exc.message,
        )

    async def _attempts(
        self, request: ChatRequest, call: Callable[[Deployment, int], Any], *, stream: bool
    ) -> Any:
        _, plan = self.plan(request)
        last: LLMError | None = None
        min_window = 0

        def admit(dep: Deployment) -> bool:
            nonlocal last
            if dep.settings.context_window <= min_window:
                return False
            if not dep.breaker.available:
                span_event("colonnade.breaker.skipped", deployment=dep.name)
                last = LLMError(
                    f"deployment {dep.name}'s circuit breaker is open",
                    provider=dep.name,
                    kind=LLMErrorKind.unavailable,
                )
                return False
            return True

        def proceed() -> bool:
            remaining = request.remaining()
            return remaining is None or remaining > 0

        async def attempt(dep: Deployment, n: int) -> Any:
            dep.in_flight += 1
            dep.calls += 1
            try:
                return await call(dep, n)
            except BaseException:
                dep.in_flight -= 1
                raise

        def failed(dep: Deployment, n: int, exc: BaseException, ms: float) -> bool:
            nonlocal last, min_window
            assert isinstance(exc, LLMError)
            self._failed(request, dep, n, exc, ms, stream=stream)
            if not exc.falls_back:
                return False
            if exc.kind is LLMErrorKind.context_length:
                min_window = max(min_window, dep.settings.context_window)
            last = exc
            return True

        try:
            return await first_answer(
                plan, attempt, admit=admit, failed=failed, fallback_on=LLMError, proceed=proceed
            )
        except Exhausted:
            pass
        if last is not None and last.kind is LLMErrorKind.context_length:
            raise LLMError(
                f"the request does not fit the context window of any deployment of route "
                f"{request.model!r} ({last.message}): shorten the conversation or add a "
                "deployment with a larger context_window",
                provider="router",
                kind=LLMErrorKind.context_length,
                status_code=400,
                retryable=False,
            )
        detail = f"; the last error: {last.message}" if last else ""
        raise LLMError(
            f"no deployment of route {request.model!r} could answer{detail}",
            provider="router",
            kind=LLMErrorKind.unavailable,
        )

    async def complete(self, request: ChatRequest) -> Completion:
        async def call(dep: Deployment, attempt: int) -> Completion:
            t0 = time.perf_counter()
            result = await dep.model.complete(request)
            ms = (time.perf_counter() - t0) * 1000
            dep.in_flight -= 1
            dep.observe(ms)
            result.served.attempt = attempt
            result.served.route = request.model
            self._record(request, dep, attempt, "ok", stream=False, ms=ms, usage=result.usage)
            self._maybe_shadow(request, dep, result.text, ms)
            return result

        completion: Completion = await self._attempts(request, call, stream=False)
        return completion

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        async def call(dep: Deployment, attempt: int) -> ChatStream:
            t0 = time.perf_counter()
            stream = await dep.model.open_stream(request)
            first_ms = (time.perf_counter() - t0) * 1000
            dep.observe(first_ms)
            stream.served.attempt = attempt
            stream.served.route = request.model

            def settle(s: ChatStream, error: BaseException | None) -> None:
                dep.in_flight -= 1
                ms = (time.perf_counter() - t0) * 1000
                if error is None:
                    self._record(request, dep, attempt, "ok", stream=True, ms=ms, usage=s.usage)
                    self._maybe_shadow(request, dep, "".join(s.collected), first_ms)
                elif isinstance(error, LLMError):
                    self._failed(request, dep, attempt, error, ms, stream=True)
                else:
                    self._record(
                        request, dep, attempt, "cancelled", stream=True, ms=ms, usage=s.usage
                    )

            stream.on_close(settle)
            return stream

        chat_stream: ChatStream = await self._attempts(request, call, stream=True)
        return chat_stream

    # -- shadow traffic -------------------------------------------------------------------

    def _maybe_shadow(
        self, request: ChatRequest, primary: Deployment, text: str, ms: float
    ) -> None:
        route = self.settings.routes[request.model]
        if route.shadow is None or route.shadow == primary.name:
            return
        if route.shadow_percent < 100 and self._rng.random() * 100 >= route.shadow_percent:
            return
        candidate = self.deployments[route.shadow]
        self._shadows.start(self._shadow(request, primary, candidate, text, ms))

    async def _shadow(
        self, request: ChatRequest, primary: Deployment, candidate: Deployment, text: str, ms: float
    ) -> None:
        t0 = time.perf_counter()
        answer: str | None = None
        error: str | None = None
        usage = None
        try:
            if not candidate.allows(request.classification):
                raise LLMError(
                    "the shadow may not receive this data",
                    provider=candidate.name,
                    kind=LLMErrorKind.bad_request,
                )
            result = await candidate.model.complete(request)
            answer, usage = result.text, result.usage
        except LLMError as exc:
            error = exc.message
        except Exception as exc:  # a shadow never fails the caller
            error = f"{type(exc).__name__}: {exc}"
        cms = (time.perf_counter() - t0) * 1000
        self._record(
            request,
            candidate,
            1,
            "ok" if error is None else "error",
            stream=False,
            ms=cms,
            usage=usage,
            shadow=True,
        )
        if self.ledger is not None:
            self.ledger.record_shadow(
                request_id=request.request_id,
                route=request.model,
                primary=primary.name,
                candidate=candidate.name,
                primary_text=text,
                candidate_text=answer,
                candidate_error=error,
                primary_ms=ms,
                candidate_ms=cms,
            )

    async def aclose(self) -> None:
        """Close the connections this event loop holds to every deployment."""
        await self.drain()
        for dep in self.deployments.values():
            provider = getattr(dep.breaker.inner, "aclose", None)
            if provider is not None:
                await provider()

    async def drain(self) -> None:
        """Wait for shadow calls under way (on shutdown, and in tests)."""
        await self._shadows.drain()

    def snapshot(self) -> dict[str, Any]:
        return {
            "deployments": [d.snapshot() for d in self.deployments.values()],
            "routes": {alias: route.model_dump() for alias, route in self.settings.routes.items()},
        }
