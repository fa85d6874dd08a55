"""``colonnade ask``, ``colonnade chat`` and ``colonnade conversations``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from colonnade.cli.output import console
from colonnade.cli.runner import ConfigOpt, run
from colonnade.container import Container
from colonnade.conversations.visibility import trim_history
from colonnade.errors import ColonnadeError
from colonnade.identity.local_key import local_access, local_owner
from colonnade.knowledge.models import DEFAULT_TENANT, Filters
from colonnade.orchestration.assistant import AssistantReply
from colonnade.orchestration.memory import extractive_summary

__all__ = ["register"]


def print_reply(reply: AssistantReply) -> None:
    console.print(reply.answer.text, highlight=False)
    for c in reply.answer.citations:
        where = " › ".join(c.heading_path)
        page = f", p.{c.page}" if c.page else ""
        console.print(
            f"  [dim][{c.number}] {c.title}{page} — {where}\n      {c.source_uri}[/]",
            highlight=False,
        )
    t = reply.timings_ms
    console.print(
        f"[dim]{reply.answer.generator} · confidence {reply.answer.confidence:.2f} · "
        f"retrieval {t['retrieval_ms']:.0f} ms · total {t['total_ms']:.0f} ms · "
        f"conversation {reply.conversation_id}[/]",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    conversations = typer.Typer(
        help="List, show, delete and purge conversations.", no_args_is_help=True
    )
    app.add_typer(conversations, name="conversations")

    @app.command()
    def ask(
        question: Annotated[str, typer.Argument(help="your question")],
        collection: Annotated[list[str] | None, typer.Option("--collection", "-C")] = None,
        conversation: Annotated[str | None, typer.Option(help="continue this conversation")] = None,
        config: ConfigOpt = None,
    ) -> None:
        """Answer a question from your documents, with numbered sources."""

        def body(c: Container) -> None:
            filters = Filters(collections=collection or None, access=local_access())
            print_reply(
                c.assistant.ask(
                    question, owner=local_owner(), conversation_id=conversation, filters=filters
                )
            )

        run(config, body)

    @app.command()
    def chat(
        collection: Annotated[list[str] | None, typer.Option("--collection", "-C")] = None,
        conversation: Annotated[str | None, typer.Option(help="continue this conversation")] = None,
        config: ConfigOpt = None,
    ) -> None:
        """An interactive conversation in the terminal (empty line or Ctrl-D ends it)."""

        def body(c: Container) -> None:
            conversation_id = conversation
            filters = Filters(collections=collection or None, access=local_access())
            console.print("[dim]Ask about your documents. An empty line ends the chat.[/]")
            while True:
                try:
                    question = console.input("[bold]you>[/] ")
                except EOFError:
                    break
                if not question.strip():
                    break
                try:
                    reply = c.assistant.ask(
                        question,
                        owner=local_owner(),
                        conversation_id=conversation_id,
                        filters=filters,
                    )
                except ColonnadeError as exc:
                    console.print(f"[red]{exc.message}[/]", highlight=False)
                    continue
                conversation_id = reply.conversation_id
                print_reply(reply)

        run(config, body)

    @conversations.command("list")
    def list_(config: ConfigOpt = None) -> None:
        """Your conversations, newest first."""

        def body(c: Container) -> None:
            table = Table("title", "turns", "updated")
            table.add_column("id", no_wrap=True, min_width=32)
            for conv in c.conversations.list_conversations(local_owner()):
                table.add_row(
                    conv.title, str(conv.turn_count), f"{conv.updated_at:%Y-%m-%d %H:%M}", conv.id
                )
            console.print(table)

        run(config, body)

    @conversations.command("show")
    def show(conversation_id: str, config: ConfigOpt = None) -> None:
        """Every turn of a conversation."""

        def body(c: Container) -> None:
            conv = trim_history(
                c.conversations.get(conversation_id, local_owner()),
                lambda ids: c.store.visible_documents(
                    ids, tenant=DEFAULT_TENANT, access=local_access()
                ),
                extractive_summary,
            )
            console.print(f"[bold]{conv.title}[/]")
            for turn in conv.turns:
                console.print(f"[bold]you>[/] {turn.question}", highlight=False)
                console.print(turn.answer, highlight=False)

        run(config, body)

    @conversations.command("delete")
    def delete(conversation_id: str, config: ConfigOpt = None) -> None:
        """Erase a conversation: its turns and stored sources."""

        def body(c: Container) -> None:
            c.conversations.delete(conversation_id, local_owner())
            console.print(f"deleted {conversation_id}")

        run(config, body)

    @conversations.command("purge")
    def purge(
        older_than_days: Annotated[
            int | None, typer.Option(help="default: conversations.ttl_days")
        ] = None,
        config: ConfigOpt = None,
    ) -> None:
        """Remove conversations idle longer than the retention period."""

        def body(c: Container) -> None:
            days = (
                older_than_days
                if older_than_days is not None
                else c.settings.conversations.ttl_days
            )
            if days <= 0:
                console.print("retention is off (conversations.ttl_days = 0): nothing purged")
                return
            n = c.conversations.purge(datetime.now(UTC) - timedelta(days=days))
            console.print(f"purged {n} conversations idle for more than {days} days")

        run(config, body)
