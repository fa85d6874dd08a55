"""``colonnade collections`` and ``colonnade documents``: list, and delete by name or id."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from colonnade.cli.audited import cli_audit
from colonnade.cli.ids import resolve_id
from colonnade.cli.output import console, print_rows
from colonnade.cli.runner import ConfigOpt, fail, run
from colonnade.container import Container

__all__ = ["register"]

TenantOpt = Annotated[str, typer.Option(help="the tenant the collection belongs to")]


def register(app: typer.Typer) -> None:
    collections = typer.Typer(
        help="List collections with their document and chunk counts; delete one.",
        invoke_without_command=True,
    )
    documents = typer.Typer(
        help="List indexed documents with their ids; delete one.", invoke_without_command=True
    )
    app.add_typer(collections, name="collections")
    app.add_typer(documents, name="documents")

    @collections.callback()
    def list_collections(
        ctx: typer.Context, tenant: TenantOpt = "default", config: ConfigOpt = None
    ) -> None:
        """List collections with their document and chunk counts."""
        if ctx.invoked_subcommand is not None:
            return

        def body(c: Container) -> None:
            table = Table("collection", "documents", "chunks", "created")
            for col in c.store.list_collections(tenant=tenant):
                table.add_row(
                    col.name, str(col.documents), str(col.chunks), f"{col.created_at:%Y-%m-%d}"
                )
            console.print(table)
            index = c.store.active_index()
            if index:
                console.print(
                    f"[dim]vector index v{index.id}: {index.model} ({index.dimension}d, "
                    f"{index.vectors} vectors)[/]"
                )

        run(config, body)

    @collections.command("delete")
    def delete_collection(
        name: Annotated[str, typer.Argument(help="the collection's name")],
        tenant: TenantOpt = "default",
        config: ConfigOpt = None,
    ) -> None:
        """Remove a collection with every document in it."""

        def body(c: Container) -> None:
            removed = c.store.delete_collection(name, tenant=tenant)
            cli_audit(
                c,
                "delete_collection",
                "collections delete",
                tenant=tenant,
                collection=name,
                documents=removed,
            )
            console.print(f"deleted collection {name} ({removed} documents)")

        run(config, body)

    @documents.callback()
    def list_documents(
        ctx: typer.Context,
        collection: Annotated[str | None, typer.Option("--collection", "-C")] = None,
        limit: Annotated[int, typer.Option(min=1)] = 200,
        tenant: TenantOpt = "default",
        config: ConfigOpt = None,
    ) -> None:
        """List indexed documents with their ids (any unique prefix of an id works)."""
        if ctx.invoked_subcommand is not None:
            return

        def body(c: Container) -> None:
            rows = [
                [d.id, d.collection, d.doc_type, str(d.chunks), d.title, d.source_uri]
                for d in c.store.list_documents(collection, limit=limit, tenant=tenant)
            ]
            header = ["id", "collection", "type", "chunks", "title", "source"]
            print_rows("documents (delete takes the id or a unique prefix)", header, rows)

        run(config, body)

    @documents.command("delete")
    def delete_document(
        document_id: Annotated[str, typer.Argument(help="the id, or a unique prefix of it")],
        tenant: TenantOpt = "default",
        config: ConfigOpt = None,
    ) -> None:
        """Remove a document, its chunks and vectors from the index."""

        def body(c: Container) -> None:
            ids = [d.id for d in c.store.list_documents(limit=1_000_000, tenant=tenant)]
            doc_id = resolve_id(document_id, ids, "document", "colonnade documents")
            doc = c.store.get_document(doc_id, tenant=tenant)
            if doc is None or not c.store.delete_document(doc_id):
                fail(f"document {doc_id} is already gone")
            assert doc is not None
            cli_audit(
                c,
                "delete_document",
                "documents delete",
                tenant=tenant,
                document_id=doc.id,
                collection=doc.collection,
            )
            console.print(f"deleted {doc.title} ({doc.id}) from {doc.collection}")

        run(config, body)
