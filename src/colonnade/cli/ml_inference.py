"""``colonnade predict`` and ``colonnade monitor``: batch and streaming inference, and the
data quality and drift of served models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from colonnade.cli.ml import guarded, ml_settings
from colonnade.cli.output import console, err_console, progress_bar
from colonnade.cli.runner import ConfigOpt, fail

__all__ = ["monitor_app", "predict_app"]

predict_app = typer.Typer(help="Batch and streaming inference.", no_args_is_help=True)
monitor_app = typer.Typer(help="Data quality and drift of served models.", no_args_is_help=True)


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
    settings = ml_settings(config)
    from colonnade.mlplatform.batch import score_file
    from colonnade.mlplatform.runtime import load_served

    def body() -> None:
        from colonnade.compute import build_executor

        served = load_served(settings, model, version)
        executor = build_executor(settings.compute)  # a Dask cluster when one is configured
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

    guarded(body)


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
    settings = ml_settings(config)
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
        guarded(body)
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
    settings = ml_settings(config)
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

    guarded(body)
