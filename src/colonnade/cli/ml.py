"""The ML platform's commands: train, models, features, predict, monitor (the ``ml`` extra)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from colonnade.cli.failures import expected_failure
from colonnade.cli.output import console, err_console, plain_when_piped, progress_bar
from colonnade.cli.runner import ConfigOpt, fail, load_cli_settings
from colonnade.errors import ColonnadeError
from colonnade.identity import Principal
from colonnade.settings import Settings

__all__ = ["features_app", "models_app", "monitor_app", "predict_app", "train"]

models_app = typer.Typer(help="The model registry: list, promote, roll back.", no_args_is_help=True)
features_app = typer.Typer(help="The feature store (Feast).", no_args_is_help=True)
predict_app = typer.Typer(help="Batch and streaming inference.", no_args_is_help=True)
monitor_app = typer.Typer(help="Data quality and drift of served models.", no_args_is_help=True)

KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="COLONNADE_API_KEY",
        help="the approver's API key (default: the local operator)",
    ),
]


def _settings(config: Path | None) -> Settings:
    from colonnade import mlplatform

    if not mlplatform.available():
        fail("the ML platform needs the ml extra: pip install 'colonnade[ml]'")
    return load_cli_settings(config)


def _guard(body: Any) -> Any:
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
    settings = _settings(config)
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

    _guard(body)


@models_app.command("list")
def models_list(
    name: Annotated[str | None, typer.Argument(help="one model's versions")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
) -> None:
    """Registered models and their versions, aliases, status and gate metrics."""
    settings = _settings(config)
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

    _guard(body)


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
    settings = _settings(config)
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

    _guard(body)


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
    settings = _settings(config)
    from colonnade.mlplatform.registry import Registry

    def body() -> None:
        approver = _approver(settings, key)
        registry = Registry.from_settings(settings)
        _may_change(settings, registry, approver, name)
        info = registry.promote(
            name,
            version,
            to,
            approver,
            note=note,
            approver_may_train=settings.ml.approver_may_train,
        )
        console.print(
            f"{name} version {info.version} is now {to} (approved by {approver.owner}); "
            "running servers follow within ml.watch_s",
            highlight=False,
        )

    _guard(body)


@models_app.command("rollback")
def models_rollback(
    name: str,
    note: Annotated[str, typer.Option(help="why, for the history")] = "",
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Put the previous champion back; the current one is marked rolled back."""
    settings = _settings(config)
    from colonnade.mlplatform.registry import Registry

    def body() -> None:
        approver = _approver(settings, key)
        registry = Registry.from_settings(settings)
        _may_change(settings, registry, approver, name)
        info = registry.rollback(name, approver, note=note)
        console.print(f"{name}: champion is version {info.version} again", highlight=False)

    _guard(body)


@models_app.command("reject")
def models_reject(
    name: str,
    version: str,
    reason: Annotated[str, typer.Option(help="why, for the history")],
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Mark a version rejected: it can no longer be promoted, and keeps its history."""
    settings = _settings(config)
    from colonnade.mlplatform.registry import Registry

    def body() -> None:
        approver = _approver(settings, key)
        registry = Registry.from_settings(settings)
        _may_change(settings, registry, approver, name)
        registry.reject(name, version, approver, reason)
        console.print(f"{name} version {version} rejected", highlight=False)

    _guard(body)


def _repo(settings: Settings) -> Any:
    from colonnade.mlplatform.features import FeatureRepository

    return FeatureRepository.from_settings(settings)


@features_app.command("apply")
def features_apply(pipeline: Path, config: ConfigOpt = None) -> None:
    """Register the pipeline's entity and feature view (generating the sample data if needed)."""
    settings = _settings(config)
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

    _guard(body)


@features_app.command("materialize")
def features_materialize(
    days: Annotated[float, typer.Option(help="how far back to load, from --end")] = 365.0,
    end: Annotated[str | None, typer.Option(help="ISO date; default now")] = None,
    config: ConfigOpt = None,
) -> None:
    """Load the latest feature values into the online store (for lookups by entity id)."""
    settings = _settings(config)

    def body() -> None:
        stop = datetime.fromisoformat(end).replace(tzinfo=UTC) if end else datetime.now(UTC)
        with plain_when_piped():
            _repo(settings).materialize(stop - timedelta(days=days), stop)
        console.print(f"materialized features up to {stop:%Y-%m-%d %H:%M} UTC", highlight=False)

    _guard(body)


@predict_app.command("batch")
def predict_batch(
    model: Annotated[str, typer.Option("--model", "-m")],
    input_path: Annotated[Path, typer.Option("--input", "-i", help=".csv or .parquet")],
    output: Annotated[Path, typer.Option("--output", "-o", help=".csv or .parquet")],
    version: Annotated[str, typer.Option(help="an alias or a version number")] = "champion",
    chunk_rows: Annotated[int, typer.Option(min=1)] = 50_000,
    config: ConfigOpt = None,
) -> None:
    """Score a file in chunks with a progress bar; a rerun resumes where it stopped."""
    settings = _settings(config)
    from colonnade.mlplatform.batch import score_file
    from colonnade.mlplatform.runtime import load_served

    def body() -> None:
        from colonnade.compute import build_executor

        served = load_served(settings, model, version)
        executor = build_executor(settings.compute)
        try:
            with progress_bar(f"{model} v{served.version}") as update:
                result = score_file(
                    served,
                    input_path,
                    output,
                    chunk_rows=chunk_rows,
                    progress=lambda done, total: update("rows", done, total),
                    executor=executor,
                )
        finally:
            executor.close()
        resumed = f", {result.resumed_chunks} resumed" if result.resumed_chunks else ""
        console.print(
            f"{result.rows} rows in {result.chunks} chunks{resumed} -> {result.output} "
            f"({executor.where})",
            highlight=False,
        )

    _guard(body)


@predict_app.command("stream")
def predict_stream(
    model: Annotated[str, typer.Option("--model", "-m")],
    redis_url: Annotated[str, typer.Option("--redis", help="redis://host:port/db")],
    input_stream: Annotated[str, typer.Option("--input")] = "colonnade:predict:in",
    output_stream: Annotated[str, typer.Option("--output")] = "colonnade:predict:out",
    group: Annotated[str, typer.Option()] = "colonnade-predict",
    consumer: Annotated[str | None, typer.Option(help="default: host-pid")] = None,
    version: Annotated[str, typer.Option(help="an alias or a version number")] = "champion",
    idle_exit_s: Annotated[float | None, typer.Option(help="stop after this long idle")] = None,
    claim_idle_ms: Annotated[int, typer.Option()] = 30_000,
    metrics_port: Annotated[
        int | None, typer.Option(help="serve /metrics (stream depth, written) on this port")
    ] = None,
    metrics_host: Annotated[
        str, typer.Option(help="the address /metrics listens on (0.0.0.0 in a pod)")
    ] = "127.0.0.1",
    config: ConfigOpt = None,
) -> None:
    """Consume a Redis Stream with a consumer group and write predictions to another."""
    settings = _settings(config)
    import os
    import socket

    import redis

    from colonnade.mlplatform.runtime import load_served
    from colonnade.mlplatform.streaming import StreamWorker

    def body() -> None:
        served = load_served(settings, model, version)
        worker = StreamWorker(
            redis.Redis.from_url(redis_url),
            served,
            input_stream=input_stream,
            output_stream=output_stream,
            group=group,
            consumer=consumer or f"{socket.gethostname()}-{os.getpid()}",
            claim_idle_ms=claim_idle_ms,
        )
        if metrics_port is not None:
            from prometheus_client import start_http_server

            start_http_server(metrics_port, addr=metrics_host, registry=worker.metrics)
        err_console.print(
            f"scoring {input_stream} -> {output_stream} with {model} "
            f"v{served.version}; depth {worker.depth()}",
            highlight=False,
        )
        stats = worker.run(
            idle_exit_s=idle_exit_s,
            on_batch=lambda s, depth: err_console.print(
                f"[dim]written {s.written}, duplicates {s.duplicates}, errors {s.errors}, "
                f"depth {depth}[/]",
                highlight=False,
            ),
        )
        console.print(json.dumps(stats.__dict__), highlight=False, soft_wrap=True)

    try:
        _guard(body)
    except KeyboardInterrupt:
        err_console.print("stopped")


@monitor_app.command("drift")
def monitor_drift(
    model: str,
    window: Annotated[
        int | None, typer.Option(help="latest logged rows (default ml.drift_window)")
    ] = None,
    html: Annotated[Path | None, typer.Option(help="also write an HTML report here")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config: ConfigOpt = None,
) -> None:
    """Data quality and drift (PSI, KS) of logged predictions against the training reference."""
    settings = _settings(config)
    from colonnade.mlplatform.monitoring import PredictionLog, compute_drift, render_html
    from colonnade.mlplatform.runtime import load_served

    def body() -> None:
        served = load_served(settings, model)
        log = PredictionLog.from_settings(settings)
        current = log.latest(model, window or settings.ml.drift_window)
        if current.empty:
            fail(f"no logged predictions of {model!r} yet")
        ml = settings.ml
        report = compute_drift(
            model,
            served.reference,
            current,
            served.spec.features,
            psi_threshold=ml.psi_threshold,
            ks_pvalue=ml.ks_pvalue,
            min_rows=ml.drift_min_rows,
        )
        if as_json:
            console.print_json(json.dumps(report.as_dict()))
        else:
            table = Table(
                title=f"{model}: {report.current_rows} logged rows vs "
                f"{report.reference_rows} training rows"
            )
            for col in ("feature", "PSI", "", "KS p-value", "mean train → now", "verdict"):
                table.add_column(col)
            top = max([f.psi for f in report.features] + [ml.psi_threshold * 1.5])
            for f in report.features:
                bar = "█" * max(1, round(20 * f.psi / top))
                colour = "red" if f.drifted else "green"
                table.add_row(
                    f.name,
                    f"{f.psi:.3f}",
                    f"[{colour}]{bar}[/]",
                    "" if f.ks_pvalue is None else f"{f.ks_pvalue:.2g}",
                    ""
                    if f.reference_mean is None
                    else f"{f.reference_mean:.1f} → {f.current_mean:.1f}",
                    f"[{colour}]{'DRIFT' if f.drifted else 'ok'}[/]",
                )
            console.print(table)
            for problem in report.quality.problems:
                console.print(f"[yellow]quality:[/] {problem}", highlight=False)
            console.print(
                f"PSI threshold {ml.psi_threshold}, KS p-value {ml.ks_pvalue}; "
                f"drifted: {', '.join(report.drifted) or 'none'}",
                highlight=False,
            )
        if html is not None:
            html.write_text(render_html(report, ml.psi_threshold))
            console.print(f"report: {html}", highlight=False)
        if not report.enough_data:
            err_console.print(
                f"not enough data: {report.current_rows} logged predictions of {model!r}, "
                f"drift needs at least {report.min_rows} (ml.drift_min_rows); "
                "no feature is called drifted",
                highlight=False,
                soft_wrap=True,
            )
        if report.drifted:
            raise typer.Exit(3)

    _guard(body)
