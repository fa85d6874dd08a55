"""One audit rule for the CLI and the API: the same records, with the local user as principal."""

from __future__ import annotations

from typing import Any

from colonnade.container import Container
from colonnade.identity.local_key import local_user
from colonnade.observability.audit import Stopwatch, question_field
from colonnade.orchestration.assistant import AssistantReply

__all__ = ["cli_audit", "cli_audit_reply"]


def cli_audit(c: Container, action: str, command: str, *, tenant: str, **fields: Any) -> None:
    """Append a record as the API's ``audit`` does; ``route`` names the CLI command."""
    if c.audit is None:
        return
    c.audit.append(
        action,
        tenant=tenant,
        principal=local_user(),
        via="cli",
        route=f"cli {command}",
        now=True,
        **fields,
    )


def cli_audit_reply(
    c: Container,
    command: str,
    question: str,
    reply: AssistantReply | None,
    watch: Stopwatch,
    *,
    tenant: str = "default",
) -> None:
    """The record of one answer (or of a failed one, when ``reply`` is None)."""
    asked = question_field(question, c.settings.security.audit.question)
    if reply is None:
        cli_audit(
            c, "answer", command, tenant=tenant, status="failed", latency_ms=watch.ms, **asked
        )
        return
    cli_audit(
        c,
        "answer",
        command,
        tenant=tenant,
        latency_ms=watch.ms,
        status="ok",
        **reply.audit_fields(),
        **asked,
    )
