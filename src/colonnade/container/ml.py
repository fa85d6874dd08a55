"""The ML platform's parts of the composition root: tracking and registry, the prediction
log, the online features and, in a running server, the predictions runtime."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from colonnade.container.base import Parts

if TYPE_CHECKING:
    from colonnade.mlplatform.features import FeatureRepository
    from colonnade.mlplatform.monitoring import PredictionLog
    from colonnade.mlplatform.serving import PredictionService
    from colonnade.mlplatform.tracing import Predictor
    from colonnade.mlplatform.tracking import Tracking

__all__ = ["MLParts"]


class MLParts(Parts):
    predictions: PredictionService | None  # started by Container.serving()

    async def _prediction_service(self) -> PredictionService | None:
        """The predictions runtime, when the ml extra is installed (models load from the
        registry)."""
        from colonnade import mlplatform

        if not self.settings.ml.enabled or not mlplatform.available():
            return None
        from colonnade.mlplatform.serving import MLMetrics, PredictionService

        service = PredictionService(
            self.settings.ml,
            self.tracking,
            self.prediction_log,
            features=lambda: self.feature_repository,
            metrics=MLMetrics(self.llm_metrics.registry),
        )
        await service.start()
        return service

    @property
    def predictor(self) -> Predictor | None:
        """The predictions runtime's hot call, in a span per request when tracing."""
        service = self.predictions
        if service is None or self.tracer is None:
            return service
        from colonnade.mlplatform.tracing import TracedPredictor

        return TracedPredictor(service, self.tracer)

    @cached_property
    def tracking(self) -> Tracking:
        from colonnade.mlplatform.tracking import Tracking

        return Tracking.from_settings(self.settings)

    @cached_property
    def prediction_log(self) -> PredictionLog:
        from colonnade.mlplatform.monitoring import PredictionLog

        return PredictionLog.from_settings(self.settings)

    @cached_property
    def feature_repository(self) -> FeatureRepository:
        from colonnade.mlplatform.features import FeatureRepository

        return FeatureRepository.from_settings(self.settings)
