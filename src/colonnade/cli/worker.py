"""``colonnade worker ingest``: apply queued ingestion jobs (a Deployment scaled on queue depth)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from colonnade.cli.output import console
from colonnade.cli.runner import ConfigOpt, fail, run
from colonnade.container import Container
from colonnade.knowledge.ports import Source

__all__ = ["worker_app"]

worker_app = typer.Typer(help="Background workers.", no_args_is_help=True)


@worker_app.command("ingest")
def ingest_worker(
    metrics_port: Annotated[
        int | None, typer.Option(help="serve queue depth and age for Prometheus on this port")
    ] = None,
    once: Annotated[bool, typer.Option(help="apply the jobs waiting now, then stop")] = False,
    config: ConfigOpt = None,
) -> None:
    """Apply ingestion jobs from the queue in ingestion.queue_url until stopped."""

    def body(c: Container) -> None:
        if not c.settings.ingestion.queue_url:
            fail(
                "no ingestion queue is configured: set COLONNADE_INGESTION__QUEUE_URL=redis://… "
                "(without it, `colonnade serve` applies uploads itself)"
            )
        from colonnade.knowledge.queue.worker import IngestWorker

        worker = IngestWorker(c.ingest_queue, c.ingestor, history=c.ingest_history)
        if metrics_port is not None:
            from prometheus_client import CollectorRegistry, start_http_server

            from colonnade.knowledge.queue.metrics import register_queue_metrics

            registry = CollectorRegistry()
            register_queue_metrics(c.ingest_queue, registry)
            start_http_server(metrics_port, addr="0.0.0.0", registry=registry)  # noqa: S104
        console.print(f"ingestion worker {worker.consumer} waiting for jobs", soft_wrap=True)
        if once:
            while worker.process_one(wait_s=0.5):
                pass
        else:
            stop = threading.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            worker.run(stop)
        console.print(f"applied {worker.processed} jobs")

    run(config, body)


def cli_actor() -> str:
    """Who runs the command, as the ingest history names them (``cli:<login>``)."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in this environment
        return "cli"


def enqueue_source(c: Container, source: Source, collection: str, tenant: str) -> None:
    """``colonnade ingest --queue``: one job with every file of ``source``."""
    from colonnade.knowledge.queue import job_from_source

    if not c.settings.ingestion.queue_url:
        fail(
            "--queue needs a shared queue: set COLONNADE_INGESTION__QUEUE_URL=redis://… "
            "and run `colonnade worker ingest`"
        )
    c.store.ensure_collection(collection, tenant=tenant)
    job = job_from_source(
        source,
        collection,
        tenant=tenant,
        max_file_bytes=c.settings.ingestion.max_file_bytes,
        actor=cli_actor(),
    )
    job_id = c.ingest_queue.enqueue(job)
    console.print(f"queued {len(job.files)} files as job {job_id}", soft_wrap=True)


@worker_app.command("job")
def job_status(
    job_id: Annotated[str, typer.Argument(help="the id `colonnade ingest --queue` printed")],
    config: ConfigOpt = None,
) -> None:
    """An ingestion job's progress and, when done, its report."""

    def body(c: Container) -> None:
        status = c.ingest_queue.status(job_id)
        if status is None:
            fail(f"no ingestion job {job_id}: statuses are kept for seven days")
        console.print_json(data=status)

    run(config, body)
