from __future__ import annotations

from pathlib import Path

import pytest

from colonnade.errors import StoreError
from colonnade.storage import Migration, connect, migrate

V1 = [Migration(1, "notes", ["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"])]
V2 = [*V1, Migration(2, "tags", ["ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT 'none'"])]


def test_older_file_upgrades_in_place(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    assert migrate(conn, "notes", V1) == 1
    conn.execute("INSERT INTO notes(body) VALUES ('kept')")
    assert migrate(conn, "notes", V2) == 2
    assert tuple(conn.execute("SELECT body, tag FROM notes").fetchone()) == ("kept", "none")
    assert migrate(conn, "notes", V2) == 2  # idempotent


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    migrate(conn, "notes", V1)
    broken = [*V1, Migration(2, "bad", ["ALTER TABLE notes ADD COLUMN x", "SELECT * FROM nowhere"])]
    with pytest.raises(Exception, match="nowhere"):
        migrate(conn, "notes", broken)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(notes)")]
    assert columns == ["id", "body"]
    assert conn.execute("SELECT version FROM schema_versions").fetchone()[0] == 1


def test_newer_file_is_refused(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    migrate(conn, "notes", V2)
    with pytest.raises(StoreError, match="upgrade Colonnade"):
        migrate(conn, "notes", V1)


def test_components_are_independent(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    migrate(conn, "notes", V2)
    other = [Migration(1, "audit", ["CREATE TABLE audit (id INTEGER PRIMARY KEY)"])]
    assert migrate(conn, "audit", other) == 1
