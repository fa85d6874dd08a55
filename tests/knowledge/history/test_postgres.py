from __future__ import annotations

from collections.abc import Iterator

import pytest

from colonnade.knowledge.history.postgres import PostgresIngestHistory
from tests.knowledge.history.history_contract import IngestHistoryContract


class TestPostgresIngestHistory(IngestHistoryContract):
    @pytest.fixture
    def history(self, postgres_url: str) -> Iterator[PostgresIngestHistory]:
        h = PostgresIngestHistory(postgres_url, pool_size=2)
        yield h
        h.close()
