"""Schema migrations with Alembic on SQLite and PostgreSQL: adoption of files made by the
earlier runner, refusal of a schema newer than the code, `colonnade db upgrade`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from colonnade.conversations.postgres import PostgresConversationStore
from colonnade.errors import StoreError
from colonnade.knowledge.stores.sqlite import SQLiteKnowledgeStore
from colonnade.knowledge.stores.sqlite_schema import MIGRATIONS
from colonnade.storage import connect, migrate
from colonnade.storage.migrations import COMPONENTS, current, ensure_schema, heads

ROOT = Path(__file__).resolve().parents[2]


def test_a_file_from_the_earlier_runner_is_adopted_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = connect(path)
    migrate(conn, "knowledge", MIGRATIONS[:1])  # a file from before collections had tenants
    conn.execute("INSERT INTO collections(name, created_at) VALUES ('handbook', '2025-01-01')")
    conn.close()
    store = SQLiteKnowledgeStore(path)
    assert store.schema_version == 2
    assert [c.name for c in store.list_collections()] == ["handbook"]
    assert current(path)["knowledge"] == heads("sqlite")["knowledge"]
    store.close()


def test_a_schema_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    SQLiteKnowledgeStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE alembic_version SET version_num = 'knowledge_9999'"
            " WHERE version_num = 'knowledge_0001'"
        )
    with pytest.raises(StoreError, match="knowledge_9999, newer than this Colonnade"):
        SQLiteKnowledgeStore(path)
    r = CliRunner().invoke(
        cli,
        ["db", "upgrade"],
        env={
            "COLONNADE_STORAGE__DATA_DIR": str(tmp_path),
            "COLONNADE_STORAGE__DATABASE_URL": f"sqlite:///{path}",
        },
    )
    assert r.exit_code == 1
    assert "newer than this Colonnade" in r.output and "Traceback" not in r.output


def test_db_upgrade_and_current_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    env = {
        "COLONNADE_STORAGE__DATA_DIR": str(tmp_path),
        "COLONNADE_STORAGE__DATABASE_URL": postgres_url,
    }
    before = CliRunner().invoke(cli, ["db", "current"], env=env)
    assert before.exit_code == 0 and "run `colonnade db upgrade`" in before.output
    up = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
    assert up.exit_code == 0, up.output
    assert current(postgres_url) == heads("postgresql")
    assert set(heads("postgresql")) == set(COMPONENTS["postgresql"])
    again = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
    assert "up to date" in again.output


def test_replicas_upgrading_at_once_apply_each_revision_once(postgres_url: str) -> None:
    """Two processes run `colonnade db upgrade` on one empty database at the same time."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "COLONNADE_STORAGE__DATABASE_URL": postgres_url,
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "colonnade", "db", "upgrade"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum("applied" in o for o in outputs) >= 1
    assert current(postgres_url) == heads("postgresql")
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT count(*) FROM audit_head").fetchone() == (1,)


def test_a_newer_postgres_schema_is_refused(postgres_url: str) -> None:
    ensure_schema(postgres_url, "conversations")
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute(
            "UPDATE alembic_version SET version_num = 'conversations_0042'"
            " WHERE version_num = 'conversations_0001'"
        )
    with pytest.raises(StoreError, match="conversations_0042, newer than this Colonnade"):
        PostgresConversationStore(postgres_url)
