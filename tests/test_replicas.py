"""Two `colonnade serve` replicas on one PostgreSQL behave as one: a conversation continues
on the other replica, a document ingested through one is searchable through the other at
once, API keys made on one work on the other, and each replica's keyed audit chain verifies
while both answer at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
KEY = "col_replica_test_key_0123456789abcdefghijklmnopqrstuvwxyz"


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "colonnade", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, f"http://127.0.0.1:{port}"


def _ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 240
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def test_two_replicas_on_one_postgres_behave_as_one(postgres_url: str, tmp_path: Path) -> None:
    base = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "COLONNADE_STORAGE__DATABASE_URL": postgres_url,
        "COLONNADE_API__API_KEY": KEY,
    }
    base.pop("COLONNADE_CONFIG", None)
    replicas = []
    try:
        for name in ("one", "two"):  # separate data folders: nothing shared but the database
            env = {**base, "COLONNADE_STORAGE__DATA_DIR": str(tmp_path / name)}
            replicas.append((*_start(env, tmp_path / f"{name}.log"), tmp_path / f"{name}.log"))
        for proc, url, log in replicas:
            _ready(proc, url, log)
        (_, one, _), (_, two, _) = replicas
        headers = {"Authorization": f"Bearer {KEY}"}
        with (
            httpx.Client(base_url=one, headers=headers, timeout=60) as a,
            httpx.Client(base_url=two, headers=headers, timeout=60) as b,
        ):
            # ingested through one, searchable through the other at once
            note = (
                b"# Parking\n\nStaff park free of charge in the blue garage on level minus two.\n"
            )
            r = a.post(
                "/v1/documents",
                files=[("files", ("parking.md", note, "text/markdown"))],
                data={"collection": "facilities"},
            )
            assert r.status_code == 201, r.text
            hits = b.post("/v1/search", json={"query": "blue garage parking"}).json()["hits"]
            assert hits and hits[0]["source_uri"] == "upload://parking.md"

            # a conversation started on one continues on the other
            first = a.post("/v1/answers", json={"question": "Where do staff park?"}).json()
            follow = b.post(
                "/v1/answers",
                json={"question": "Is it free?", "conversation_id": first["conversation_id"]},
            )
            assert follow.status_code == 200, follow.text
            conv = a.get(f"/v1/conversations/{first['conversation_id']}").json()
            assert conv["turns"] == 2
            assert [m["question"] for m in conv["messages"]] == [
                "Where do staff park?",
                "Is it free?",
            ]

            # an API key made on one works on the other
            made = a.post("/v1/admin/keys", json={"name": "bot"}).json()
            assert (
                httpx.get(
                    f"{two}/v1/collections", headers={"Authorization": f"Bearer {made['key']}"}
                ).status_code
                == 200
            )

            # both answer at once; each keeps its keyed audit chain, and both verify
            def ask(i: int) -> int:
                client = a if i % 2 else b
                return client.post(
                    "/v1/answers", json={"question": f"Parking rule {i}?"}
                ).status_code

            with ThreadPoolExecutor(6) as pool:
                assert set(pool.map(ask, range(12))) == {200}
            deadline = time.monotonic() + 60
            while True:  # each replica writes its buffered records within a second or so
                answers = 0
                for client in (a, b):
                    verified = client.get("/v1/admin/audit/verify").json()
                    assert verified["ok"], verified
                    lines = client.get("/v1/admin/audit").text.splitlines()
                    answers += sum('"action":"answer"' in r for r in lines if r)
                if answers >= 12:
                    break
                assert time.monotonic() < deadline, answers
                time.sleep(0.5)
            assert b.get("/v1/admin/audit/verify").json()["ok"]
    finally:
        for proc, _url, _log in replicas:
            proc.terminate()
        for proc, _url, _log in replicas:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
