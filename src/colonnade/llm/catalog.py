"""Builds the router from the catalog in Settings: each deployment wrapped as
``Retrying(CircuitBreaker(provider))``, all sharing one ledger and one metrics registry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from colonnade.llm.accounting import LLMMetrics, UsageLedger
from colonnade.llm.ports import ChatModel
from colonnade.llm.providers.llamacpp import LocalLlamaCppChatModel
from colonnade.llm.providers.openai_compatible import OpenAICompatibleChatModel
from colonnade.llm.reliability import CircuitBreaker, Retrying
from colonnade.llm.router import Classifier, Deployment, Router
from colonnade.reliability import BreakerFactory, local_breakers
from colonnade.settings import DeploymentSettings, LLMSettings

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

__all__ = ["build_provider", "build_router"]


def build_provider(name: str, dep: DeploymentSettings) -> ChatModel:
    if dep.provider == "llamacpp":
        return LocalLlamaCppChatModel(name, dep)
    return OpenAICompatibleChatModel(name, dep)


def build_router(
    settings: LLMSettings,
    *,
    ledger_path: Path | None = None,
    metrics: LLMMetrics | None = None,
    ledger_url: str | None = None,
    classifiers: list[Classifier] | None = None,
    tracer: Tracer | None = None,
    breakers: BreakerFactory = local_breakers,
) -> Router:
    """With a ``tracer``, each deployment's chain is wrapped in a span per attempt;
    ``breakers`` makes each deployment's breaker (in this process, or shared in Redis)."""
    metrics = metrics or LLMMetrics()
    deployments: dict[str, Deployment] = {}
    for name, dep in settings.deployments.items():
        breaker = CircuitBreaker(
            build_provider(name, dep),
            settings.breaker,
            breaker=breakers(name, settings.breaker, metrics.breaker_changed),
        )
        metrics.breaker.labels(name).set(0)
        model: ChatModel = Retrying(breaker, max_retries=dep.max_retries)
        if tracer is not None:
            model = _traced(model, tracer, name, dep)
        deployments[name] = Deployment(name, dep, model, breaker)
    ledger = UsageLedger(ledger_path, metrics=metrics) if ledger_path is not None else None
    if ledger_url is not None:  # PostgreSQL, shared by every replica
        from colonnade.llm.accounting_postgres import PostgresUsageLedger

        ledger = PostgresUsageLedger(ledger_url, metrics=metrics)
    return Router(settings, deployments, ledger=ledger, metrics=metrics, classifiers=classifiers)


_PROVIDERS = {"openai": "openai", "azure_openai": "azure.ai.openai", "llamacpp": "llama.cpp"}


def _traced(model: ChatModel, tracer: Tracer, name: str, dep: DeploymentSettings) -> ChatModel:
    from colonnade.llm.tracing import TracedChatModel

    attributes: dict[str, str | int] = {"colonnade.deployment": name, "colonnade.path": dep.path}
    if dep.base_url:
        url = urlsplit(dep.base_url)
        attributes["server.address"] = url.hostname or ""
        if url.port:
            attributes["server.port"] = url.port
    return TracedChatModel(
        model, tracer, provider=_PROVIDERS[dep.provider], model=dep.model, attributes=attributes
    )
