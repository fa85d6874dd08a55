"""The ML platform's commands: train, models, features, predict, monitor (the ``ml`` extra)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from colonnade.cli.failures import expected_failure
from colonnade.cli.output import console, err_console, plain_when_piped
from colonnade.cli.runner import ConfigOpt, fail, load_cli_settings
from colonnade.errors import ColonnadeError
from colonnade.identity import Principal
from colonnade.settings import Settings

__all__ = ["features_app", "guarded", "ml_settings", "models_app", "train"]

models_app = typer.Typer(help="The model registry: list, promote, roll back.", no_args_is_help=True)
features_app = typer.Typer(help="The feature store (Feast).", no_args_is_help=True)

KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="COLONNADE_API_KEY",
        help="the approver's API key (default: the local operator)",
    ),
]


def ml_settings(config: Path | None) -> Settings:
    from colonnade import mlplatform

    if not mlplatform.available():
        fail("the ML platform needs the ml extra: pip install 'colonnade[ml]'")
    return load_cli_settings(config)


def guarded(body: Callable[[], Any]) -> Any:
    """``body()``, with a Colonnade error or an expected failure as a one-line message."""
    try:
        return body()
    except ColonnadeError as exc:
        fail(exc.message)
    except Exception as exc:
        message = expected_failure(exc)
        if message is None:
            raise
        fail(message)


def _approver(settings: Settings, key: str | None) -> Principal:
    """The principal of ``--key``, as the API would authenticate it; the local operator without."""
    from colonnade.container import Container

    c = Container(settings)
    try:
        auth = c.authenticator
        token = key or (auth.local.key if auth.local is not None else None)
        return asyncio.run(auth.authenticate(token))
    finally:
        c.close()


def _may_change(settings: Settings, registry: Any, approver: Principal, name: str) -> None:
    """The API's rule: platform models for platform operators, a tenant's for its own."""
    from colonnade.identity.governance import check_model_owner

    owner = registry.owner(name)
    check_model_owner(approver, name, owner, settings.security.platform_tenant)


def _approved_change(
    settings: Settings,
    key: str | None,
    name: str,
    change: Callable[[Any, Principal], str],
) -> None:
    """A registry change by the approver ``--key`` names, under the API's ownership rule;
    prints what ``change`` says it did."""
    from colonnade.mlplatform.registry import Registry

    def body() -> None:
        approver = _approver(settings, key)
        registry = Registry.from_settings(settings)
        _may_change(settings, registry, approver, name)
        console.print(change(registry, approver), highlight=False)

    guarded(body)


def train(
    pipeline: Annotated[
        Path, typer.Argument(help="the pipeline file, e.g. examples/ml/churn.yaml")
    ],
    trials: Annotated[
        int | None, typer.Option(help="override the pipeline's tuning trials")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Run a training pipeline; the new version is registered as staging."""
    settings = ml_settings(config)
    from colonnade.mlplatform.spec import load_pipeline
    from colonnade.mlplatform.training import train as run_training

    def body() -> None:
        spec = load_pipeline(pipeline)
        if trials is not None:
            spec.train.tune.trials = trials
        started = time.perf_counter()
        result = run_training(
            spec, settings, progress=lambda m: err_console.print(f"[dim]{m}[/]", highlight=False)
        )
        table = Table(title=f"{result.model} version {result.version} (held-out test split)")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for k, v in result.metrics.items():
            table.add_row(k, f"{v:.4f}" if k != "rows" else f"{v:.0f}")
        console.print(table)
        for column, by_value in result.segments.items():
            seg = Table(title=f"by {column}")
            for name in ("value", "rows", "roc_auc", "positive_rate"):
                seg.add_column(name, justify="right" if name != "value" else "left")
            for value, m in by_value.items():
                seg.add_row(
                    value,
                    f"{m['rows']:.0f}",
                    f"{m.get('roc_auc', float('nan')):.3f}",
                    f"{m['positive_rate']:.3f}",
                )
            console.print(seg)
        verdict = (
            "[green]passes its gate[/]"
            if not result.gate_failures
            else f"[red]fails its gate: {'; '.join(result.gate_failures)}[/]"
        )
        console.print(
            f"run {result.run_id} in {time.perf_counter() - started:.1f}s; data "
            f"{result.lineage['data_hash']}, features {result.lineage['feature_version']}; "
            f"{verdict}. Next, with an approver's key (not the trainer's): colonnade models "
            f'promote {result.model} {result.version} --to champion --key "$APPROVER_KEY"',
            highlight=False,
            soft_wrap=True,
        )

    guarded(body)


@models_app.command("list")
def models_list(
    name: Annotated[str | None, typer.Argument(help="one model's versions")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
) -> None:
    """Registered models and their versions, aliases, status and gate metrics."""
    settings = ml_settings(config)
    from colonnade.mlplatform.registry import Registry

    def body() -> None:
        registry = Registry.from_settings(settings)
        names = [name] if name else registry.models()
        rows = [v for n in names for v in registry.versions(n)]
        if as_json:
            console.print_json(
                json.dumps(
                    [
                        {
                            "model": v.model,
                            "version": v.version,
                            "status": v.status,
                            "aliases": v.aliases,
                            "metrics": v.metrics,
                            "run_id": v.run_id,
                            "history": v.history,
                        }
                        for v in rows
                    ]
                )
            )
            return
        table = Table()
        for col in ("model", "version", "aliases", "status", "roc_auc", "fairness_gap", "last act"):
            table.add_column(col)
        for v in rows:
            last = v.history[-1] if v.history else {}
            when = datetime.fromtimestamp(last.get("at", 0), UTC).strftime("%Y-%m-%d %H:%M")
            table.add_row(
                v.model,
                v.version,
                ", ".join(sorted(v.aliases)),
                v.status,
                f"{v.metrics.get('roc_auc', float('nan')):.3f}",
                f"{v.metrics.get('fairness_gap', float('nan')):.3f}",
                f"{last.get('action', '')} by {last.get('by', '?')} {when}" if last else "",
            )
        console.print(table if rows else "No registered models: run colonnade train PIPELINE")

    guarded(body)


@models_app.command("export")
def models_export(
    name: str,
    storage_uri: Annotated[
        str | None,
        typer.Option(help="where the cluster reads model.onnx; default: the registry's location"),
    ] = None,
    namespace: Annotated[str | None, typer.Option()] = None,
    alias: Annotated[str, typer.Option(help="which version: an alias")] = "champion",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="default: stdout")] = None,
    config: ConfigOpt = None,
) -> None:
    """A KServe InferenceService (Open Inference Protocol v2) for the champion version."""
    settings = ml_settings(config)
    import yaml

    from colonnade.mlplatform.export import inference_service

    def body() -> None:
        resource = inference_service(
            settings, name, alias=alias, storage_uri=storage_uri, namespace=namespace
        )
        text = yaml.safe_dump(resource, sort_keys=False)
        if output is None:
            print(text, end="")  # plain YAML for kubectl apply -f -
        else:
            output.write_text(text)
            err_console.print(f"wrote {output}", highlight=False)

    guarded(body)


@models_app.command("promote")
def models_promote(
    name: str,
    version: str,
    to: Annotated[str, typer.Option("--to", help="staging, challenger or champion")] = "champion",
    note: Annotated[str, typer.Option(help="why, for the history")] = "",
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Promote a version through the gate; you (the key's principal) are the approver."""

    def change(registry: Any, approver: Principal) -> str:
        info = registry.promote(
            name,
            version,
            to,
            approver,
            note=note,
            approver_may_train=settings.ml.approver_may_train,
        )
        return (
            f"{name} version {info.version} is now {to} (approved by {approver.owner}); "
            "running servers follow within ml.watch_s"
        )

    settings = ml_settings(config)
    _approved_change(settings, key, name, change)


@models_app.command("rollback")
def models_rollback(
    name: str,
    note: Annotated[str, typer.Option(help="why, for the history")] = "",
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Put the previous champion back; the current one is marked rolled back."""

    def change(registry: Any, approver: Principal) -> str:
        info = registry.rollback(name, approver, note=note)
        return f"{name}: champion is version {info.version} again"

    _approved_change(ml_settings(config), key, name, change)


@models_app.command("reject")
def models_reject(
    name: str,
    version: str,
    reason: Annotated[str, typer.Option(help="why, for the history")],
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Mark a version rejected: it can no longer be promoted, and keeps its history."""

    def change(registry: Any, approver: Principal) -> str:
        registry.reject(name, version, approver, reason)
        return f"{name} version {version} rejected"

    _approved_change(ml_settings(config), key, name, change)


def _repo(settings: Settings) -> Any:
    from colonnade.mlplatform.features import FeatureRepository

    return FeatureRepository.from_settings(settings)


@features_app.command("apply")
def features_apply(pipeline: Path, config: ConfigOpt = None) -> None:
    """Register the pipeline's entity and feature view (generating the sample data if needed)."""
    settings = ml_settings(config)
    from colonnade.mlplatform.spec import load_pipeline
    from colonnade.mlplatform.training import feature_files

    def body() -> None:
        spec = load_pipeline(pipeline)
        features_path, _ = feature_files(
            spec, settings, lambda m: err_console.print(f"[dim]{m}[/]", highlight=False)
        )
        with plain_when_piped():
            applied = _repo(settings).apply(spec, features_path)
        for line in applied:
            console.print(f"applied {line}", highlight=False)

    guarded(body)


@features_app.command("materialize")
def features_materialize(
    days: Annotated[float, typer.Option(help="how far back to load, from --end")] = 365.0,
    end: Annotated[str | None, typer.Option(help="ISO date; default now")] = None,
    config: ConfigOpt = None,
) -> None:
    """Load the latest feature values into the online store (for lookups by entity id)."""
    settings = ml_settings(config)

    def body() -> None:
        stop = datetime.fromisoformat(end).replace(tzinfo=UTC) if end else datetime.now(UTC)
        with plain_when_piped():
            _repo(settings).materialize(stop - timedelta(days=days), stop)
        console.print(f"materialized features up to {stop:%Y-%m-%d %H:%M} UTC", highlight=False)

    guarded(body)
