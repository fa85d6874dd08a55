"""``colonnade keys`` and ``colonnade audit``: API keys and the audit trail, for operators."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from colonnade.cli.ids import resolve_id
from colonnade.cli.output import console, err_console, print_rows
from colonnade.cli.runner import ConfigOpt, fail, run
from colonnade.container import Container
from colonnade.identity.local_key import local_user

__all__ = ["audit_app", "keys_app"]

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
audit_app = typer.Typer(help="Verify and export the audit trail.", no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="what the key is for, e.g. nightly-report")],
    role: Annotated[
        list[str] | None, typer.Option("--role", "-r", help="reader, contributor, admin, ...")
    ] = None,
    tenant: Annotated[str, typer.Option(help="the tenant the key acts in")] = "default",
    expires_in_days: Annotated[int | None, typer.Option(min=1)] = None,
    config: ConfigOpt = None,
) -> None:
    """Create a key; it is printed once and only its hash is kept."""

    def body(c: Container) -> None:
        roles = c.roles.check_grantable(role or ["reader"])
        expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
        key, token = c.api_keys.create(
            name, tenant=tenant, roles=roles, created_by=f"cli:{local_user()}", expires_at=expires
        )
        if c.audit is not None:
            c.audit.append(
                "admin.key_created",
                tenant=tenant,
                principal=f"cli:{local_user()}",
                via="cli",
                key=key.id,
                roles=list(roles),
                now=True,
            )
        console.print(f"[bold]{token}[/]", highlight=False, soft_wrap=True)
        err_console.print(  # to stderr: stdout is the key alone, for KEY=$(colonnade keys create …)
            f"[dim]key {key.id} for tenant {key.tenant}, roles {', '.join(key.roles)}"
            f"{', expires ' + f'{key.expires_at:%Y-%m-%d}' if key.expires_at else ''}. "
            "Copy it now: it is not shown again.[/]",
            highlight=False,
        )

    run(config, body)


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option(help="one tenant; all by default")] = None,
    config: ConfigOpt = None,
) -> None:
    """Every key with its state; never the secrets."""

    def body(c: Container) -> None:
        now = datetime.now(UTC)
        rows = [
            [
                k.id,
                k.name,
                k.tenant,
                ", ".join(k.roles),
                k.state(now),
                f"{k.created_at:%Y-%m-%d}",
                f"{k.expires_at:%Y-%m-%d}" if k.expires_at else "never",
                f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never",
            ]
            for k in c.api_keys.list(tenant=tenant)
        ]
        header = ["id", "name", "tenant", "roles", "state", "created", "expires", "last used"]
        print_rows("API keys (revoke takes the id or a unique prefix)", header, rows)

    run(config, body)


@keys_app.command("revoke")
def keys_revoke(key_id: str, config: ConfigOpt = None) -> None:
    """Revoke a key: it stops working at once."""

    def body(c: Container) -> None:
        full_id = resolve_id(
            key_id.removeprefix("col_").split("_")[0] if key_id.startswith("col_") else key_id,
            [k.id for k in c.api_keys.list(tenant=None)],
            "API key",
            "colonnade keys list",
        )
        key = c.api_keys.revoke(full_id, tenant=None)
        if c.audit is not None:
            c.audit.append(
                "admin.key_revoked",
                tenant=key.tenant,
                principal=f"cli:{local_user()}",
                via="cli",
                key=key.id,
                now=True,
            )
        console.print(f"revoked {key.id} ({key.name}, tenant {key.tenant})")

    run(config, body)


def _log(c: Container) -> object:
    if c.audit is None:
        fail("the audit trail is off: set security.audit.enabled = true")
    return c.audit


@audit_app.command("verify")
def audit_verify(
    tenant: Annotated[str | None, typer.Option(help="one tenant's chain; all by default")] = None,
    config: ConfigOpt = None,
) -> None:
    """Walk the MAC chain; exit 1 and name the first bad record if anything changed."""

    def body(c: Container) -> None:
        log = _log(c)
        result = log.verify(tenant)  # type: ignore[attr-defined]
        if result.ok:
            scope = f" of tenant {tenant}" if tenant else ""
            console.print(f"audit trail{scope} intact: {result.records} records")
            return
        fail(f"audit trail broken at record {result.first_bad_seq}: {result.reason}")

    run(config, body)


@audit_app.command("export")
def audit_export(
    tenant: Annotated[str | None, typer.Option(help="one tenant; all by default")] = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    config: ConfigOpt = None,
) -> None:
    """Records as JSON lines on stdout, oldest first."""

    def body(c: Container) -> None:
        log = _log(c)
        try:
            after = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        except ValueError:
            fail(f"--since {since!r} is not a date: use YYYY-MM-DD")
        for record in log.records(tenant=tenant, since=after):  # type: ignore[attr-defined]
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")

    run(config, body)


@audit_app.command("purge")
def audit_purge(config: ConfigOpt = None) -> None:
    """Remove records older than security.audit.retention_days (the chain stays verifiable)."""

    def body(c: Container) -> None:
        n = _log(c).purge()  # type: ignore[attr-defined]
        console.print(f"removed {n} audit records past their retention")

    run(config, body)
