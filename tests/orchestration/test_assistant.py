from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from colonnade.container import Container
from colonnade.conversations import SQLiteConversationStore
from colonnade.conversations.models import Turn
from colonnade.errors import InvalidInput, NotFound
from colonnade.orchestration.assistant import Assistant, rewrite_follow_up
from colonnade.orchestration.extractive import ExtractiveAnswerer


@pytest.fixture
def assistant(handbook_container: Container, tmp_path: Path) -> Assistant:
    return Assistant(
        handbook_container.retriever,
        ExtractiveAnswerer(handbook_container.embedder),
        SQLiteConversationStore(tmp_path / "conv.db"),
    )


def test_conversation_with_a_follow_up(assistant: Assistant) -> None:
    first = assistant.ask("How long is parental leave for the primary carer?", owner="alice")
    assert "20 weeks" in first.answer.text
    follow = assistant.ask(
        "And for the secondary carer?", owner="alice", conversation_id=first.conversation_id
    )
    assert "parental" in follow.search_query
    assert "6 weeks" in follow.answer.text
    stored = assistant.conversations.get(first.conversation_id, "alice")
    assert [t.question for t in stored.turns] == [
        "How long is parental leave for the primary carer?",
        "And for the secondary carer?",
    ]
    assert stored.turns[1].citations[0]["title"] == "Parental Leave Policy"
    assert stored.turns[1].metadata["search_query"] == follow.search_query


def test_bad_input_and_foreign_conversations(assistant: Assistant) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        assistant.ask("  ", owner="alice")
    with pytest.raises(InvalidInput, match="limit"):
        assistant.ask("x" * 5000, owner="alice")
    reply = assistant.ask("What is the minimum password length?", owner="alice")
    with pytest.raises(NotFound):
        assistant.ask("and MFA?", owner="bob", conversation_id=reply.conversation_id)


def test_standalone_questions_are_not_rewritten() -> None:
    history = [Turn(1, "How long is parental leave?", "20 weeks", datetime.now(UTC))]
    assert rewrite_follow_up("What is the hotel limit in London per night?", history) == (
        "What is the hotel limit in London per night?"
    )
    assert rewrite_follow_up("What about it?", history) == "What about it? (long parental leave)"
    assert rewrite_follow_up("anything", []) == "anything"
