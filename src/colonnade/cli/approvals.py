"""``colonnade approvals``: the high-risk tool calls waiting for a person, and the decision.

The decider is the principal of ``--key`` (an API key or token, as the API authenticates
it), or the local operator; it needs ``approve_tools`` and must not be the requester.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from colonnade.cli.output import console
from colonnade.cli.runner import ConfigOpt, fail, run
from colonnade.container import Container
from colonnade.identity import Principal

__all__ = ["approvals_app", "register"]

approvals_app = typer.Typer(
    help="List, approve and deny high-risk tool calls waiting for approval.",
    no_args_is_help=True,
)

KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key", envvar="COLONNADE_API_KEY", help="your API key (default: the local operator)"
    ),
]
StatusOpt = Annotated[
    str | None,
    typer.Option(help="pending, approved, denied, used or expired (default: all)"),
]


def _principal(c: Container, key: str | None) -> Principal:
    auth = c.authenticator
    token = key or (auth.local.key if auth.local is not None else None)
    return asyncio.run(auth.authenticate(token))


def _store(c: Container) -> Any:
    try:
        from colonnade.tools.approvals import ApprovalStore
    except ImportError:
        fail("approvals need the tools extra: pip install 'colonnade[tools]'")
    return ApprovalStore(c.settings.storage.sqlite_path(), ttl_s=c.settings.tools.approval_ttl_s)


def _when(ts: float | None) -> str:
    return "" if ts is None else f"{datetime.fromtimestamp(ts, UTC):%Y-%m-%d %H:%M:%S}"


@approvals_app.command("list")
def list_approvals(
    status: StatusOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines")] = False,
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Approvals of your tenant (approvers) or your own requests."""
    if status not in (None, "pending", "approved", "denied", "used", "expired"):
        fail(f"--status {status!r}: use pending, approved, denied, used or expired")

    def body(c: Container) -> None:
        who = _principal(c, key)
        store = _store(c)
        try:
            now = store.clock()
            items = [
                a.public(now)
                for a in store.list(who.tenant, status=status)
                if who.can("approve_tools") or a.requester == who.user
            ]
        finally:
            store.close()
        if as_json:
            for item in items:
                print(json.dumps(item, sort_keys=True))
            return
        table = Table("id", "tool", "arguments", "requester", "status", "asked", "decided by")
        for a in items:
            table.add_row(
                a["id"],
                a["tool"],
                json.dumps(a["arguments"], sort_keys=True)[:80],
                a["requester"],
                a["status"],
                _when(a["created_at"]),
                a["decided_by"] or "",
            )
        console.print(table)

    run(config, body)


def _decide(approval_id: str, approve: bool, key: str | None, config: Any) -> None:
    def body(c: Container) -> None:
        who = _principal(c, key)
        store = _store(c)
        try:
            approval = store.decide(who, approval_id, approve=approve)
        finally:
            store.close()
        if c.audit is not None:
            c.audit.append(
                "tool_approval",
                tenant=who.tenant,
                user=who.user,
                via="cli",
                approval=approval_id,
                decision="approve" if approve else "deny",
                now=True,
            )
        console.print(
            f"{approval.id}: {approval.status} ({approval.tool} "
            f"{json.dumps(approval.arguments, sort_keys=True)}, asked by {approval.requester})",
            highlight=False,
        )

    run(config, body)


@approvals_app.command("approve")
def approve(
    approval_id: Annotated[str, typer.Argument(help="the approval's id (apr_...)")],
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Approve a pending call; its requester may then run it once, with the same arguments."""
    _decide(approval_id, True, key, config)


@approvals_app.command("deny")
def deny(
    approval_id: Annotated[str, typer.Argument(help="the approval's id (apr_...)")],
    key: KeyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Deny a pending call."""
    _decide(approval_id, False, key, config)


def register(app: typer.Typer) -> None:
    app.add_typer(approvals_app, name="approvals")
