from __future__ import annotations

import json
import sqlite3

import httpx

from tests.api.conftest import Api


def test_conversations_list_rename_and_erase(client: httpx.Client, api: Api) -> None:
    cid = client.post("/v1/answers", json={"question": "When is the change freeze?"}).json()[
        "conversation_id"
    ]
    listed = client.get("/v1/conversations").json()
    assert listed[0]["id"] == cid and listed[0]["turns"] == 1
    renamed = client.patch(f"/v1/conversations/{cid}", json={"title": "Freeze dates"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Freeze dates"
    assert client.patch(f"/v1/conversations/{cid}", json={"title": ""}).status_code == 422

    assert client.delete(f"/v1/conversations/{cid}").status_code == 204
    assert client.get(f"/v1/conversations/{cid}").status_code == 404
    assert client.delete(f"/v1/conversations/{cid}").status_code == 404
    db = api.container.settings.storage.sqlite_path()
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT count(*) FROM turns WHERE conversation_id = ?", (cid,)
        ).fetchone() == (0,)


def test_long_conversations_keep_a_running_summary(client: httpx.Client, api: Api) -> None:
    window = api.container.settings.conversations.history_turns
    questions = [
        "How many days of annual leave do new employees get?",
        "What is the minimum password length?",
        "When is the change freeze?",
        "What is the hotel limit in London?",
        "How much is the internet allowance?",
        "How long is parental leave for the primary carer?",
        "What is the per diem in Paris?",
        "Who approves software requests?",
    ]
    cid = None
    for q in questions[: window + 2]:
        cid = client.post("/v1/answers", json={"question": q, "conversation_id": cid}).json()[
            "conversation_id"
        ]
    conversation = client.get(f"/v1/conversations/{cid}").json()
    assert len(conversation["messages"]) == window + 2
    summary = conversation["summary"].splitlines()
    assert [line.split(" A: ")[0] for line in summary] == [f"Q: {q}" for q in questions[:2]]
    assert "[1]" not in conversation["summary"]


def test_search_with_filters(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={"query": "hotel limit London", "top_k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["hits"][0]["title"] == "Expense Limits" and len(body["hits"]) <= 3
    pdf = client.post(
        "/v1/search", json={"query": "password", "filters": {"doc_types": ["pdf"]}}
    ).json()
    assert pdf["hits"] and {h["doc_type"] for h in pdf["hits"]} == {"pdf"}
    assert client.post("/v1/search", json={"query": "x", "mode": "fuzzy"}).status_code == 422
    assert client.post("/v1/search", json={"query": "x", "top_k": 0}).status_code == 422


def test_upload_answer_and_delete_a_document(client: httpx.Client) -> None:
    note = b"# Bicycle Scheme\n\nEmployees can lease a bicycle through the cycle-to-work scheme for up to EUR 2,500.\n"
    r = client.post(
        "/v1/documents",
        files=[("files", ("bicycle-scheme.md", note, "text/markdown"))],
        data={"collection": "benefits", "metadata": json.dumps({"department": "hr"})},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["added"], body["failed"]) == (1, [])
    doc = body["documents"][0]
    assert doc["title"] == "Bicycle Scheme" and doc["metadata"]["department"] == "hr"
    assert doc["source_uri"] == "upload://bicycle-scheme.md"

    answer = client.post(
        "/v1/answers",
        json={
            "question": "How much can I lease a bicycle for?",
            "filters": {"collections": ["benefits"]},
        },
    ).json()
    assert "2,500" in answer["answer"] and answer["citations"][0]["document_id"] == doc["id"]
    assert [c["name"] for c in client.get("/v1/collections").json()] == ["benefits", "handbook"]
    assert (
        client.get("/v1/documents", params={"collection": "benefits"}).json()[0]["id"] == doc["id"]
    )
    assert client.get(f"/v1/documents/{doc['id']}").json()["chunks"] >= 1

    # the same name again replaces it
    again = client.post(
        "/v1/documents",
        files=[("files", ("bicycle-scheme.md", note.replace(b"2,500", b"3,000"), "text/markdown"))],
        data={"collection": "benefits"},
    ).json()
    assert again["updated"] == 1 and again["documents"][0]["id"] == doc["id"]

    assert client.delete(f"/v1/documents/{doc['id']}").status_code == 204
    assert client.get(f"/v1/documents/{doc['id']}").status_code == 404
    assert client.delete(f"/v1/documents/{doc['id']}").status_code == 404


def test_bad_uploads_are_refused_and_nothing_is_lost(client: httpx.Client) -> None:
    before = client.get("/v1/documents", params={"collection": "handbook"}).json()
    empty = client.post(
        "/v1/documents",
        files=[("files", ("empty.md", b"", "text/markdown"))],
        data={"collection": "handbook"},
    )
    assert empty.status_code == 422 and "empty.md is empty" in empty.json()["detail"]
    binary = client.post(
        "/v1/documents",
        files=[("files", ("tool.exe", b"MZ\x00\x01", "application/octet-stream"))],
        data={"collection": "handbook"},
    )
    assert binary.status_code == 422
    bad_meta = client.post(
        "/v1/documents",
        files=[("files", ("a.md", b"# A\n\ntext", "text/markdown"))],
        data={"metadata": "[1, 2]"},
    )
    assert bad_meta.status_code == 422 and "JSON object" in bad_meta.json()["detail"]
    bad_name = client.post(
        "/v1/documents",
        files=[("files", ("a.md", b"# A\n\ntext", "text/markdown"))],
        data={"collection": "no spaces allowed"},
    )
    assert bad_name.status_code == 422 and "collection name" in bad_name.json()["detail"]
    assert client.post("/v1/documents", data={"collection": "x"}).status_code == 422
    after = client.get("/v1/documents", params={"collection": "handbook"}).json()
    assert [d["id"] for d in after] == [d["id"] for d in before]
