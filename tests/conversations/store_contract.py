"""The contract every ConversationStore adapter passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from colonnade.conversations import ConversationStore
from colonnade.errors import InvalidInput, NotFound


class ConversationStoreContract:
    def test_turns_are_ordered_and_titled(self, store: ConversationStore) -> None:
        conv = store.create("alice")
        store.append_turn(
            conv.id,
            "alice",
            "How many leave days?",
            "25 [1]",
            citations=[{"number": 1, "title": "Annual Leave Policy"}],
            generator="extractive",
        )
        store.append_turn(conv.id, "alice", "And after 10 years?", "30 [1]")
        got = store.get(conv.id, "alice")
        assert [t.ordinal for t in got.turns] == [1, 2]
        assert got.title == "How many leave days?"
        assert got.turns[0].citations == [{"number": 1, "title": "Annual Leave Policy"}]
        assert [t.question for t in store.get(conv.id, "alice", last_turns=1).turns] == [
            "And after 10 years?"
        ]
        assert [c.id for c in store.list_conversations("alice")] == [conv.id]
        assert store.list_conversations("alice")[0].turn_count == 2

    def test_other_owners_see_nothing(self, store: ConversationStore) -> None:
        conv = store.create("alice", "private")
        with pytest.raises(NotFound):
            store.get(conv.id, "bob")
        with pytest.raises(NotFound):
            store.append_turn(conv.id, "bob", "q", "a")
        with pytest.raises(NotFound):
            store.delete(conv.id, "bob")
        assert store.list_conversations("bob") == []

    def test_rename_and_erase(self, store: ConversationStore) -> None:
        conv = store.create("alice")
        store.append_turn(conv.id, "alice", "q", "a")
        assert store.rename(conv.id, "alice", "  Leave   questions ").title == "Leave questions"
        with pytest.raises(InvalidInput):
            store.rename(conv.id, "alice", "x" * 500)
        store.delete(conv.id, "alice")
        with pytest.raises(NotFound):
            store.get(conv.id, "alice")
        with pytest.raises(NotFound):
            store.delete(conv.id, "alice")

    def test_purge(self, store: ConversationStore) -> None:
        conv = store.create("alice")
        assert store.purge(datetime.now(UTC) - timedelta(days=1)) == 0
        assert store.purge(datetime.now(UTC) + timedelta(seconds=1)) == 1
        with pytest.raises(NotFound):
            store.get(conv.id, "alice")

    def test_summary_is_kept_with_the_conversation(self, store: ConversationStore) -> None:
        conv = store.create("alice")
        assert (conv.summary, conv.summary_upto) == ("", 0)
        store.append_turn(conv.id, "alice", "q1", "a1")
        store.set_summary(conv.id, "alice", "Asked q1; answered a1.", 1)
        got = store.get(conv.id, "alice", last_turns=0)
        assert (got.summary, got.summary_upto) == ("Asked q1; answered a1.", 1)
        with pytest.raises(NotFound):
            store.set_summary(conv.id, "bob", "stolen", 1)
        assert store.get(conv.id, "alice").summary == "Asked q1; answered a1."
