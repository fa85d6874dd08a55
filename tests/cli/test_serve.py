from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

pytestmark = pytest.mark.integration


def colonnade(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "colonnade.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_serve_detached_answers_then_stops(tmp_path: Path) -> None:
    env = {**os.environ, "COLONNADE_DATA_DIR": str(tmp_path / "data")}
    env.pop("COLONNADE_CONFIG", None)
    env.pop("COLONNADE_STORAGE__DATA_DIR", None)
    key = colonnade("api-key", env=env).stdout.strip()
    assert key.startswith("col_") and colonnade("api-key", env=env).stdout.strip() == key

    port = free_port()
    started = colonnade("serve", "--detach", "--port", str(port), env=env)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        url = f"http://127.0.0.1:{port}"
        assert f"{url}/#key={key}" in started.stdout.replace("\n", "")
        ready = httpx.get(f"{url}/readyz")
        assert ready.json()["status"] == "ok"
        assert "server" not in ready.headers  # the server's software is not announced
        page = httpx.get(f"{url}/")
        assert page.status_code == 200 and "<title>Colonnade</title>" in page.text
        again = colonnade("serve", "--detach", "--port", str(port), env=env)
        assert "already running" in again.stdout
        log = (tmp_path / "data" / "server.log").read_text()
        assert log and key not in log and "#key=" not in log
    finally:
        stopped = colonnade("stop", env=env)
    assert stopped.returncode == 0 and stopped.stdout.startswith("stopped")
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    assert colonnade("stop", env=env).stdout.strip() == "no server is running"


def test_a_taken_port_is_one_line_and_no_link(tmp_path: Path) -> None:
    env = {**os.environ, "COLONNADE_STORAGE__DATA_DIR": str(tmp_path / "data")}
    env.pop("COLONNADE_CONFIG", None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for detach in ([], ["--detach"]):
            result = colonnade("serve", "--port", str(port), *detach, env=env)
            assert result.returncode == 1, result.stdout + result.stderr
            assert result.stderr.strip() == f"error: port {port} is in use: try --port"
            assert "serving" not in result.stdout and "#key=" not in result.stdout
    assert not (tmp_path / "data" / "server.pid").exists()
