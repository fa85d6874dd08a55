from __future__ import annotations

from collections.abc import Iterator

import pytest

from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore
from tests.knowledge.store_contract import KnowledgeStoreContract


class TestPostgresStore(KnowledgeStoreContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresKnowledgeStore]:
        s = PostgresKnowledgeStore(postgres_url, pool_size=2)
        yield s
        s.close()
