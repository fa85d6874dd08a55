"""Tenant isolation and document ACLs on every route: search, answers, citations, snippets,
cache, conversation history, documents, keys and audit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api
from tests.security.conftest import Issuer, call, oidc_settings

SECRET = "ruby-falcon-42"
OTHER_SECRET = "orchid-lantern-7"


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, issuer: Issuer
) -> Iterator[dict[str, Any]]:
    for api in start_api(
        tmp_path_factory.mktemp("tenants"),
        minilm,
        security={"oidc": oidc_settings(issuer), "limits": {"enabled": False}},
    ):
        t = {
            "acme_admin": issuer.token("root", tid="acme", roles=("admin",)),
            "acme_hr": issuer.token("hana", tid="acme", groups=("hr",), roles=("contributor",)),
            "acme_eng": issuer.token("bob", tid="acme", groups=("eng",)),
            "globex": issuer.token("bob", tid="globex", groups=("hr",), roles=("admin",)),
        }

        def upload(
            token: str, name: str, text: str, acl: dict[str, list[str]] | None, api: Api = api
        ) -> str:
            meta = json.dumps({"acl": acl}) if acl else None
            r = call(
                api,
                "POST",
                "/v1/documents",
                token,
                files={"files": (name, text.encode())},
                data={"collection": "policies", **({"metadata": meta} if meta else {})},
            )
            assert r.status_code == 201, r.text
            return str(r.json()["documents"][0]["id"])

        docs = {
            "acme_public": upload(
                t["acme_hr"],
                "travel.md",
                "# Travel\n\nThe hotel limit is 180 euros per night.",
                None,
            ),
            "acme_hr": upload(
                t["acme_hr"],
                "salaries.md",
                "# Salary bands\n\nThe bonus pool codeword is "
                f"{SECRET}. Engineers earn between 70k and 95k.",
                {"groups": ["hr"]},
            ),
            "globex": upload(
                t["globex"],
                "travel.md",
                "# Travel\n\nThe hotel limit is 250 dollars. The bonus pool "
                f"codeword is {OTHER_SECRET}.",
                None,
            ),
        }
        yield {"api": api, "tokens": t, "docs": docs}


def _text(r: httpx.Response) -> str:
    return r.text


def test_search_is_trimmed_by_tenant_and_acl_before_ranking(world: dict[str, Any]) -> None:
    api, t, docs = world["api"], world["tokens"], world["docs"]
    for who, visible, hidden in [
        ("acme_eng", {docs["acme_public"]}, {docs["acme_hr"], docs["globex"]}),
        ("acme_hr", {docs["acme_public"], docs["acme_hr"]}, {docs["globex"]}),
        ("globex", {docs["globex"]}, {docs["acme_public"], docs["acme_hr"]}),
    ]:
        r = call(
            api,
            "POST",
            "/v1/search",
            t[who],
            json={"query": "bonus pool codeword hotel", "top_k": 20},
        )
        assert r.status_code == 200, r.text
        got = {h["document_id"] for h in r.json()["hits"]}
        assert got & visible and not got & hidden, who
    eng = call(api, "POST", "/v1/search", t["acme_eng"], json={"query": SECRET}).json()
    assert SECRET not in json.dumps(eng["hits"]) and OTHER_SECRET not in json.dumps(eng["hits"])


def test_answers_citations_snippets_and_cache_never_leak(world: dict[str, Any]) -> None:
    api, t, docs = world["api"], world["tokens"], world["docs"]
    question = {"question": "What is the bonus pool codeword?"}
    hr = call(api, "POST", "/v1/answers", t["acme_hr"], json=question).json()
    assert SECRET in hr["answer"]
    assert docs["acme_hr"] in {c["document_id"] for c in hr["citations"]}
    assert hr["cache"] == "miss"
    again = call(api, "POST", "/v1/answers", t["acme_hr"], json=question).json()
    assert again["cache"] == "exact" and SECRET in again["answer"]
    # the same question from someone outside HR: never the cached HR answer
    for who in ("acme_eng", "globex"):
        r = call(api, "POST", "/v1/answers", t[who], json=question)
        body = r.text
        assert SECRET not in body, who
        assert r.json()["cache"] == "miss", who
        assert docs["acme_hr"] not in {c["document_id"] for c in r.json()["citations"]}
    streamed = call(api, "POST", "/v1/answers", t["acme_eng"], json={**question, "stream": True})
    assert SECRET not in streamed.text and "event: done" in streamed.text
    # the globex user's own codeword stays in globex
    assert OTHER_SECRET not in call(api, "POST", "/v1/answers", t["acme_hr"], json=question).text


def test_a_refusal_points_only_at_passages_the_asker_may_open(world: dict[str, Any]) -> None:
    api, t, docs = world["api"], world["tokens"], world["docs"]
    for question in ("Can I bring my dog to the office?", "Where do visitors park?"):
        hr = call(api, "POST", "/v1/answers", t["acme_hr"], json={"question": question}).json()
        assert hr["grounded"] is False, question
        assert docs["acme_hr"] in {c["document_id"] for c in hr["related"]}, question
        for who in ("acme_eng", "globex"):  # after HR asked: the cache must not hand it over
            r = call(api, "POST", "/v1/answers", t[who], json={"question": question})
            assert SECRET not in r.text and "Salary bands" not in r.text, (who, question)
            assert docs["acme_hr"] not in {c["document_id"] for c in r.json()["related"]}


def test_documents_routes_hide_what_the_caller_may_not_open(world: dict[str, Any]) -> None:
    api, t, docs = world["api"], world["tokens"], world["docs"]
    for who, doc in [
        ("acme_eng", "acme_hr"),
        ("globex", "acme_public"),
        ("globex", "acme_hr"),
        ("acme_admin", "globex"),
    ]:
        r = call(api, "GET", f"/v1/documents/{docs[doc]}", t[who])
        assert r.status_code == 404, (who, doc)
        assert r.json()["detail"] == f"document {docs[doc]} not found"
    listed = {d["id"] for d in call(api, "GET", "/v1/documents", t["acme_eng"]).json()}
    assert listed == {docs["acme_public"]}
    assert {d["id"] for d in call(api, "GET", "/v1/documents", t["acme_admin"]).json()} == {
        docs["acme_public"],
        docs["acme_hr"],
    }
    # another tenant's collection of the same name is a different collection
    cols = call(api, "GET", "/v1/collections", t["globex"]).json()
    assert [(c["name"], c["documents"]) for c in cols] == [("policies", 1)]
    # writes: deleting another tenant's document or collection is a 404 and changes nothing
    assert (
        call(api, "DELETE", f"/v1/documents/{docs['acme_public']}", t["globex"]).status_code == 404
    )
    assert (
        call(api, "GET", f"/v1/documents/{docs['acme_public']}", t["acme_eng"]).status_code == 200
    )
    assert call(api, "DELETE", "/v1/collections/nope", t["globex"]).status_code == 404
    # readers cannot delete at all
    r = call(api, "DELETE", f"/v1/documents/{docs['acme_public']}", t["acme_eng"])
    assert r.status_code == 403


def test_explain_access(world: dict[str, Any]) -> None:
    api, t, docs = world["api"], world["tokens"], world["docs"]
    path = f"/v1/documents/{docs['acme_hr']}/access"
    no = call(api, "GET", path, t["acme_admin"], params={"principal": "bob", "groups": "eng"})
    assert no.status_code == 200 and no.json()["allowed"] is False
    assert "none of the groups (eng)" in no.json()["reason"]
    yes = call(api, "GET", path, t["acme_admin"], params={"principal": "hana", "groups": "hr,x"})
    assert yes.json()["allowed"] is True and "hr" in yes.json()["reason"]
    assert call(api, "GET", path, t["acme_hr"], params={"principal": "bob"}).status_code == 403
    assert call(api, "GET", path, t["globex"], params={"principal": "bob"}).status_code == 404


def test_conversations_belong_to_one_user_in_one_tenant(world: dict[str, Any]) -> None:
    api, t = world["api"], world["tokens"]
    mine = call(
        api, "POST", "/v1/answers", t["acme_eng"], json={"question": "What is the hotel limit?"}
    ).json()["conversation_id"]
    path = f"/v1/conversations/{mine}"
    # "bob" in globex is another person than "bob" in acme
    for method, kwargs in [("GET", {}), ("PATCH", {"json": {"title": "x"}}), ("DELETE", {})]:
        assert call(api, method, path, t["globex"], **kwargs).status_code == 404, method
    assert mine not in {c["id"] for c in call(api, "GET", "/v1/conversations", t["globex"]).json()}
    r = call(
        api, "POST", "/v1/answers", t["globex"], json={"question": "and?", "conversation_id": mine}
    )
    assert r.status_code == 404
    assert call(api, "GET", path, t["acme_eng"]).status_code == 200


def test_history_drops_citations_the_user_can_no_longer_open(world: dict[str, Any]) -> None:
    api, t, docs = world["api"], world["tokens"], world["docs"]
    r = call(
        api,
        "POST",
        "/v1/answers",
        t["acme_hr"],
        json={"question": "What do engineers earn in the salary bands?"},
    ).json()
    conv = r["conversation_id"]

    def cited() -> set[str]:
        turns = call(api, "GET", f"/v1/conversations/{conv}", t["acme_hr"]).json()["messages"]
        return {c["document_id"] for turn in turns for c in turn["citations"]}

    assert docs["acme_hr"] in cited()
    # HR loses access: the document is re-ingested with a finance-only ACL
    r = call(
        api,
        "POST",
        "/v1/documents",
        t["acme_admin"],
        files={
            "files": (
                "salaries.md",
                f"# Salary bands\n\nThe bonus pool codeword is "
                f"{SECRET}. Engineers earn between 70k and 96k.".encode(),
            )
        },
        data={"collection": "policies", "metadata": json.dumps({"acl": {"groups": ["finance"]}})},
    )
    assert r.status_code == 201
    assert docs["acme_hr"] not in cited()


def test_keys_and_audit_records_belong_to_their_tenant(world: dict[str, Any]) -> None:
    api, t = world["api"], world["tokens"]
    created = call(api, "POST", "/v1/admin/keys", t["acme_admin"], json={"name": "acme-bot"})
    key_id = created.json()["id"]
    assert key_id not in {k["id"] for k in call(api, "GET", "/v1/admin/keys", t["globex"]).json()}
    assert call(api, "DELETE", f"/v1/admin/keys/{key_id}", t["globex"]).status_code == 404
    acme_key = created.json()["key"]
    # the acme key sees acme, never globex
    hits = call(api, "POST", "/v1/search", acme_key, json={"query": "hotel limit"}).json()["hits"]
    assert hits and all(h["document_id"] != world["docs"]["globex"] for h in hits)
    records = [
        json.loads(line)
        for line in call(api, "GET", "/v1/admin/audit", t["globex"]).text.splitlines()
    ]
    assert records and {r["tenant"] for r in records} == {"globex"}


def test_platform_wide_views_are_for_the_platform_tenant(world: dict[str, Any]) -> None:
    api, t = world["api"], world["tokens"]
    for path in ("/metrics", "/v1/admin/llm/usage"):
        r = call(api, "GET", path, t["acme_admin"])
        assert r.status_code == 403 and "platform-wide" in r.json()["detail"], path
    assert call(api, "GET", "/metrics", api.key).status_code == 200  # the local platform admin
