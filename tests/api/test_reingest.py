"""Re-ingesting a document or a collection from the files they came from, with a report."""

from __future__ import annotations

from pathlib import Path

import httpx

from colonnade.knowledge.sources import FolderSource
from tests.api.conftest import Api

PARKING = "# Parking\n\nStaff park in the north car park. Visitors use the south gate.\n"
BIKES = "# Bicycles\n\nBicycles go in the covered racks beside reception.\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "parking.md").write_text(PARKING)
    (folder / "bikes.md").write_text(BIKES)
    return folder


def _ids(client: httpx.Client, collection: str) -> dict[str, str]:
    docs = client.get("/v1/documents", params={"collection": collection}).json()
    return {d["source_uri"].rsplit("/", 1)[-1]: d["id"] for d in docs}


def test_reingest_a_collection_and_a_document_from_their_files(
    client: httpx.Client, api: Api, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    first = api.container.ingestor.ingest(FolderSource(folder), "site")
    assert (first.added, first.failed) == (2, [])
    ids = _ids(client, "site")

    # unchanged files are parsed, chunked and embedded again, and keep their ids
    again = client.post("/v1/collections/site/reingest")
    assert again.status_code == 200, again.text
    report = again.json()
    assert (report["updated"], report["skipped"], report["failed"]) == (2, 0, [])
    assert {d["id"] for d in report["documents"]} == set(ids.values())

    # a changed file: its document now says what the file says
    (folder / "parking.md").write_text(PARKING.replace("north car park", "basement garage"))
    one = client.post(f"/v1/documents/{ids['parking.md']}/reingest").json()
    assert (one["collection"], one["updated"], one["documents"][0]["id"]) == (
        "site",
        1,
        ids["parking.md"],
    )
    hits = client.post(
        "/v1/search",
        json={"query": "basement garage", "mode": "keyword", "filters": {"collections": ["site"]}},
    ).json()["hits"]
    assert hits and hits[0]["document_id"] == ids["parking.md"]
    assert "basement garage" in hits[0]["text"]

    # an uploaded document keeps only its text; a file that is gone is named: the rest goes on
    client.post(
        "/v1/documents",
        files={"files": ("canteen.txt", b"The canteen opens at eight.")},
        data={"collection": "site"},
    ).raise_for_status()
    (folder / "bikes.md").unlink()
    mixed = client.post("/v1/collections/site/reingest").json()
    assert mixed["updated"] == 1
    reasons = {f["reason"]: f for f in mixed["failed"]}
    assert set(reasons) == {"not_kept", "missing"}
    assert "upload it again" in reasons["not_kept"]["message"]
    assert reasons["not_kept"]["source_uri"] == "upload://canteen.txt"
    assert "bikes.md is no longer there" in reasons["missing"]["message"]

    # nothing at all could be re-ingested: one line saying what to do
    canteen = _ids(client, "site")["canteen.txt"]
    refused = client.post(f"/v1/documents/{canteen}/reingest")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == (
        "no document could be re-ingested: canteen.txt was uploaded and only its text is kept: "
        "upload it again"
    )


def test_reingest_follows_the_apis_roles_and_says_what_is_missing(
    client: httpx.Client, api: Api
) -> None:
    missing = client.post("/v1/collections/no-such-collection/reingest")
    assert missing.status_code == 404 and "GET /v1/collections" in missing.json()["detail"]
    assert client.post("/v1/documents/0123456789abcdef/reingest").status_code == 404
    reader = client.post("/v1/admin/keys", json={"name": "ri", "roles": ["reader"]}).json()["key"]
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {reader}"}) as r:
        assert r.post("/v1/collections/handbook/reingest").status_code == 403
