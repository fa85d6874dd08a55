"""The audit storage contract on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from colonnade.observability.audit_postgres import PostgresAuditStorage
from colonnade.observability.audit_storage import AuditStorage, SQLiteAuditStorage
from tests.security.audit_contract import AuditStorageContract, OpenStorage


class SQLiteTamper:
    def __init__(self, path: Path) -> None:
        self.path = path

    def edit(self, seq: int, record: str) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("UPDATE audit_log SET record = ? WHERE seq = ?", (record, seq))

    def drop(self, seq: int) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))


class PostgresTamper:
    def __init__(self, url: str) -> None:
        self.url = url

    def edit(self, seq: int, record: str) -> None:
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("UPDATE audit_log SET record = %s WHERE seq = %s", (record, seq))

    def drop(self, seq: int) -> None:
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("DELETE FROM audit_log WHERE seq = %s", (seq,))


class TestSQLiteAudit(AuditStorageContract):
    @pytest.fixture
    def open_storage(self, tmp_path: Path) -> Iterator[OpenStorage]:
        opened: list[AuditStorage] = []

        def make() -> AuditStorage:
            opened.append(SQLiteAuditStorage(tmp_path / "a.db"))
            return opened[-1]

        yield make
        for storage in opened:
            storage.close()

    @pytest.fixture
    def tamper(self, tmp_path: Path) -> SQLiteTamper:
        return SQLiteTamper(tmp_path / "a.db")


class TestPostgresAudit(AuditStorageContract):
    @pytest.fixture
    def open_storage(self, postgres_url: str) -> Iterator[OpenStorage]:
        opened: list[PostgresAuditStorage] = []

        def make() -> AuditStorage:
            opened.append(PostgresAuditStorage(postgres_url, pool_size=3))
            return opened[-1]

        yield make
        for storage in opened:
            storage.close()

    @pytest.fixture
    def tamper(self, postgres_url: str) -> PostgresTamper:
        return PostgresTamper(postgres_url)
