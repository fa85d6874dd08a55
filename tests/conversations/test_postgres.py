from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from colonnade.conversations.postgres import PostgresConversationStore
from tests.conversations.store_contract import ConversationStoreContract


class TestPostgresConversations(ConversationStoreContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresConversationStore]:
        s = PostgresConversationStore(postgres_url, pool_size=2)
        yield s
        s.close()


def test_two_replicas_append_to_one_conversation(postgres_url: str) -> None:
    """Turns appended at once through two stores (two replicas) are numbered 1..n, none lost."""
    a = PostgresConversationStore(postgres_url, pool_size=4)
    b = PostgresConversationStore(postgres_url, pool_size=4)
    conv = a.create("default/alice")
    errors: list[BaseException] = []

    def ask(store: PostgresConversationStore, who: str) -> None:
        try:
            for i in range(10):
                store.append_turn(conv.id, "default/alice", f"{who} {i}", "answer")
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=ask, args=(s, f"{name}{t}"))
        for s, name in ((a, "a"), (b, "b"))
        for t in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    turns = b.get(conv.id, "default/alice").turns
    assert [t.ordinal for t in turns] == list(range(1, 41))
    assert len({t.question for t in turns}) == 40
    a.close()
    b.close()


def test_database_url_selects_postgres(postgres_url: str, tmp_path: object) -> None:
    from colonnade.container import Container
    from colonnade.settings import Settings

    c = Container(Settings(storage={"data_dir": tmp_path, "database_url": postgres_url}))  # type: ignore[arg-type]
    assert isinstance(c.conversations, PostgresConversationStore)
    conv = c.conversations.create("default/alice")
    again = PostgresConversationStore(postgres_url, pool_size=1)  # another replica
    assert again.get(conv.id, "default/alice").id == conv.id
    again.close()
    c.close()
