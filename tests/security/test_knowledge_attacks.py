"""Attacks on permission-trimmed knowledge: writes over documents the author cannot read,
ACL typos and malformed ACLs, metadata bombs, history that outlives access, and the CLI
reading more than the API would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from colonnade.identity.local_key import local_user
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.sources import FolderSource
from tests.api.conftest import Api, start_api
from tests.security.conftest import Issuer, call, oidc_settings

SECRET = "amber-heron-913"


@pytest.fixture(scope="module")
def kb(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, issuer: Issuer
) -> Iterator[dict[str, Any]]:
    for api in start_api(
        tmp_path_factory.mktemp("kb"),
        minilm,
        security={"oidc": oidc_settings(issuer), "limits": {"enabled": False}},
        conversations={"history_turns": 1},
    ):
        yield {
            "api": api,
            "admin": issuer.token("root", tid="acme", roles=("admin",)),
            "hr": issuer.token("hana", tid="acme", groups=("hr",), roles=("contributor",)),
            "eng": issuer.token("eve", tid="acme", groups=("eng",), roles=("contributor",)),
        }


def _upload(
    api: Api, token: str, name: str, text: str, meta: Any = None, collection: str = "policies"
) -> httpx.Response:
    data = {"collection": collection}
    if meta is not None:
        data["metadata"] = meta if isinstance(meta, str) else json.dumps(meta)
    return call(
        api, "POST", "/v1/documents", token, files={"files": (name, text.encode())}, data=data
    )


def test_an_upload_never_touches_or_reveals_a_document_its_author_cannot_read(
    kb: dict[str, Any],
) -> None:
    api = kb["api"]
    secret_text = f"# Salary bands\n\nThe bonus codeword is {SECRET}."
    hidden = _upload(api, kb["hr"], "salaries.md", secret_text, {"acl": {"groups": ["hr"]}})
    assert hidden.status_code == 201
    hidden_id = hidden.json()["documents"][0]["id"]
    for meta in (None, {"acl": {"groups": ["eng"]}}):  # public, or restricted to its own group
        r = _upload(api, kb["eng"], "salaries.md", "# Salaries\n\nNothing to see.", meta)
        assert r.status_code == 201, r.text
        out = r.json()
        assert out["added"] + out["updated"] == 1 and out["skipped"] == 0
        doc = out["documents"][0]
        assert doc["id"] != hidden_id
        assert doc["source_uri"] == "upload://salaries.md"  # no hint of the other one
        assert SECRET not in r.text
    # the second upload replaced the author's own copy, not the hidden document
    mine = [d for d in call(api, "GET", "/v1/documents", kb["eng"]).json() if d["title"]]
    assert len([d for d in mine if d["source_uri"] == "upload://salaries.md"]) == 1
    original = call(api, "GET", f"/v1/documents/{hidden_id}", kb["hr"])
    assert original.status_code == 200 and original.json()["title"] == "Salary bands"
    hits = call(api, "POST", "/v1/search", kb["hr"], json={"query": "bonus codeword"}).json()
    assert any(SECRET in h["text"] for h in hits["hits"])
    assert call(api, "GET", f"/v1/documents/{hidden_id}", kb["eng"]).status_code == 404
    # its readers may still replace it
    again = _upload(
        api, kb["hr"], "salaries.md", secret_text + " Updated.", {"acl": {"groups": ["hr"]}}
    )
    assert again.json()["updated"] == 1 and again.json()["documents"][0]["id"] == hidden_id


BAD_ACLS = {
    "typo_group": {"acl": {"group": ["hr"]}},
    "typo_user": {"acl": {"user": ["hana"]}},
    "extra_key": {"acl": {"groups": ["hr"], "roles": ["admin"]}},
    "empty_groups": {"acl": {"groups": []}},
    "empty_users_and_groups": {"acl": {"users": [], "groups": []}},
    "empty_acl": {"acl": {}},
    "null_acl": {"acl": None},
    "acl_list": {"acl": ["hr"]},
    "acl_string": {"acl": "hr"},
    "empty_name": {"acl": {"groups": [""]}},
    "blank_name": {"acl": {"groups": ["  "]}},
    "padded_name": {"acl": {"groups": [" hr"]}},
    "number": {"acl": {"groups": [7]}},
    "nested": {"acl": {"groups": [["hr"]]}},
    "groups_object": {"acl": {"groups": {"hr": True}}},
    "flat_empty": {"allowed_groups": []},
    "flat_typo": {"allowed_group": ["hr"]},
    "upper_case_key": {"ACL": {"groups": ["hr"]}},
    "permissions_key": {"permissions": {"groups": ["hr"]}},
}


@pytest.mark.parametrize("case", list(BAD_ACLS))
def test_malformed_acls_are_refused_never_public(kb: dict[str, Any], case: str) -> None:
    api = kb["api"]
    name = f"acl-{case}.md"
    r = _upload(api, kb["hr"], name, f"# {case}\n\nThe codeword is {SECRET}.", BAD_ACLS[case])
    assert r.status_code == 422, (case, r.text)
    assert r.headers["content-type"] == "application/problem+json"
    docs = call(api, "GET", "/v1/documents", kb["admin"]).json()
    assert all(d["source_uri"] != f"upload://{name}" for d in docs)


def test_a_bad_acl_in_a_folder_is_a_failed_line_of_the_report(
    kb: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "typo.md").write_text(f"---\nacl:\n  group: [hr]\n---\n# Typo\n\nCode {SECRET}.\n")
    (folder / "empty.md").write_text(f"---\nallowed_groups: []\n---\n# Empty\n\nCode {SECRET}.\n")
    (folder / "fine.md").write_text("---\nacl:\n  groups: [hr]\n---\n# Fine\n\nAll good.\n")
    container = kb["api"].container
    report = container.ingestor.ingest(FolderSource(folder), "folder-acl", tenant="acme")
    failed = {Path(f.source_uri).name: f for f in report.failed}
    assert set(failed) == {"typo.md", "empty.md"}, report.failed
    assert all(f.reason == "bad_acl" for f in failed.values())
    assert report.added == 1
    stored = container.store.list_documents("folder-acl", tenant="acme")
    assert [d.title for d in stored] == ["Fine"] and stored[0].acl == {"groups": ["hr"]}


@pytest.mark.parametrize(
    "meta",
    [
        "[" * 50_000 + "]" * 50_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        '{"a":' * 40 + "1" + "}" * 40,
        json.dumps({"notes": "x" * 100_000}),
        '{"acl": {"groups": ["hr"]}, "deep": ' + "[" * 20 + "1" + "]" * 20 + "}",
    ],
    ids=["list_bomb", "object_bomb", "forty_deep", "hundred_kib", "deep_beside_acl"],
)
def test_metadata_bombs_are_a_422(kb: dict[str, Any], meta: str) -> None:
    r = _upload(kb["api"], kb["hr"], "bomb.md", "# Bomb\n\ntext", meta)
    assert r.status_code == 422, r.text[:300]
    assert "metadata" in r.json()["detail"]


def test_history_withholds_turns_whose_sources_were_lost(kb: dict[str, Any]) -> None:
    api = kb["api"]
    text = f"# Pension plan\n\nThe pension fund password is {SECRET}. Contributions are 7%."
    r = _upload(api, kb["hr"], "pension.md", text, {"acl": {"groups": ["hr"]}}, "benefits")
    assert r.status_code == 201
    ask = call(
        api,
        "POST",
        "/v1/answers",
        kb["hr"],
        json={
            "question": "What is the pension fund password?",
            "filters": {"collections": ["benefits"]},
        },
    )
    assert ask.status_code == 200, ask.text
    conv = ask.json()["conversation_id"]
    assert SECRET in ask.json()["answer"]
    # a second turn folds the first into the running summary (history_turns = 1)
    second = {"question": "What are the contributions?", "conversation_id": conv}
    assert call(api, "POST", "/v1/answers", kb["hr"], json=second).status_code == 200
    shown = call(api, "GET", f"/v1/conversations/{conv}", kb["hr"]).json()
    assert SECRET in json.dumps(shown)  # still readable: nothing withheld yet
    # hana loses the document: it is re-published to finance only
    moved = _upload(
        api, kb["admin"], "pension.md", text, {"acl": {"groups": ["finance"]}}, "benefits"
    )
    assert moved.json()["updated"] == 1
    shown = call(api, "GET", f"/v1/conversations/{conv}", kb["hr"])
    assert shown.status_code == 200
    body = shown.text
    assert SECRET not in body and "7%" not in body, body  # answers and the summary
    first = shown.json()["messages"][0]
    assert first["answer"] == "" and first["citations"] == []
    assert first["question"] == "What is the pension fund password?"  # the asker's own words
    # a follow-up does not carry the withheld answer into a new one
    follow = call(
        api,
        "POST",
        "/v1/answers",
        kb["hr"],
        json={"question": "And what else does it say about that?", "conversation_id": conv},
    )
    assert follow.status_code == 200 and SECRET not in follow.json()["answer"]
    # nothing of the lost document either: not cited, not offered as a lead on a refusal
    # (a lead may quote another document hana still may open, which holds the same word)
    pension = r.json()["documents"][0]["id"]
    out = follow.json()
    assert pension not in {c["document_id"] for c in out["citations"] + out["related"]}
    assert "pension fund password" not in follow.text.lower()


def test_the_cli_and_the_api_apply_one_access_rule(
    tmp_path: Path, minilm: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    for api in start_api(data, minilm, security={"limits": {"enabled": False}}):
        restricted = f"# Merger\n\nThe merger codename is {SECRET}."
        own = "# Parking\n\nThe parking garage code is orange-otter-55."
        assert (
            _upload(
                api, api.key, "merger.md", restricted, {"acl": {"groups": ["board"]}}
            ).status_code
            == 201
        )
        mine = {"acl": {"users": [local_user()]}}
        assert _upload(api, api.key, "parking.md", own, mine).status_code == 201
        question = {
            "question": "What is the merger codename?",
            "filters": {"collections": ["policies"]},
        }
        by_api = call(api, "POST", "/v1/answers", api.key, json=question).json()
        assert SECRET not in json.dumps(by_api)
        parked = call(
            api,
            "POST",
            "/v1/answers",
            api.key,
            json={
                "question": "What is the parking garage code?",
                "filters": {"collections": ["policies"]},
            },
        ).json()
        assert "orange-otter-55" in parked["answer"]
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(data))
    runner = CliRunner()
    r = runner.invoke(cli, ["ask", "What is the merger codename?", "-C", "policies"])
    assert r.exit_code == 0, r.output
    assert SECRET not in r.output
    r = runner.invoke(cli, ["ask", "What is the parking garage code?", "-C", "policies"])
    assert "orange-otter-55" in r.output
