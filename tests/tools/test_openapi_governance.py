"""The OpenAPI adapter against a real tickets service on loopback, under governance:
permissions, the tenant allow-list, schemas, approvals, audit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from colonnade.errors import Conflict, Forbidden, InvalidInput
from colonnade.observability.audit import AuditLog
from colonnade.settings import ToolsSettings
from colonnade.tools.approvals import ApprovalStore
from colonnade.tools.governance import ToolGateway
from colonnade.tools.openapi import OpenAPIToolset
from colonnade.tools.ports import ToolError, ToolRegistry
from colonnade.tools.reliability import Reliable
from tests.tools.conftest import (
    ALICE,
    BOB,
    OTHER_TENANT,
    READ_ONLY,
    TOKEN,
    Clock,
)


def gateway(
    url: str,
    doc: dict[str, Any],
    settings: ToolsSettings,
    approvals: ApprovalStore,
    audit: AuditLog,
    token: str = TOKEN,
) -> tuple[ToolGateway, OpenAPIToolset]:
    toolset = OpenAPIToolset(
        "tickets", doc, base_url=url, headers={"Authorization": f"Bearer {token}"}
    )
    registry = ToolRegistry(
        Reliable(t, timeout_s=5, max_retries=1, breaker=settings.breaker) for t in toolset.tools
    )
    return ToolGateway(registry, settings, approvals=approvals, audit=audit), toolset


def test_operations_become_tools_with_schemas_and_risks(tickets, tool_settings, approvals, audit):
    url, _, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)
    specs = {s.name: s for s in gw.registry.specs()}
    assert {n: s.risk for n, s in specs.items()} == {
        "get_ticket": "read",
        "open_ticket": "write",
        "delete_ticket": "high",
        "escalate_ticket": "high",
    }
    opened = specs["open_ticket"].input_schema
    assert opened["required"] == ["body"]
    assert opened["properties"]["body"]["properties"]["priority"]["maximum"] == 4
    assert "authorization" not in specs["get_ticket"].input_schema["properties"]
    asyncio.run(toolset.aclose())


def test_write_then_read_with_credentials_from_settings_and_audit(
    tickets, tool_settings, approvals, audit
):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)

    async def run() -> None:
        made = await gw.call(
            ALICE, "open_ticket", {"body": {"title": "broken laptop", "priority": 2}}
        )
        assert made.status == "done" and made.data["id"] == 1
        got = await gw.call(ALICE, "get_ticket", {"ticket_id": 1})
        assert got.data == {"id": 1, "title": "broken laptop", "priority": 2, "status": "open"}
        missing = await gw.call(ALICE, "get_ticket", {"ticket_id": 99})
        assert missing.is_error and "404" in missing.text
        await toolset.aclose()

    asyncio.run(run())
    assert app.state.tickets[1].title == "broken laptop"
    records = list(audit.records(action="tool_call"))
    assert [r["tool"] for r in records] == ["open_ticket", "get_ticket", "get_ticket"]
    first = records[0]
    assert first["user"] == "alice" and first["tenant"] == "acme" and first["outcome"] == "done"
    assert len(first["arguments_sha256"]) == 64 and len(first["result_sha256"]) == 64
    assert "broken laptop" not in str(first)  # hashes, not the business data
    assert records[2]["outcome"] == "error"
    assert audit.verify().ok


def test_arguments_are_validated_before_anything_runs(tickets, tool_settings, approvals, audit):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)
    with pytest.raises(InvalidInput, match="priority"):
        asyncio.run(gw.call(ALICE, "open_ticket", {"body": {"title": "laptop", "priority": 9}}))
    with pytest.raises(InvalidInput, match="Additional properties"):
        asyncio.run(gw.call(ALICE, "get_ticket", {"ticket_id": 1, "sql": "drop"}))
    with pytest.raises(InvalidInput, match="JSON object"):
        asyncio.run(gw.call(ALICE, "get_ticket", ["ticket_id", 1]))
    assert app.state.tickets == {}
    asyncio.run(toolset.aclose())


def test_no_permission_and_other_tenant_are_refused_and_audited(
    tickets, tool_settings, approvals, audit
):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)
    body = {"body": {"title": "sneaky", "priority": 1}}
    with pytest.raises(Forbidden, match="tool:open_ticket"):
        asyncio.run(gw.call(READ_ONLY, "open_ticket", body))
    with pytest.raises(Forbidden):  # globex's allow-list names get_ticket only
        asyncio.run(gw.call(OTHER_TENANT, "open_ticket", body))
    assert app.state.tickets == {}
    assert [s.name for s in gw.visible(OTHER_TENANT)] == ["get_ticket"]
    assert [s.name for s in gw.visible(READ_ONLY)] == ["get_ticket"]
    denied = list(audit.records(action="tool_call"))
    assert [(r["user"], r["outcome"]) for r in denied] == [("rita", "denied"), ("gina", "denied")]
    asyncio.run(toolset.aclose())


def test_high_risk_call_waits_for_someone_elses_approval_bound_to_its_arguments(
    tickets, tool_settings, approvals, audit, clock: Clock
):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)

    async def run() -> None:
        for title in ("one", "two"):
            await gw.call(
                ALICE, "open_ticket", {"body": {"title": f"ticket {title}", "priority": 1}}
            )
        pending = await gw.call(ALICE, "delete_ticket", {"ticket_id": 1})
        assert pending.status == "pending_approval" and pending.approval is not None
        assert set(app.state.tickets) == {1, 2}  # nothing ran
        aid = pending.approval.id
        # a call with an approval that is not approved yet is denied
        with pytest.raises(Forbidden, match="waiting"):
            await gw.call(ALICE, "delete_ticket", {"ticket_id": 1}, approval_id=aid)
        # approving one's own request
        with pytest.raises(Forbidden, match="someone else"):
            approvals.decide(
                ALICE.__class__("acme", "alice", permissions=frozenset({"approve_tools"})),
                aid,
                approve=True,
            )
        # another tenant's approver cannot even see it
        with pytest.raises(Exception, match="no approval"):
            approvals.decide(OTHER_TENANT, aid, approve=True)
        approvals.decide(BOB, aid, approve=True)
        with pytest.raises(Conflict):
            approvals.decide(BOB, aid, approve=False)  # decided once
        # the arguments changed after approval
        with pytest.raises(Forbidden, match="arguments differ"):
            await gw.call(ALICE, "delete_ticket", {"ticket_id": 2}, approval_id=aid)
        # another tool with the same approval
        with pytest.raises(Forbidden, match="is for tool delete_ticket"):
            await gw.call(ALICE, "escalate_ticket", {"ticket_id": 1}, approval_id=aid)
        # someone else replaying the requester's approval
        with pytest.raises(Forbidden, match="someone else"):
            await gw.call(BOB, "delete_ticket", {"ticket_id": 1}, approval_id=aid)
        done = await gw.call(ALICE, "delete_ticket", {"ticket_id": 1}, approval_id=aid)
        assert done.status == "done" and done.data == {"deleted": 1}
        assert set(app.state.tickets) == {2}
        # replay
        with pytest.raises(Forbidden, match="already used"):
            await gw.call(ALICE, "delete_ticket", {"ticket_id": 1}, approval_id=aid)
        # expiry: approved, then the clock passes its end
        late = await gw.call(ALICE, "delete_ticket", {"ticket_id": 2})
        assert late.approval is not None
        approvals.decide(BOB, late.approval.id, approve=True)
        clock.now += 601
        with pytest.raises(Forbidden, match="expired"):
            await gw.call(ALICE, "delete_ticket", {"ticket_id": 2}, approval_id=late.approval.id)
        assert set(app.state.tickets) == {2}
        # a made-up id
        with pytest.raises(Forbidden, match="no approval"):
            await gw.call(ALICE, "delete_ticket", {"ticket_id": 2}, approval_id="apr_made_up")
        await toolset.aclose()

    asyncio.run(run())
    outcomes = [r.get("outcome") for r in audit.records(action="tool_call")]
    assert outcomes.count("pending_approval") == 2 and outcomes.count("done") == 3
    done = [
        r
        for r in audit.records(action="tool_call")
        if r["tool"] == "delete_ticket" and r["outcome"] == "done"
    ]
    assert done[0]["approved_by"] == "bob"


def test_denied_and_self_decided_requests_never_run(tickets, tool_settings, approvals, audit):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)

    async def run() -> None:
        await gw.call(ALICE, "open_ticket", {"body": {"title": "keep me", "priority": 1}})
        pending = await gw.call(ALICE, "delete_ticket", {"ticket_id": 1})
        assert pending.approval is not None
        with pytest.raises(Forbidden, match="approve_tools"):
            approvals.decide(READ_ONLY, pending.approval.id, approve=True)
        approvals.decide(BOB, pending.approval.id, approve=False)
        with pytest.raises(Forbidden, match="denied by bob"):
            await gw.call(ALICE, "delete_ticket", {"ticket_id": 1}, approval_id=pending.approval.id)
        await toolset.aclose()

    asyncio.run(run())
    assert set(app.state.tickets) == {1}


def test_concurrent_pending_calls_get_distinct_ids_bound_to_their_own_arguments(
    tickets, tool_settings, approvals, audit
):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)

    async def run() -> None:
        for i in range(5):
            await gw.call(ALICE, "open_ticket", {"body": {"title": f"ticket {i}", "priority": 1}})
        outcomes = await asyncio.gather(
            *(gw.call(ALICE, "escalate_ticket", {"ticket_id": i}) for i in range(1, 6))
        )
        ids = [o.approval.id for o in outcomes if o.approval is not None]
        assert len(set(ids)) == 5
        approvals.decide(BOB, ids[2], approve=True)
        # the approval of ticket 3 cannot escalate any other ticket
        for other in (1, 2, 4, 5):
            with pytest.raises(Forbidden):
                await gw.call(ALICE, "escalate_ticket", {"ticket_id": other}, approval_id=ids[2])
        await gw.call(ALICE, "escalate_ticket", {"ticket_id": 3}, approval_id=ids[2])
        await toolset.aclose()

    asyncio.run(run())
    assert [t.status for t in app.state.tickets.values()] == [
        "open",
        "open",
        "escalated",
        "open",
        "open",
    ]


def test_a_response_that_breaks_the_services_schema_is_refused(
    tickets, tool_settings, approvals, audit
):
    url, app, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit)
    app.state.bad_shape = True

    async def run() -> None:
        with pytest.raises(ToolError, match="does not match"):
            await gw.call(ALICE, "get_ticket", {"ticket_id": 1})
        await toolset.aclose()

    asyncio.run(run())


def test_wrong_credentials_come_back_as_an_error_result(tickets, tool_settings, approvals, audit):
    url, _, doc = tickets
    gw, toolset = gateway(url, doc, tool_settings, approvals, audit, token="wrong")

    async def run() -> None:
        out = await gw.call(ALICE, "get_ticket", {"ticket_id": 1})
        assert out.is_error and "401" in out.text
        await toolset.aclose()

    asyncio.run(run())
