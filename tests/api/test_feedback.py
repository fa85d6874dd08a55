"""Ratings are stored with the turn, counted per collection and generator in /metrics,
exported as an evaluation set, private to their owner and erased with the conversation."""

from __future__ import annotations

import json

import httpx

from tests.api.conftest import Api


def test_feedback_is_stored_counted_exported_and_erased(client: httpx.Client, api: Api) -> None:
    answer = client.post(
        "/v1/answers", json={"question": "How long is parental leave for the primary carer?"}
    ).json()
    cid, turn = answer["conversation_id"], answer["turn"]
    url = f"/v1/conversations/{cid}/turns/{turn}/feedback"
    first = client.put(url, json={"rating": "up"})
    assert first.status_code == 200, first.text
    rated = client.put(url, json={"rating": "down", "comment": "misses the adoption case"})
    assert rated.json()["rating"] == "down"  # the newer rating replaces the older
    assert rated.json()["collections"] == ["handbook"]
    assert client.put(url, json={"rating": "meh"}).status_code == 422
    missing = client.put(f"/v1/conversations/{cid}/turns/99/feedback", json={"rating": "up"})
    assert missing.status_code == 404

    metrics = client.get("/metrics").text
    line = 'colonnade_feedback_total{collection="handbook",generator="extractive",rating="down"}'
    assert f"{line} 1.0" in metrics
    assert 'rating="up"' not in metrics

    exported = [json.loads(x) for x in client.get("/v1/admin/feedback").text.splitlines()]
    assert len(exported) == 1
    row = exported[0]
    assert row["question"].startswith("How long is parental leave")
    assert "20 weeks" in row["answer"] and row["rating"] == "down"
    assert row["comment"] == "misses the adoption case" and row["documents"]

    # another user cannot rate this conversation's turns
    created = client.post("/v1/admin/keys", json={"name": "other", "roles": ["reader"]}).json()
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {created['key']}"}) as o:
        assert o.put(url, json={"rating": "up"}).status_code == 404
        assert o.get("/v1/admin/feedback").status_code == 403

    assert client.delete(f"/v1/conversations/{cid}").status_code == 204
    assert client.get("/v1/admin/feedback").text == ""  # erased with the conversation
