"""The audit chain contract on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from colonnade.errors import ConfigurationError
from colonnade.observability.audit import AuditLog
from colonnade.observability.audit_postgres import PostgresAuditStorage
from tests.observability.audit_contract import KEY, AuditChainContract, OpenTrail, Tamper


class TestSQLiteAudit(AuditChainContract):
    @pytest.fixture
    def open_trail(self, tmp_path: Path) -> Iterator[OpenTrail]:
        opened: list[AuditLog] = []

        def make(**options: Any) -> AuditLog:
            opened.append(AuditLog(tmp_path / "a.db", **{"key": KEY, **options}))
            return opened[-1]

        yield make
        for trail in opened:
            trail.close()

    @pytest.fixture
    def tamper(self, tmp_path: Path) -> Tamper:
        def run(sql: str) -> None:
            db = sqlite3.connect(tmp_path / "a.db")
            db.execute(sql)
            db.commit()
            db.close()

        return run


class TestPostgresAudit(AuditChainContract):
    @pytest.fixture
    def open_trail(self, postgres_url: str) -> Iterator[OpenTrail]:
        opened: list[AuditLog] = []

        def make(**options: Any) -> AuditLog:
            storage = PostgresAuditStorage(postgres_url, pool_size=3)
            opened.append(AuditLog(storage, **{"key": KEY, **options}))
            return opened[-1]

        yield make
        for trail in opened:
            trail.close()

    @pytest.fixture
    def tamper(self, postgres_url: str) -> Tamper:
        def run(sql: str) -> None:
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(sql.encode())

        return run

    def test_the_head_row_forged_or_removed_is_found(
        self, open_trail: OpenTrail, tamper: Tamper
    ) -> None:
        trail = open_trail()
        for i in range(3):
            trail.append("answer", tenant="t", n=i)
        trail.flush()
        tamper("UPDATE audit_head SET sealed = replace(sealed, '\"seq\":3', '\"seq\":2')")
        assert not trail.verify().ok and "head" in trail.verify().reason
        tamper("DELETE FROM audit_head")
        result = trail.verify()
        assert not result.ok and "head" in result.reason
        trail.append("answer", tenant="t", n=9, now=True)  # writing goes on, and says so
        assert "rebuilt" in trail.verify().reason

    def test_a_shared_chain_needs_the_key_given(self, postgres_url: str) -> None:
        storage = PostgresAuditStorage(postgres_url, pool_size=1)
        try:
            with pytest.raises(ConfigurationError, match="COLONNADE_SECURITY__AUDIT__KEY"):
                AuditLog(storage)
        finally:
            storage.close()
