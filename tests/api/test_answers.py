from __future__ import annotations

import httpx

from tests.api.conftest import Api
from tests.api.sse_client import read_events

PROBLEM = "application/problem+json"


def test_answer_with_citations_then_a_follow_up_in_the_conversation(client: httpx.Client) -> None:
    r = client.post(
        "/v1/answers", json={"question": "How long is parental leave for the primary carer?"}
    )
    assert r.status_code == 200, r.text
    first = r.json()
    assert "20 weeks" in first["answer"] and first["grounded"] is True
    assert first["generator"] == "extractive" and first["intent"] == "documents"
    assert first["turn"] == 1 and 0 < first["confidence"] <= 1
    assert {"retrieval_ms", "generation_ms", "total_ms"} <= set(first["timings_ms"])
    cited = first["citations"][0]
    assert cited["title"] == "Parental Leave Policy"
    assert cited["snippet"] in cited["passage"]
    assert f"[{cited['number']}]" in first["answer"]
    # the table row is quoted under its header row
    assert (
        "| Role | Leave | Pay |\n| --- | --- | --- |\n| Primary carer | 20 weeks" in first["answer"]
    )

    follow = client.post(
        "/v1/answers",
        json={
            "question": "And for the secondary carer?",
            "conversation_id": first["conversation_id"],
        },
    ).json()
    assert follow["conversation_id"] == first["conversation_id"] and follow["turn"] == 2
    assert "parental" in follow["search_query"] and "6 weeks" in follow["answer"]

    conversation = client.get(f"/v1/conversations/{first['conversation_id']}").json()
    assert [m["question"] for m in conversation["messages"]] == [
        "How long is parental leave for the primary carer?",
        "And for the secondary carer?",
    ]
    assert conversation["messages"][0]["citations"][0]["title"] == "Parental Leave Policy"
    assert conversation["title"] == "How long is parental leave for the primary carer?"


def test_streamed_answer_sends_meta_deltas_citations_then_done(client: httpx.Client) -> None:
    with client.stream(
        "POST",
        "/v1/answers",
        json={"question": "What is the minimum password length?", "stream": True},
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = read_events(r)
    names = [name for name, _ in events]
    assert names[0] == "meta" and names[-2:] == ["citations", "done"]
    assert set(names[1:-2]) == {"delta"}
    done = events[-1][1]
    assert "".join(data["text"] for name, data in events if name == "delta") == done["answer"]
    assert "14 characters" in done["answer"]
    assert events[0][1]["conversation_id"] == done["conversation_id"]
    assert events[-2][1]["citations"] == done["citations"]


def test_small_talk_is_answered_without_retrieval(client: httpx.Client) -> None:
    body = client.post("/v1/answers", json={"question": "Hello!"}).json()
    assert body["intent"] == "chit_chat" and body["generator"] == "rules"
    assert body["citations"] == [] and "documents" in body["answer"]


def test_unanswerable_question_is_refused_plainly(client: httpx.Client) -> None:
    body = client.post(
        "/v1/answers", json={"question": "Who won the football world cup in 2014?"}
    ).json()
    assert body["grounded"] is False and body["citations"] == []
    assert body["answer"].startswith("I could not find anything")
    # still a lead: the nearest passages, one per document, never cited in the text
    related = body["related"]
    assert 1 <= len(related) <= 3
    assert len({c["document_id"] for c in related}) == len(related)
    assert [c["number"] for c in related] == list(range(1, len(related) + 1))
    assert all(c["passage"] and c["snippet"] == "" for c in related)
    assert "[1]" not in body["answer"]


def test_another_companys_question_gets_no_neighbours_documents_as_a_lead(
    client: httpx.Client,
) -> None:
    body = client.post(
        "/v1/answers",
        json={"question": "How many days of annual leave do employees at Contoso Ltd get?"},
    ).json()
    assert body["grounded"] is False and "Contoso" in body["answer"]
    assert body["related"] == []
    answered = client.post(
        "/v1/answers", json={"question": "What is the minimum password length?"}
    ).json()
    assert answered["grounded"] is True and answered["related"] == []


def test_filters_narrow_the_sources(client: httpx.Client) -> None:
    body = client.post(
        "/v1/answers",
        json={
            "question": "What is the minimum password length?",
            "filters": {"doc_types": ["pdf"]},
        },
    ).json()
    assert all(c["source_uri"].endswith(".pdf") for c in body["citations"])


def test_bad_input_is_a_problem_that_says_what_to_fix(client: httpx.Client, api: Api) -> None:
    r = client.post("/v1/answers", json={"question": ""})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert problem["errors"][0]["field"] == "body.question"
    assert problem["request_id"] == r.headers["x-request-id"]
    assert problem["instance"] == "/v1/answers" and problem["code"] == "invalid_input"

    r = client.post("/v1/answers", json={"question": "   "})
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    r = client.post("/v1/answers", json={"question": "x" * 4001})
    assert r.status_code == 422 and "limit is 4000" in r.json()["detail"]
    r = client.post("/v1/answers", json={"question": "hi", "temperature": 2})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.temperature"
    r = client.post(
        "/v1/answers", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    r = client.post("/v1/answers", json={"question": "q", "conversation_id": "nope"})
    assert r.status_code == 404 and r.json()["detail"] == "conversation nope not found"
    r = client.post("/v1/answers", json={"question": "q" * 100_000})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    # a request id the caller sends is kept
    r = client.post("/v1/answers", json={"question": ""}, headers={"X-Request-ID": "trace-42"})
    assert r.json()["request_id"] == "trace-42" == r.headers["x-request-id"]
