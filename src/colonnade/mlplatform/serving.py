"""The predictions runtime behind ``POST /v1/predictions``.

Every registered model with a ``champion`` alias is served, loaded from the registry
by alias (ONNX through onnxruntime, or scikit-learn when a version could not be
exported) and warmed before it takes traffic. A watcher follows the aliases: a
promotion or rollback loads the new version beside the old one and swaps it in
when it is ready (blue-green), so no request fails during the swap.

One request goes down a chain of steps, and the answer says which one produced it:

1. ``champion`` — or ``challenger`` for a ``canary_weight`` share of requests;
   with ``shadow`` the challenger also scores every request, off the response path,
   and the two are compared in the per-version metrics;
2. ``fallback`` — the champion of the simpler model registered with the pipeline;
3. ``rules`` — the rule-based scorer the pipeline declares;
4. ``default`` — the pipeline's default answer.

A step is skipped while its circuit breaker is open, and left on an error or when
it takes longer than the model's ``timeout_ms``. The split, the chain and the shadows
are ``colonnade.routing``'s, which the LLM router uses too. Each model's requests go through
its ``MicroBatcher``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from colonnade.errors import InvalidInput, NotFound
from colonnade.mlplatform.metrics import MLMetrics
from colonnade.mlplatform.monitoring import DriftReport, PredictionLog, compute_drift
from colonnade.mlplatform.registry import ModelVersionInfo, Registry
from colonnade.mlplatform.runtime import ServedVersion
from colonnade.mlplatform.tracking import Tracking
from colonnade.observability import get_logger
from colonnade.observability.tracing import span_event
from colonnade.reliability import BreakerState
from colonnade.routing import Exhausted, Shadows, first_answer, split_point, weighted_pick
from colonnade.settings import MLSettings, ServedModelSettings

if TYPE_CHECKING:
    from colonnade.mlplatform.features import FeatureRepository

__all__ = ["MLMetrics", "PredictionService"]

log = get_logger(__name__)


@dataclass
class VersionStats:
    requests: int = 0
    rows: int = 0
    errors: int = 0
    positives: int = 0
    probability_sum: float = 0.0
    shadow_rows: int = 0
    shadow_agreed: int = 0
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=2000))

    def view(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        pick = (
            (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 3))
            if lat
            else (lambda q: None)
        )
        return {
            "requests": self.requests,
            "rows": self.rows,
            "errors": self.errors,
            "positive_rate": round(self.positives / self.rows, 4) if self.rows else None,
            "mean_probability": round(self.probability_sum / self.rows, 4) if self.rows else None,
            "latency_ms_p50": pick(0.5),
            "latency_ms_p99": pick(0.99),
            "shadow_rows": self.shadow_rows,
            "shadow_agreement": round(self.shadow_agreed / self.shadow_rows, 4)
            if self.shadow_rows
            else None,
        }


@dataclass
class Slot:
    name: str
    config: ServedModelSettings
    champion: ServedVersion | None = None
    challenger: ServedVersion | None = None
    stats: dict[str, VersionStats] = field(default_factory=dict)

    def stat(self, version: str) -> VersionStats:
        found = self.stats.get(version)
        if found is None:
            found = self.stats[version] = VersionStats()
        return found


@dataclass
class Outcome:
    step: str
    version: str | None
    probabilities: list[float | None]


class PredictionService:
    """Serves the registry's champions; its collaborators come from the composition root.

    ``features`` makes the online feature repository on first use (Feast loads slowly,
    and only models with a feature view need it).
    """

    def __init__(
        self,
        ml: MLSettings,
        tracking: Tracking,
        log: PredictionLog,
        *,
        features: Callable[[], FeatureRepository],
        metrics: MLMetrics | None = None,
    ) -> None:
        self.ml = ml
        self.tracking = tracking
        self.metrics = metrics or MLMetrics()
        self.slots: dict[str, Slot] = {}
        self.log = log
        self.drift: dict[str, DriftReport] = {}
        self._registry: Registry | None = None
        self._make_features = features
        self._features: FeatureRepository | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stamp: tuple[int, ...] | None = None
        self._background = Shadows()  # shadow scoring, retired versions' last batches

    # lifecycle ----------------------------------------------------------------------------
    @property
    def registry(self) -> Registry:
        """The registry; ``NotFound`` while a local one has not been made by training."""
        if self._registry is None:
            if not self.tracking.exists():
                raise NotFound("no model registry yet: run `colonnade train PIPELINE` first")
            self._registry = Registry(self.tracking)
        return self._registry

    async def start(self) -> None:
        """Load what the registry serves; an unreachable registry does not stop the API.

        A local registry is read before the first request; a remote one in the background
        (its client retries for a while when the server is down).
        """
        loop = asyncio.get_running_loop()
        if self.tracking.stamp() is not None:
            await self._first_refresh()
        else:
            self._tasks.append(loop.create_task(self._first_refresh()))
        self._tasks += [
            loop.create_task(self._every(self.ml.watch_s, self.refresh)),
            loop.create_task(self._every(1.0, lambda: asyncio.to_thread(self.log.flush))),
            loop.create_task(self._every(self.ml.drift_interval_s, self.compute_drift_all)),
        ]

    async def _first_refresh(self) -> None:
        try:
            await self.refresh()
        except Exception:
            log.exception("ml_registry_unavailable", uri=self.tracking.uri)

    async def _every(self, seconds: float, job: Any) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await job()
            except Exception:
                log.exception("ml_background_job_failed", job=getattr(job, "__name__", "job"))

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._background.cancel()
        for slot in self.slots.values():
            for served in (slot.champion, slot.challenger):
                if served is not None:
                    await served.batcher.aclose()
        await asyncio.to_thread(self.log.flush)

    async def refresh(self, *, force: bool = False) -> None:
        """Follow the registry's aliases; load what changed and swap it in when ready.

        A local registry is only read again when its file changed: the registry queries
        hold the GIL long enough to show in the serving latency.
        """
        if not self.slots and not self.tracking.exists():
            return
        stamp = self.tracking.stamp()
        if not force and stamp is not None and stamp == self._stamp:
            return
        self._stamp = stamp
        wanted = await asyncio.to_thread(self._aliases)
        for name, (champion, challenger) in wanted.items():
            slot = self.slots.get(name)
            if slot is None:
                slot = Slot(name, self.ml.models.get(name, ServedModelSettings()))
            for alias, info in (("champion", champion), ("challenger", challenger)):
                current: ServedVersion | None = getattr(slot, alias)
                if info is None:
                    if current is not None:
                        setattr(slot, alias, None)
                        self._retire(current)
                    continue
                if current is not None and current.version == info.version:
                    continue
                try:
                    fresh = await asyncio.to_thread(self._load, info)
                except Exception:
                    log.exception("ml_model_load_failed", model=name, version=info.version)
                    self._stamp = None  # try again on the next round
                    continue
                setattr(slot, alias, fresh)  # the swap: new requests go to the new version
                if current is not None:
                    self._retire(current)
                log.info(
                    "ml_model_serving",
                    model=name,
                    alias=alias,
                    version=info.version,
                    runtime=fresh.runtime,
                )
            self.slots[name] = slot
        for name in list(self.slots):
            if name not in wanted:
                gone = self.slots.pop(name)
                for served in (gone.champion, gone.challenger):
                    if served is not None:
                        self._retire(served)

    def _aliases(self) -> dict[str, tuple[ModelVersionInfo | None, ModelVersionInfo | None]]:
        out: dict[str, tuple[ModelVersionInfo | None, ModelVersionInfo | None]] = {}
        for name in self.registry.models():
            champion = self.registry.by_alias(name, "champion")
            if champion is not None:
                out[name] = (champion, self.registry.by_alias(name, "challenger"))
        return out

    def _load(self, info: ModelVersionInfo) -> ServedVersion:
        return ServedVersion(info, self.registry.download(info), self.ml, self.tracking)

    def _retire(self, served: ServedVersion) -> None:
        async def later() -> None:
            await asyncio.sleep(max(5.0, self.ml.watch_s))  # let its in-flight batches finish
            await served.batcher.aclose()

        self._background.start(later())

    # requests -----------------------------------------------------------------------------
    def slot(self, name: str) -> Slot:
        slot = self.slots.get(name)
        if slot is None or slot.champion is None:
            known = ", ".join(sorted(self.slots)) or "none: promote a version to champion"
            raise NotFound(f"no served model {name!r} (served: {known})", field="model")
        return slot

    async def rows_for(self, slot: Slot, entity_ids: list[Any], where: str) -> list[dict[str, Any]]:
        assert slot.champion is not None
        spec = slot.champion.spec
        if not spec.feature_view or not spec.entity:
            raise InvalidInput(
                f"{where}: model {slot.name!r} has no feature view; send its features inline",
                field=where,
            )
        repo = self._feature_repo()
        return await asyncio.to_thread(
            repo.online, spec.feature_view, spec.features, spec.entity, entity_ids
        )

    def _feature_repo(self) -> FeatureRepository:
        if self._features is None:
            self._features = self._make_features()
        return self._features

    async def predict(
        self, name: str, rows: list[dict[str, Any]], *, sticky: str | None = None
    ) -> Outcome:
        """Rows already checked against the champion's encoder (``check``).

        With a ``sticky`` key (an entity id, or the caller's ``X-Colonnade-Sticky``) the
        canary split is by its hash, so one customer always meets the same version.
        """
        slot = self.slot(name)
        champion = slot.champion
        assert champion is not None
        started = time.perf_counter()
        x = champion.encoder.matrix(rows)
        challenger = slot.challenger
        chain: list[tuple[str, ServedVersion]] = [("champion", champion)]
        weight = slot.config.canary_weight
        if challenger is not None and weight > 0:
            split = [("challenger", challenger), *chain]
            point = split_point(name, sticky)
            shares = {"challenger": weight, "champion": 1.0 - weight}
            if weighted_pick(split, lambda c: shares[c[0]], point)[0] == "challenger":
                chain = split
        fallback = self.slots.get(champion.spec.fallback_model or "")
        if fallback is not None and fallback.champion is not None:
            chain.append(("fallback", fallback.champion))

        async def score(step: tuple[str, ServedVersion], _attempt: int) -> Outcome:
            probs = await self._score(slot, step[1], x)
            return Outcome(step[0], step[1].version, [float(p) for p in probs])

        try:
            outcome = await first_answer(
                chain,
                score,
                admit=self._admit,
                failed=lambda step, _n, exc, _ms: self._failed(slot, *step, exc),
            )
        except Exhausted:
            if champion.spec.rules.declared:
                outcome = Outcome("rules", None, [champion.spec.rules.score(r) for r in rows])
            else:
                outcome = Outcome("default", None, [champion.spec.default_probability] * len(rows))
        if slot.config.shadow and challenger is not None and outcome.step == "champion":
            self._shadow(slot, challenger, x, outcome.probabilities, champion.spec.threshold)
        elapsed = time.perf_counter() - started
        self.metrics.latency.labels(name, outcome.step).observe(elapsed)
        self.metrics.rows.labels(name, outcome.version or "-", outcome.step).inc(len(rows))
        stat = slot.stat(outcome.version or outcome.step)
        stat.requests += 1
        stat.rows += len(rows)
        stat.latencies.append(elapsed)
        for p in outcome.probabilities:
            if p is not None:
                stat.probability_sum += p
                stat.positives += p >= champion.spec.threshold
        self.log.record(name, outcome.version or "-", outcome.step, rows, outcome.probabilities)
        return outcome

    @staticmethod
    def _admit(step: tuple[str, ServedVersion]) -> bool:
        name, served = step
        if served.breaker.admit():
            return True
        span_event("colonnade.breaker.skipped", version=served.version, step=name)
        return False

    async def _score(self, slot: Slot, served: ServedVersion, x: np.ndarray) -> np.ndarray:
        probs = await asyncio.wait_for(served.batcher.submit(x), slot.config.timeout_ms / 1000)
        served.breaker.record(True)
        self.metrics.breaker.labels(served.model, served.version).set(0)
        self.metrics.batch.labels(served.model, served.version).observe(len(x))
        return probs

    def _failed(self, slot: Slot, step: str, served: ServedVersion, exc: BaseException) -> bool:
        """Counted against the version's breaker and stats; the chain moves on."""
        if isinstance(exc, TimeoutError):
            reason = "timeout"
        else:
            reason = type(exc).__name__
            log.warning(
                "ml_step_failed",
                model=served.model,
                version=served.version,
                step=step,
                error=str(exc)[:200],
            )
        span_event("colonnade.fallback", version=served.version, step=step, reason=reason)
        breaker = served.breaker
        breaker.record(False)
        slot.stat(served.version).errors += 1
        self.metrics.failures.labels(served.model, served.version, reason).inc()
        self.metrics.breaker.labels(served.model, served.version).set(
            breaker.state is BreakerState.OPEN
        )
        return True

    def _shadow(
        self,
        slot: Slot,
        challenger: ServedVersion,
        x: np.ndarray,
        primary: list[float | None],
        threshold: float,
    ) -> None:
        async def run() -> None:
            try:
                probs = await asyncio.wait_for(
                    challenger.batcher.submit(x), slot.config.timeout_ms / 1000
                )
            except Exception:
                slot.stat(challenger.version).errors += 1
                return
            stat = slot.stat(challenger.version)
            stat.shadow_rows += len(probs)
            for mine, theirs in zip(probs, primary, strict=True):
                agreed = theirs is not None and (mine >= threshold) == (theirs >= threshold)
                stat.shadow_agreed += agreed
                self.metrics.shadow.labels(slot.name, challenger.version, str(agreed).lower()).inc()

        self._background.start(run())

    # views --------------------------------------------------------------------------------
    def describe(self) -> list[dict[str, Any]]:
        out = []
        for name in sorted(self.slots):
            slot = self.slots[name]
            champion = slot.champion
            if champion is None:
                continue
            spec = champion.spec
            out.append(
                {
                    "model": name,
                    "champion": champion.describe(),
                    "challenger": slot.challenger.describe() if slot.challenger else None,
                    "canary_weight": slot.config.canary_weight,
                    "shadow": slot.config.shadow,
                    "fallback": [
                        *([f"model {spec.fallback_model}"] if spec.fallback_model else []),
                        *(["rules"] if spec.rules.declared else []),
                        "default",
                    ],
                    "entity": spec.entity if spec.feature_view else None,
                    "threshold": spec.threshold,
                    "features": [f.model_dump(exclude_none=True) for f in spec.features],
                    "stats": {v: s.view() for v, s in slot.stats.items()},
                    "drifted": self.drift[name].drifted if name in self.drift else None,
                }
            )
        return out

    async def compute_drift_all(self) -> None:
        for name in list(self.slots):
            with contextlib.suppress(NotFound):
                await self.compute_drift(name)

    async def compute_drift(self, name: str) -> DriftReport:
        slot = self.slot(name)
        champion = slot.champion
        assert champion is not None
        await asyncio.to_thread(self.log.flush)
        current = await asyncio.to_thread(self.log.latest, name, self.ml.drift_window)
        if current.empty:
            raise NotFound(f"no logged predictions of {name!r} yet", field="model")
        report = await asyncio.to_thread(
            compute_drift,
            name,
            champion.reference,
            current,
            champion.spec.features,
            psi_threshold=self.ml.psi_threshold,
            ks_pvalue=self.ml.ks_pvalue,
            min_rows=self.ml.drift_min_rows,
        )
        for f in report.features:
            self.metrics.psi.labels(name, f.name).set(f.psi)
            self.metrics.drifted.labels(name, f.name).set(f.drifted)
        self.drift[name] = report
        return report
