from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from colonnade.container import Container
from colonnade.conversations import SQLiteConversationStore, Turn
from colonnade.orchestration.assistant import Assistant
from colonnade.orchestration.followup import FollowUpResolver, fuse
from colonnade.orchestration.intent import classify_intent
from colonnade.orchestration.models import Intent


def _turn(question: str, search_query: str = "", document_id: str = "") -> Turn:
    return Turn(
        ordinal=1,
        question=question,
        answer="...",
        created_at=datetime.now(UTC),
        citations=[{"document_id": document_id}] if document_id else [],
        metadata={"search_query": search_query or question},
    )


def test_small_talk_only_without_content_words() -> None:
    assert classify_intent("thanks!") == (Intent.chit_chat, "thanks")
    assert classify_intent("ok cool") == (Intent.chit_chat, "thanks")
    assert classify_intent("ok and for the Leeds office") == (Intent.documents, None)
    assert classify_intent("great, and in 2027?") == (Intent.documents, None)


def test_fusing_carries_the_previous_standalone_question() -> None:
    history = [_turn("bike allowance?", "bike allowance (commuting)")]
    assert fuse("and for e-scooters?", history) == (
        "and for e-scooters? (bike allowance commuting)"
    )
    assert fuse("anything", []) == "anything"


@pytest.fixture(scope="module")
def resolver(handbook_container: Container) -> FollowUpResolver:
    return FollowUpResolver(
        handbook_container.retriever, handbook_container.extractive.answerability
    )


def _document(c: Container, title: str) -> str:
    return next(d.id for d in c.store.list_documents() if d.title == title)


def test_a_turn_that_leans_on_the_conversation_is_fused(
    handbook_container: Container, resolver: FollowUpResolver
) -> None:
    limits = _document(handbook_container, "Expense Limits")
    history = [_turn("nightly hotel cap in Paris?", document_id=limits)]
    # no pronoun, no connective: its own retrieval lands in the same document, so the
    # conversation's terms sharpen it
    query = resolver.standalone("is breakfast included in the price", history, None)
    assert "hotel" in query and "breakfast" in query
    # a connective always leans on the conversation
    assert "hotel" in resolver.standalone("ok and for london", history, None)
    # so does a turn of one content word, whatever its own retrieval finds
    # ("which form?": its own retrieval finds a form elsewhere, and it is still this topic's)
    for vague in ("which form?", "what's the range for a 3?"):
        assert "hotel" in resolver.standalone(vague, history, None), vague


def test_a_question_that_stands_on_its_own_is_kept(
    handbook_container: Container, resolver: FollowUpResolver
) -> None:
    limits = _document(handbook_container, "Expense Limits")
    history = [_turn("nightly hotel cap in Paris?", document_id=limits)]
    question = "What is the minimum password length?"
    assert resolver.standalone(question, history, None) == question


def test_the_topic_of_the_last_answer_is_carried_and_a_declared_switch_is_not(
    handbook_container: Container, resolver: FollowUpResolver
) -> None:
    limits = _document(handbook_container, "Expense Limits")
    cited = replace(
        _turn("what if I stay 18 months?"),
        citations=[{"document_id": limits, "title": "Bike Lease Scheme"}],
    )
    # the last answer's document names the topic no question named
    assert fuse("when can I sign up for it?", [cited]) == (
        "when can I sign up for it? (stay 18 months bike lease scheme)"
    )
    history = [_turn("nightly hotel cap in Paris?", document_id=limits)]
    for switch in (
        "On another note, is there a counselling helpline?",
        "by the way: who approves software purchases?",
        "Unrelated, but how long is parental leave?",
        "Something else: who approves software purchases?",
        "one more question - how long is parental leave?",
        "Moving on, is there a counselling helpline?",
    ):
        assert resolver.standalone(switch, history, None) == switch
    # a follow-up that only sounds like a switch goes on with the conversation
    for going_on in ("Another one for Berlin?", "Something else I need to do before I go?"):
        assert "hotel" in resolver.standalone(going_on, history, None), going_on
    # "is there" asks whether something exists; "there" alone points back
    question = "is there a minimum password length?"
    assert resolver.standalone(question, history, None) == question
    assert "hotel" in resolver.standalone("and by the way, what is the limit there?", history, None)


def test_a_rewriter_writes_the_standalone_question_when_configured(
    handbook_container: Container,
) -> None:
    seen: list[tuple[str, int]] = []

    def rewriter(question: str, history: list[Turn]) -> str:
        seen.append((question, len(history)))
        return "What is the hotel limit per night in London?"

    resolver = FollowUpResolver(handbook_container.retriever, rewriter=rewriter)
    history = [_turn("nightly hotel cap in Paris?")]
    assert resolver.standalone("and london", history, None) == (
        "What is the hotel limit per night in London?"
    )
    assert seen == [("and london", 1)]
    assert resolver.standalone("and london", [], None) == "and london"  # a first turn


def test_a_conversation_answers_its_follow_ups(
    handbook_container: Container, tmp_path: Path
) -> None:
    assistant = Assistant(
        handbook_container.retriever,
        handbook_container.extractive,
        SQLiteConversationStore(tmp_path / "conv.db"),
        follow_ups=FollowUpResolver(
            handbook_container.retriever, handbook_container.extractive.answerability
        ),
    )
    first = assistant.ask("nightly hotel cap in Paris?", owner="u")
    assert "€190" in first.answer.text
    second = assistant.ask("ok and for london", owner="u", conversation_id=first.conversation_id)
    assert second.intent is Intent.documents
    assert "£220" in second.answer.text


def test_after_a_refusal_the_document_retrieval_found_first_names_the_topic(
    handbook_container: Container, tmp_path: Path
) -> None:
    conversations = SQLiteConversationStore(tmp_path / "conv.db")
    assistant = Assistant(
        handbook_container.retriever,
        handbook_container.extractive,
        conversations,
        follow_ups=FollowUpResolver(
            handbook_container.retriever, handbook_container.extractive.answerability
        ),
    )
    first = assistant.ask("what colour is the laptop sleeve that comes with it?", owner="u")
    assert not first.answer.grounded and not first.answer.citations
    turn = conversations.get(first.conversation_id, "u").turns[-1]
    assert turn.metadata["topic"] == "Laptop and Device Policy"
    # the next turn carries that document's title words, as it would after an answer
    assert fuse("how soon do I get a replacement?", [turn]).endswith("device policy)")
    # an answered turn's topic is the document it cited
    answered = assistant.ask("nightly hotel cap in Paris?", owner="u")
    assert "topic" not in conversations.get(answered.conversation_id, "u").turns[-1].metadata


@pytest.mark.parametrize(
    ("turn", "title"),
    [
        ("laptop?", "Laptop and Device Policy"),
        ("phishing?", "Acceptable Use Policy"),
        ("Onboarding?", "Onboarding Checklist for New Employees"),
        ("password", "Password and Multi-Factor Authentication Standard"),
    ],
)
def test_a_word_alone_that_names_another_topic_is_answered_on_that_topic(
    handbook_container: Container, resolver: FollowUpResolver, turn: str, title: str
) -> None:
    limits = _document(handbook_container, "Expense Limits")
    history = [_turn("nightly hotel cap in Paris?", document_id=limits)]
    query = resolver.standalone(turn, history, None)
    assert query == turn
    hits = handbook_container.retriever.search(query).hits
    answer = handbook_container.extractive.answer(turn, hits, search_query=query)
    assert answer.grounded and {c.title for c in answer.citations} == {title}, answer.text


def test_a_word_alone_the_documents_lack_is_not_answered_with_the_conversations_table(
    handbook_container: Container, resolver: FollowUpResolver
) -> None:
    limits = _document(handbook_container, "Expense Limits")
    history = [_turn("nightly hotel cap in Paris?", document_id=limits)]
    for turn in ("payslip?", "Payslip", "payslip??"):
        query = resolver.standalone(turn, history, None)
        hits = handbook_container.retriever.search(query).hits
        answer = handbook_container.extractive.answer(turn, hits, search_query=query)
        assert "Expense Limits" not in {c.title for c in answer.citations}, (turn, answer.text)


def test_one_word_that_names_another_documents_topic_stands_alone(
    handbook_container: Container, resolver: FollowUpResolver
) -> None:
    limits = _document(handbook_container, "Expense Limits")
    history = [_turn("nightly hotel cap in Paris?", document_id=limits)]
    # "laptop" is the title word of the Laptop and Device Policy: a new topic
    for question in ("which laptop?", "what laptop do I get?"):
        assert resolver.standalone(question, history, None) == question
    # "form" names no document: it asks about the conversation's topic
    assert "hotel" in resolver.standalone("which form?", history, None)


@pytest.mark.parametrize(
    ("first", "title", "turn"),
    [
        (
            "how long is parental leave for the primary carer?",
            "Parental Leave Policy",
            "do part-time employees qualify?",
        ),
        (
            "what's the monthly cap on the corporate card?",
            "Corporate Card Policy",
            "who approves exceptions?",
        ),
    ],
)
def test_a_question_that_names_no_other_topic_stays_with_the_conversation(
    handbook_container: Container, resolver: FollowUpResolver, first: str, title: str, turn: str
) -> None:
    # no pronoun and no connective, and its own retrieval leads to another document; but the
    # question does not name that document's topic, so the conversation's topic holds
    history = [_turn(first, document_id=_document(handbook_container, title))]
    query = resolver.standalone(turn, history, None)
    assert query.startswith(turn) and query != turn
    assert title.split()[0].lower() in query
    # a question that names another topic in a sentence still stands alone
    assert resolver.standalone("what laptop do I get?", history, None) == "what laptop do I get?"
