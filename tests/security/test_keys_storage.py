"""The API key contract on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from colonnade.identity import ApiKeyStore
from colonnade.identity.api_keys_postgres import PostgresKeyRows
from tests.security.keys_contract import ApiKeyStoreContract, OpenKeys


class TestSQLiteKeys(ApiKeyStoreContract):
    @pytest.fixture
    def open_keys(self, tmp_path: Path) -> Iterator[OpenKeys]:
        opened: list[ApiKeyStore] = []

        def make() -> ApiKeyStore:
            opened.append(ApiKeyStore(tmp_path / "k.db"))
            return opened[-1]

        yield make
        for keys in opened:
            keys.close()


class TestPostgresKeys(ApiKeyStoreContract):
    @pytest.fixture
    def open_keys(self, postgres_url: str) -> Iterator[OpenKeys]:
        opened: list[ApiKeyStore] = []

        def make() -> ApiKeyStore:
            opened.append(ApiKeyStore(PostgresKeyRows(postgres_url, pool_size=2)))
            return opened[-1]

        yield make
        for keys in opened:
            keys.close()
