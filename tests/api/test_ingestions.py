"""Queued uploads: POST /v1/documents with wait=false answers 202 with a job id at once; the
worker inside serve applies it; GET /v1/ingestions/{id} shows progress and the report."""

from __future__ import annotations

import time

import httpx

from tests.api.conftest import Api


def _until_finished(client: httpx.Client, url: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while True:
        status = client.get(url)
        assert status.status_code == 200, status.text
        body = status.json()
        if body["state"] in ("done", "failed"):
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_a_queued_upload_is_applied_by_the_worker_in_serve(api: Api, client: httpx.Client) -> None:
    note = b"# Parking\n\nStaff park free of charge in the blue garage on level minus two.\n"
    broken = b"%PDF-1.4 not really a pdf"
    r = client.post(
        "/v1/documents",
        files=[
            ("files", ("parking.md", note, "text/markdown")),
            ("files", ("broken.pdf", broken, "application/pdf")),
        ],
        data={"collection": "facilities", "wait": "false"},
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["files"] == 2 and r.headers["location"] == job["status_url"]
    body = _until_finished(client, job["status_url"])
    assert body["state"] == "done" and body["collection"] == "facilities"
    assert body["done"] == body["total"] == 2
    report = body["report"]
    assert isinstance(report, dict) and report["added"] == 1
    assert [f["source_uri"] for f in report["failed"]] == ["upload://broken.pdf"]
    hits = client.post(
        "/v1/search", json={"query": "blue garage", "filters": {"collections": ["facilities"]}}
    ).json()["hits"]
    assert hits and hits[0]["source_uri"] == "upload://parking.md"


def test_an_unknown_job_is_not_found(client: httpx.Client) -> None:
    r = client.get("/v1/ingestions/0123456789abcdef0123456789abcdef")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
