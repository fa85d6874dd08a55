"""``/v1/tools`` and ``/v1/approvals`` on a real Colonnade API, calling a real tickets
service and the built-in tools, with API keys for a requester and an approver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api
from tests.servers import serve
from tests.tools.conftest import TOKEN
from tests.tools.tickets_app import create_app


@dataclass
class Setup:
    api: Api
    tickets: object
    requester: str
    approver: str
    other_tenant: str
    no_tools: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Setup]:
    tickets = create_app()
    with serve(tickets) as url:
        spec = tmp_path_factory.mktemp("spec") / "tickets.json"
        spec.write_text(json.dumps(httpx.get(f"{url}/openapi.json").json()))
        data = tmp_path_factory.mktemp("api-tools")
        for api in start_api(
            data,
            minilm,
            security={
                "roles": {
                    "approver": ["ask", "tool:*", "approve_tools"],
                    "no_tools": ["ask", "search"],
                }
            },
            tools={
                "openapi": {"tickets": {"spec": str(spec), "base_url": url, "api_key": TOKEN}},
                "allow": {"globex": ["knowledge_search"]},
            },
        ):

            def key(
                name: str, role: str, tenant: str = "default", keys=api.container.api_keys
            ) -> str:
                return keys.create(name, tenant=tenant, roles=(role,), created_by="test")[1]

            yield Setup(
                api,
                tickets,
                key("requester", "reader"),
                key("approver", "approver"),
                key("globex", "reader", "globex"),
                key("nobody", "no_tools"),
            )


def client(s: Setup, key: str) -> httpx.Client:
    return httpx.Client(base_url=s.api.url, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def test_tools_are_listed_per_permission_and_tenant(setup: Setup) -> None:
    with client(setup, setup.requester) as c:
        listed = c.get("/v1/tools")
        assert "RateLimit-Remaining" in listed.headers  # counted like every other route
        names = {t["name"]: t["risk"] for t in listed.json()["data"]}
    assert names["delete_ticket"] == "high" and names["knowledge_search"] == "read"
    assert {"open_ticket", "get_ticket", "predict", "summarise_document"} <= set(names)
    with client(setup, setup.other_tenant) as c:
        assert [t["name"] for t in c.get("/v1/tools").json()["data"]] == ["knowledge_search"]
        r = c.post(
            "/v1/tools/open_ticket", json={"arguments": {"body": {"title": "x y z", "priority": 1}}}
        )
        assert r.status_code == 403 and r.json()["code"] == "tool_forbidden"
    with client(setup, setup.no_tools) as c:
        assert c.get("/v1/tools").json()["data"] == []
        r = c.post("/v1/tools/knowledge_search", json={"arguments": {"query": "leave"}})
        assert r.status_code == 403


def test_builtin_search_and_summary_follow_the_callers_access(setup: Setup) -> None:
    with client(setup, setup.requester) as c:
        r = c.post(
            "/v1/tools/knowledge_search",
            json={"arguments": {"query": "parental leave", "top_k": 3}},
        )
        assert r.status_code == 200, r.text
        hits = r.json()["data"]["hits"]
        assert hits and any("leave" in h["text"].lower() for h in hits)
        doc = hits[0]["document_id"]
        r = c.post(
            "/v1/tools/summarise_document", json={"arguments": {"document_id": doc, "sentences": 2}}
        )
        assert r.status_code == 200 and r.json()["data"]["document_id"] == doc
        assert r.json()["data"]["summary"]
        bad = c.post("/v1/tools/knowledge_search", json={"arguments": {"query": ""}})
        assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    with client(setup, setup.other_tenant) as c:  # another tenant sees none of default's documents
        r = c.post("/v1/tools/knowledge_search", json={"arguments": {"query": "parental leave"}})
        assert r.status_code == 200 and r.json()["data"]["hits"] == []


def test_high_risk_call_through_the_api_and_the_approvals_routes(setup: Setup) -> None:
    with client(setup, setup.requester) as req, client(setup, setup.approver) as appr:
        made = req.post(
            "/v1/tools/open_ticket",
            json={"arguments": {"body": {"title": "broken laptop", "priority": 2}}},
        )
        assert made.status_code == 200, made.text
        tid = made.json()["data"]["id"]
        args = {"arguments": {"ticket_id": tid}}
        pending = req.post("/v1/tools/delete_ticket", json=args)
        assert pending.status_code == 202
        aid = pending.json()["approval"]["id"]
        assert pending.json()["approval"]["status"] == "pending"
        # the requester sees its own request; may not approve it
        assert [a["id"] for a in req.get("/v1/approvals").json()["data"]] == [aid]
        selfish = req.post(f"/v1/approvals/{aid}", json={"decision": "approve"})
        assert selfish.status_code == 403
        # the approver sees it with its arguments, and approves
        listed = appr.get("/v1/approvals", params={"status": "pending"}).json()["data"]
        assert listed[0]["arguments"] == {"ticket_id": tid}
        ok = appr.post(f"/v1/approvals/{aid}", json={"decision": "approve"})
        assert ok.status_code == 200 and ok.json()["status"] == "approved"
        # changed arguments, then the real call, then a replay
        changed = req.post(
            "/v1/tools/delete_ticket",
            json={"arguments": {"ticket_id": tid + 1}, "approval_id": aid},
        )
        assert changed.status_code == 403 and changed.json()["code"] == "approval_denied"
        done = req.post("/v1/tools/delete_ticket", json={**args, "approval_id": aid})
        assert done.status_code == 200 and done.json()["data"] == {"deleted": tid}
        replay = req.post("/v1/tools/delete_ticket", json={**args, "approval_id": aid})
        assert replay.status_code == 403 and "already used" in replay.json()["detail"]
        assert appr.get(f"/v1/approvals/{aid}").json()["status"] == "used"
    with client(setup, setup.other_tenant) as c:
        assert c.get(f"/v1/approvals/{aid}").status_code == 404
    records = [r for r in setup.api.container.audit.records(action="tool_call")]
    assert any(r["tool"] == "delete_ticket" and r.get("approved_by") for r in records)
    decisions = [
        (r["decision"], r["outcome"])
        for r in setup.api.container.audit.records(action="tool_approval")
    ]
    assert ("approve", "refused") in decisions and ("approve", "approved") in decisions


def test_unknown_tool_and_missing_layer_are_problems(setup: Setup) -> None:
    with client(setup, setup.requester) as c:
        r = c.post("/v1/tools/launch_rockets", json={"arguments": {}})
        assert r.status_code == 404 and "GET /v1/tools" in r.json()["detail"]


def test_turns_route_documents_tools_predictions_and_mixed(setup: Setup) -> None:
    with client(setup, setup.requester) as c:
        docs = c.post("/v1/turns", json={"text": "What is the hotel limit in London?"}).json()
        assert docs["intent"] == "documents" and docs["parts"][0]["data"]["citations"]
        hi = c.post("/v1/turns", json={"text": "thanks, cheers!"}).json()
        assert hi["intent"] == "smalltalk" and "welcome" in hi["text"]
        made = c.post("/v1/turns", json={"text": "open a ticket for my broken laptop"}).json()
        assert made["intent"] == "tool"
        part = made["parts"][0]
        assert part["status"] == "done" and part["data"]["tool"] == "open_ticket"
        created = part["data"]["data"]
        assert (
            created["title"] == "open a ticket for my broken laptop" and created["status"] == "open"
        )
        # a high-risk action waits for approval, with the exact arguments shown
        wait = c.post("/v1/turns", json={"text": f"delete ticket {created['id']}"}).json()
        part = wait["parts"][0]
        assert part["status"] == "pending_approval" and part["data"]["tool"] == "delete_ticket"
        assert part["data"]["arguments"] == {"ticket_id": created["id"]}
        assert created["id"] in {t.id for t in setup.tickets.state.tickets.values()}  # type: ignore[attr-defined]
        # a prediction without the ML platform running: the part says so, nothing breaks
        pred = c.post("/v1/turns", json={"text": "what is the churn risk of customer 42?"}).json()
        assert pred["intent"] == "prediction" and pred["parts"][0]["status"] == "failed"
        assert "no served model 'churn'" in pred["parts"][0]["text"]
        mixed = c.post(
            "/v1/turns",
            json={
                "text": "how many days of parental leave do I get? also please open a ticket with HR"
            },
        ).json()
        assert mixed["intent"] == "mixed" and mixed["intents"] == ["documents", "tool"]
        assert [p["status"] for p in mixed["parts"]] == ["done", "done"]
        nothing = c.post("/v1/turns", json={"text": "please restart the coffee machine"}).json()
        assert nothing["parts"][0]["status"] == "missing"


def test_fanout_route(setup: Setup) -> None:
    with client(setup, setup.requester) as c:
        r = c.post(
            "/v1/fanout",
            json={
                "question": "parental leave and hotel limits",
                "sub_questions": [
                    "How long is parental leave?",
                    "What is the hotel limit in London?",
                ],
            },
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert [a["status"] for a in body["agents"]] == ["ok", "ok"]
        assert body["partial"] is False and body["citations"]
        assert {tuple(p["found_by"]) for p in body["passages"]} >= {
            ("handbook / How long is parental leave?",),
            ("handbook / What is the hotel limit in London?",),
        }
        bad = c.post("/v1/fanout", json={"question": ""})
        assert bad.status_code == 422
