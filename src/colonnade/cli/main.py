"""``colonnade``: ingest, search, collections, documents, reindex, eval."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from colonnade.cli import approvals as approvals_commands
from colonnade.cli import chat as chat_commands
from colonnade.cli import feedback as feedback_commands
from colonnade.cli import library as library_commands
from colonnade.cli import options as root_options
from colonnade.cli import serve as serve_commands
from colonnade.cli.audited import cli_audit
from colonnade.cli.db import db_app
from colonnade.cli.ml import features_app, models_app, train
from colonnade.cli.ml_inference import monitor_app, predict_app
from colonnade.cli.output import console, err_console, progress_bar
from colonnade.cli.runner import ConfigOpt, fail, run
from colonnade.cli.security import audit_app, keys_app
from colonnade.cli.sources import ingest_source
from colonnade.cli.worker import worker_app
from colonnade.container import Container
from colonnade.errors import DocumentError, InvalidInput
from colonnade.knowledge.models import Filters, SearchMode

__all__ = ["app", "main"]

app = typer.Typer(
    name="colonnade",
    help="Colonnade: grounded answers over your internal documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
eval_app = typer.Typer(help="Measure retrieval quality.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(models_app, name="models")
app.add_typer(features_app, name="features")
app.add_typer(predict_app, name="predict")
app.add_typer(monitor_app, name="monitor")
app.add_typer(db_app, name="db")
app.add_typer(worker_app, name="worker")
app.command("train")(train)


def _parse_filters(
    collection: list[str] | None,
    doc_type: list[str] | None,
    where: list[str] | None,
    since: str | None,
) -> Filters:
    metadata: dict[str, str | int | float | bool] = {}
    for item in where or []:
        if "=" not in item:
            fail(f"--where {item!r} must look like key=value")
        key, value = item.split("=", 1)
        metadata[key.strip()] = value
    modified_after = None
    if since:
        try:
            modified_after = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since {since!r} is not a date: use YYYY-MM-DD")
    return Filters(
        collections=collection or None,
        doc_types=doc_type or None,
        metadata=metadata,
        modified_after=modified_after,
    )


@app.command()
def ingest(
    path: Annotated[
        Path | None,
        typer.Argument(help="a folder (recursive) or a file; or --rest / --mcp / --blob"),
    ] = None,
    collection: Annotated[str, typer.Option("--collection", "-C")] = "default",
    include: Annotated[
        list[str] | None, typer.Option(help="glob to include, e.g. '**/*.md'")
    ] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="glob to exclude")] = None,
    rest: Annotated[
        str | None,
        typer.Option("--rest", help="page a JSON REST API: each record one document"),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="with --rest: NAME=PATH for items, next, cursor, id, title, body, updated, "
            "acl_users, acl_groups (dotted paths, e.g. next=paging.next)",
        ),
    ] = None,
    meta: Annotated[
        list[str] | None,
        typer.Option("--meta", help="with --rest: a record field kept as metadata"),
    ] = None,
    header: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", help="with --rest: 'Name: value' sent with every page"),
    ] = None,
    mcp: Annotated[
        str | None,
        typer.Option("--mcp", help="the resources of this MCP server (tools.mcp.NAME settings)"),
    ] = None,
    tenant: Annotated[str, typer.Option(help="the tenant the collection belongs to")] = "default",
    queue: Annotated[
        bool, typer.Option("--queue", help="enqueue one job for the workers; print its id")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="re-ingest: parse, chunk and embed unchanged files again as well"
        ),
    ] = False,
    blob: Annotated[
        str | None,
        typer.Option(
            "--blob",
            help="an Azure Blob container URL, https://ACCOUNT.blob.core.windows.net/CONTAINER "
            "(sign-in: ingestion.blob)",
        ),
    ] = None,
    blob_prefix: Annotated[
        str, typer.Option("--blob-prefix", help="only blobs whose names start with this")
    ] = "",
    config: ConfigOpt = None,
) -> None:
    """Ingest documents from a folder or file, a paged JSON REST API (--rest), an MCP
    server's resources (--mcp) or an Azure Blob container (--blob): parse, chunk, embed and
    index; unchanged documents are skipped and ones the source no longer lists are deleted."""

    def body(c: Container) -> None:
        if force and queue:
            raise InvalidInput("--force is not queued: leave out --queue to re-ingest")
        source, label = ingest_source(
            c,
            path,
            rest=rest,
            mcp=mcp,
            include=include,
            exclude=exclude,
            fields=field,
            meta=meta,
            headers=header,
            blob=blob,
            blob_prefix=blob_prefix,
        )
        if queue:
            if path is None:
                fail("--queue takes a folder or a file; ingest --rest, --mcp and --blob directly")
            from colonnade.cli.worker import enqueue_source

            enqueue_source(c, source, collection, tenant)
            return
        with progress_bar(f"ingest {label}") as progress:
            try:
                # parsed and embedded on the Dask cluster when one is configured, forced or not
                report = c.batch_ingestor.ingest(
                    source, collection, progress, tenant=tenant, force=force
                )
            except DocumentError as exc:  # a source that cannot be listed: its first line
                fail(exc.message.splitlines()[0])
        from colonnade.cli.worker import cli_actor
        from colonnade.knowledge.history import record_report

        record_report(c.ingest_history, report, tenant=tenant, actor=cli_actor(), kind="cli")
        table = Table(title=f"Ingest report: {collection}", show_header=True)
        for col in (
            "seen",
            "added",
            "updated",
            "skipped",
            "deleted",
            "failed",
            "chunks",
            "seconds",
        ):
            table.add_column(col, justify="right")
        table.add_row(
            *(
                str(v)
                for v in (
                    report.seen,
                    report.added,
                    report.updated,
                    report.skipped,
                    report.deleted,
                    len(report.failed),
                    report.chunks,
                )
            ),
            f"{report.seconds:.1f}",
        )
        console.print(table)
        cli_audit(
            c,
            "ingest",
            "ingest",
            tenant=tenant,
            collection=collection,
            added=report.added,
            updated=report.updated,
            deleted=report.deleted,
            failed=len(report.failed) or None,
        )
        for failure in report.failed:
            console.print(
                f"[yellow]failed[/] {failure.source_uri}: [{failure.reason}] {failure.message}",
                highlight=False,
            )
        if report.failed and report.added + report.updated + report.skipped == 0:
            raise typer.Exit(2)

    run(config, body)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="what to look for")],
    collection: Annotated[list[str] | None, typer.Option("--collection", "-C")] = None,
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=100)] = 5,
    mode: Annotated[SearchMode, typer.Option(help="keyword, vector or hybrid")] = SearchMode.hybrid,
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", help="pdf, docx, markdown, ...")
    ] = None,
    where: Annotated[list[str] | None, typer.Option(help="metadata filter key=value")] = None,
    since: Annotated[
        str | None, typer.Option(help="only documents modified since YYYY-MM-DD")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    config: ConfigOpt = None,
) -> None:
    """Hybrid search (BM25 + vectors, fused by RRF) with metadata filters."""

    def body(c: Container) -> None:
        filters = _parse_filters(collection, doc_type, where, since)
        result = c.retriever.search(query, filters=filters, top_k=top_k, mode=mode)
        if as_json:
            hits = [
                {
                    k: getattr(h, k)
                    for k in (
                        "chunk_id",
                        "document_id",
                        "collection",
                        "title",
                        "source_uri",
                        "page",
                        "heading_path",
                        "start_char",
                        "end_char",
                        "score",
                        "text",
                    )
                }
                for h in result.hits
            ]
            console.print_json(json.dumps({"hits": hits, "timings_ms": result.timings_ms}))
            return
        if not result.hits:
            console.print("No matching documents.")
            return
        for n, hit in enumerate(result.hits, start=1):
            where_in = " › ".join(hit.heading_path)
            page = f" p.{hit.page}" if hit.page else ""
            console.print(f"[bold][{n}] {hit.title}[/]{page}  [dim]{where_in}[/]", highlight=False)
            snippet = " ".join(hit.text.split())
            console.print(
                f"    {snippet[:300]}{'…' if len(snippet) > 300 else ''}", highlight=False
            )
            console.print(f"    [dim]{hit.source_uri}  score {hit.score:.4f}[/]", highlight=False)
        t = result.timings_ms
        console.print(
            f"[dim]{len(result.hits)} hits · search {t.get('search_ms', 0):.1f} ms"
            f" · query embedding {t.get('embed_ms', 0):.1f} ms[/]"
        )

    run(config, body)


@app.command()
def reindex(config: ConfigOpt = None) -> None:
    """Re-embed every chunk with the configured model into a new index version, then swap."""
    from colonnade.knowledge.reindex import rebuild_index

    def body(c: Container) -> None:
        with progress_bar("reindex") as progress:
            index = rebuild_index(c.store, c.embedder, progress=progress)
        console.print(f"active index v{index.id}: {index.model} ({index.vectors} vectors)")

    run(config, body)


@eval_app.command("retrieval")
def eval_retrieval(
    beir: Annotated[
        Path, typer.Option("--beir", help="a BEIR folder: corpus.jsonl, queries.jsonl, qrels/")
    ],
    split: str = "test",
    output: Annotated[Path | None, typer.Option(help="write the figures as JSON here")] = None,
    config: ConfigOpt = None,
) -> None:
    """nDCG@10, Recall@100 and MRR@10 for keyword, vector and hybrid search."""
    from colonnade.knowledge.evaluation import evaluate, load_beir

    def body(c: Container) -> None:
        dataset = load_beir(beir, split)
        with progress_bar(f"index {dataset.name}") as progress:
            scores = evaluate(c.ingestor, c.retriever, dataset, progress=progress)
        cores = os.cpu_count()
        for mode, figures in scores.items():
            console.print(
                f"{mode:<8} nDCG@10 {figures['nDCG@10']:.4f}"
                f"  Recall@100 {figures['Recall@100']:.4f}  MRR@10 {figures['MRR@10']:.4f}"
                f"  ({len(dataset.queries)} queries, {cores} cores)",
                highlight=False,
            )
        if output:
            output.write_text(json.dumps({"dataset": dataset.name, "scores": scores}, indent=2))

    run(config, body)


library_commands.register(app)
feedback_commands.register(app, eval_app)
chat_commands.register(app)
serve_commands.register(app)
approvals_commands.register(app)
root_options.register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
