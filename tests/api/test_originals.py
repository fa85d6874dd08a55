"""Originals are served to those who may read the document, and shown, never run."""

from __future__ import annotations

import httpx

from tests.api.conftest import Api
from tests.conftest import HANDBOOK


def _doc_id(client: httpx.Client, title_part: str) -> str:
    docs = client.get("/v1/documents", params={"limit": 500}).json()
    return next(d["id"] for d in docs if title_part in d["source_uri"])


def test_originals_follow_the_documents_access_rule(client: httpx.Client, api: Api) -> None:
    pdf = _doc_id(client, "per-diem-rates.pdf")
    got = client.get(f"/v1/documents/{pdf}/original")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content == (HANDBOOK / "travel" / "per-diem-rates.pdf").read_bytes()
    assert "inline" in got.headers["content-disposition"]

    html = client.get(f"/v1/documents/{_doc_id(client, 'expense-limits.html')}/original")
    assert html.status_code == 200 and html.headers["content-security-policy"].startswith("sandbox")

    restricted = _doc_id(client, "access-reviews.docx")  # groups: security-team, it-admins
    reader = client.post("/v1/admin/keys", json={"name": "r", "roles": ["reader"]}).json()["key"]
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {reader}"}) as r:
        assert r.get(f"/v1/documents/{pdf}/original").status_code == 200
        hidden = r.get(f"/v1/documents/{restricted}/original")
        assert hidden.status_code == 404 and "not found" in hidden.json()["detail"]
    assert httpx.get(f"{api.url}/v1/documents/{pdf}/original").status_code == 401

    uploaded = client.post(
        "/v1/documents",
        files={"files": ("note.txt", b"A short uploaded note about parking.")},
        data={"collection": "notes"},
    ).json()["documents"][0]["id"]
    kept = client.get(f"/v1/documents/{uploaded}/original")
    assert kept.status_code == 404 and "not kept" in kept.json()["detail"]
