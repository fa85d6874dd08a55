"""Builds the router from the catalog in Settings: each deployment wrapped as
``Retrying(CircuitBreaker(provider))``, all sharing one ledger and one metrics registry."""

from __future__ import annotations

from pathlib import Path

from colonnade.llm.accounting import LLMMetrics, UsageLedger
from colonnade.llm.ports import ChatModel
from colonnade.llm.providers.llamacpp import LocalLlamaCppChatModel
from colonnade.llm.providers.openai_compatible import OpenAICompatibleChatModel
from colonnade.llm.reliability import CircuitBreaker, Retrying
from colonnade.llm.router import Classifier, Deployment, Router
from colonnade.settings import DeploymentSettings, LLMSettings

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
) -> Router:
    metrics = metrics or LLMMetrics()
    deployments: dict[str, Deployment] = {}
    for name, dep in settings.deployments.items():
        breaker = CircuitBreaker(
            build_provider(name, dep), settings.breaker, on_change=metrics.breaker_changed
        )
        metrics.breaker.labels(name).set(0)
        deployments[name] = Deployment(
            name, dep, Retrying(breaker, max_retries=dep.max_retries), breaker
        )
    ledger = UsageLedger(ledger_path, metrics=metrics) if ledger_path is not None else None
    if ledger_url is not None:  # PostgreSQL, shared by every replica
        from colonnade.llm.accounting_postgres import PostgresUsageLedger

        ledger = PostgresUsageLedger(ledger_url, metrics=metrics)
    return Router(settings, deployments, ledger=ledger, metrics=metrics, classifiers=classifiers)
