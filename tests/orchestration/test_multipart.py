from __future__ import annotations

from colonnade.container import Container
from colonnade.orchestration.multipart import PartsRetriever, search_parts


def test_only_questions_with_several_substantial_parts_are_split() -> None:
    assert search_parts("How big is the bike allowance, and who approves new bike requests?") == [
        "How big is the bike allowance",
        "who approves new bike requests",
    ]
    assert search_parts("When does the sale open and when does it close?") == []
    # a follow-up's carried terms are not a part of their own
    assert search_parts("and for Leeds instead? (bike allowance approves)") == []


def test_each_part_finds_its_own_document(handbook_container: Container) -> None:
    question = (
        "What is the mileage rate for private cars, and how many characters must a "
        "password have at least?"
    )
    retriever = PartsRetriever(handbook_container.retriever)
    titles = {h.title for h in retriever.search(question, top_k=5).hits}
    assert {"Expense Limits", "Password and Multi-Factor Authentication Standard"} <= titles
    answer = handbook_container.extractive.answer(
        question, retriever.search(question, top_k=5).hits
    )
    assert "€0.30 per km" in answer.text and "14 characters" in answer.text
