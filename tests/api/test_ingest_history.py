"""GET /v1/ingestions: the tenant's ingest report history, from uploads, queued jobs and
re-ingests, newest first, with the failed files and their reasons."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from colonnade.knowledge.sources import FolderSource
from tests.api.conftest import Api

PARKING = "# Parking\n\nStaff park in the north car park. Visitors use the south gate.\n"


def test_uploads_and_reingests_are_recorded_newest_first_with_reasons(
    client: httpx.Client, api: Api, tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "parking.md").write_text(PARKING)
    assert api.container.ingestor.ingest(FolderSource(folder), "site").added == 1

    upload = client.post(
        "/v1/documents",
        files=[
            ("files", ("canteen.md", b"# Canteen\n\nThe canteen opens at eight.", "text/markdown")),
            ("files", ("broken.pdf", b"%PDF-1.4 not really a pdf", "application/pdf")),
        ],
        data={"collection": "site"},
    )
    assert upload.status_code == 201, upload.text
    reingest = client.post("/v1/collections/site/reingest")
    assert reingest.status_code == 200, reingest.text

    r = client.get("/v1/ingestions")
    assert r.status_code == 200, r.text
    latest, earlier = r.json()[:2]
    assert (latest["kind"], latest["collection"], latest["updated"]) == ("reingest", "site", 1)
    # the uploaded canteen.md kept only its text: the re-ingest names it, with what to do
    assert latest["failed"] == 1
    assert latest["failures"][0]["reason"] == "not_kept"
    assert "upload it again" in latest["failures"][0]["message"]
    assert (earlier["kind"], earlier["added"], earlier["failed"]) == ("upload", 1, 1)
    (failure,) = earlier["failures"]
    assert failure["source_uri"] == "upload://broken.pdf" and failure["message"]
    assert earlier["actor"] and earlier["actor"] == latest["actor"]
    assert earlier["finished_at"] <= latest["finished_at"]
    assert earlier["started_at"] <= earlier["finished_at"]

    assert [x["kind"] for x in client.get("/v1/ingestions", params={"limit": 1}).json()] == [
        "reingest"
    ]
    assert client.get("/v1/ingestions", params={"collection": "handbook"}).json() == []

    # another tenant sees none of it
    _, token = api.container.api_keys.create(
        "globex-admin", tenant="globex", roles=("admin",), created_by="test"
    )
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {token}"}) as other:
        mine = other.get("/v1/ingestions")
        assert mine.status_code == 200 and mine.json() == []


def test_a_queued_upload_is_recorded_with_who_queued_it(client: httpx.Client) -> None:
    r = client.post(
        "/v1/documents",
        files=[("files", ("bikes.md", b"# Bikes\n\nRacks beside reception.", "text/markdown"))],
        data={"collection": "queued", "wait": "false"},
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    deadline = time.monotonic() + 120
    while not (records := client.get("/v1/ingestions", params={"collection": "queued"}).json()):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    (record,) = records
    assert (record["kind"], record["job_id"], record["added"]) == ("queue", job_id, 1)
    assert record["actor"]


def test_the_history_follows_the_roles_and_refuses_a_bad_limit(
    client: httpx.Client, api: Api
) -> None:
    reader = client.post("/v1/admin/keys", json={"name": "hist", "roles": ["reader"]}).json()
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {reader['key']}"}) as r:
        assert r.get("/v1/ingestions").status_code == 403
    bad = client.get("/v1/ingestions", params={"limit": 0})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
