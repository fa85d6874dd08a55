"""``colonnade ask``, ``colonnade chat`` (each turn routed by intent, as ``POST /v1/answers``
routes it) and ``colonnade conversations``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from colonnade.cli.audited import cli_audit, cli_audit_reply
from colonnade.cli.ids import resolve_id
from colonnade.cli.output import console
from colonnade.cli.routing import Asker, routed_asker
from colonnade.cli.runner import ConfigOpt, run
from colonnade.container import Container
from colonnade.conversations.visibility import trim_history
from colonnade.errors import ColonnadeError
from colonnade.identity.local_key import local_access, local_owner
from colonnade.knowledge.models import DEFAULT_TENANT, Filters
from colonnade.observability.audit import Stopwatch
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
    if reply.answer.related:
        console.print("  [dim]Nearest passages I found, in case the answer is there:[/]")
    for c in reply.answer.related:
        where = " › ".join(c.heading_path)
        console.print(f"  [dim]- {c.title} — {where}\n      {c.source_uri}[/]", highlight=False)
    for part in reply.parts:
        approval = part["data"].get("approval") if part["status"] == "pending_approval" else None
        if approval:
            console.print(
                f"[yellow]waiting for approval[/] {approval['id']}: someone else holding "
                f"approve_tools runs `colonnade approvals approve {approval['id']}`",
                highlight=False,
                soft_wrap=True,
            )
    t = reply.timings_ms
    console.print(
        f"[dim]{reply.answer.generator} · confidence {reply.answer.confidence:.2f} · "
        f"retrieval {t.get('retrieval_ms', 0.0):.0f} ms · total {t['total_ms']:.0f} ms · "
        f"conversation {reply.conversation_id}[/]",
        soft_wrap=True,
    )


def _conversation(c: Container, given: str) -> str:
    """The full id of one of the local user's conversations, from any unique prefix."""
    ids = [conv.id for conv in c.conversations.list_conversations(local_owner())]
    return resolve_id(given, ids, "conversation", "colonnade conversations list")


def _ask(
    c: Container,
    command: str,
    question: str,
    conversation_id: str | None,
    filters: Filters,
    asker: Asker | None = None,
) -> AssistantReply:
    """One answer (routed by intent when ``asker`` routes), audited by the same rule as
    ``POST /v1/answers``."""
    watch = Stopwatch()
    reply = None
    try:
        reply = (asker or c.assistant.ask)(
            question, owner=local_owner(), conversation_id=conversation_id, filters=filters
        )
    finally:
        cli_audit_reply(c, command, question, reply, watch)
    return reply


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
            conversation_id = conversation and _conversation(c, conversation)
            with routed_asker(c) as asker:
                print_reply(_ask(c, "ask", question, conversation_id, filters, asker))

        run(config, body)

    @app.command()
    def chat(
        collection: Annotated[list[str] | None, typer.Option("--collection", "-C")] = None,
        conversation: Annotated[str | None, typer.Option(help="continue this conversation")] = None,
        config: ConfigOpt = None,
    ) -> None:
        """An interactive conversation in the terminal (empty line or Ctrl-D ends it)."""

        def body(c: Container) -> None:
            conversation_id = conversation and _conversation(c, conversation)
            filters = Filters(collections=collection or None, access=local_access())
            console.print("[dim]Ask about your documents. An empty line ends the chat.[/]")
            with routed_asker(c) as asker:
                while True:
                    try:
                        question = console.input("[bold]you>[/] ")
                    except EOFError:
                        break
                    if not question.strip():
                        break
                    try:
                        reply = _ask(c, "chat", question, conversation_id, filters, asker)
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
                c.conversations.get(_conversation(c, conversation_id), local_owner()),
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
            full_id = _conversation(c, conversation_id)
            c.conversations.delete(full_id, local_owner())
            cli_audit(
                c, "delete_conversation", "conversations delete", tenant="default", id=full_id
            )
            console.print(f"deleted {full_id}")

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
