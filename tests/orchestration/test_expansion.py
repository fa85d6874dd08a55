"""The assistant searches in the collection's words: typos corrected for both searches,
words the collection never uses joined by the collection's nearest words (keyword only)."""

from __future__ import annotations

from pathlib import Path

from colonnade.container import Container
from colonnade.knowledge.models import Filters
from colonnade.knowledge.sources import FolderSource
from colonnade.orchestration.answerability import Vocabulary, content_terms, foreign_entities
from colonnade.orchestration.expansion import QueryExpander
from colonnade.orchestration.lexicon import expand_abbreviations
from colonnade.settings import Settings


def test_the_keyword_search_meets_the_collections_own_words(
    handbook_container: Container,
) -> None:
    expander = QueryExpander(handbook_container.extractive.answerability)
    keyword, vector = expander.expand("which notebook computer do engineers get?", "default")
    assert vector == "which notebook computer do engineers get?"  # meaning is the vectors' job
    assert "laptop" in keyword.split() and keyword.startswith(vector)
    keyword, vector = expander.expand("min pasword lenght?", "default")
    assert vector == "min password length?" and keyword.startswith(vector)
    # words the collection uses, and English words, are never rewritten
    plain = "How many days of annual leave do new employees get?"
    assert expander.expand(plain, "default") == (plain, plain)


def test_the_assistant_finds_the_document_a_synonym_points_to(
    handbook_container: Container,
) -> None:
    plain = handbook_container.retriever.search("which notebook computer do engineers get?")
    expanded = handbook_container.assistant.retriever.search(
        "which notebook computer do engineers get?", filters=Filters()
    )
    first = [h.title for h in plain.hits].index("Laptop and Device Policy")
    assert expanded.hits[0].title == "Laptop and Device Policy" and first > 0


def test_an_empty_collection_is_searched_as_asked(tmp_path: Path) -> None:
    c = Container(Settings(storage={"data_dir": tmp_path / "data"}))  # type: ignore[arg-type]
    try:
        expander = QueryExpander(c.extractive.answerability)
        assert expander.expand("vacaton days?", "default") == ("vacaton days?", "vacaton days?")
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "leave.md").write_text("# Leave\n\nEach employee has 25 days.\n")
        c.ingestor.ingest(FolderSource(tmp_path / "docs"), "hr")
        assert expander.expand("how many dayz?", "default")[1] == "how many days?"
    finally:
        c.close()


def test_workplace_abbreviations_are_read_as_what_they_stand_for() -> None:
    assert expand_abbreviations("do we get a WFH stipend?") == (
        "do we get a WFH (working from home) stipend?"
    )
    assert expand_abbreviations("daily allowance for the US") == (
        "daily allowance for the US (United States)"
    )
    # two-letter ones only in capitals: "us" and "it" are words; no match inside words
    assert expand_abbreviations("can it help us with USB sticks?") == (
        "can it help us with USB sticks?"
    )
    assert "united" in content_terms("per diem for the US?")
    # a plural in capitals; a lower-case one only where it is no English word
    assert expand_abbreviations("are the KPIs public?") == (
        "are the KPIs (key performance indicator) public?"
    )
    assert expand_abbreviations("I toil all day, is TOIL paid?") == (
        "I toil all day, is TOIL (time off in lieu) paid?"
    )
    assert expand_abbreviations("mdm on my phone?") == "mdm (mobile device management) on my phone?"
    vocabulary = Vocabulary.from_texts(["Working from home is allowed two days a week."])
    assert foreign_entities("Is there a WFH allowance?", vocabulary) == ([], False)


def test_a_multi_part_question_answers_each_part(handbook_container: Container) -> None:
    reply = handbook_container.assistant.ask(
        "Going to New York next week: what's the hotel limit there and the daily allowance "
        "for the US?",
        owner="t",
    )
    assert "$300" in reply.answer.text and "EUR 59" in reply.answer.text


def test_an_acronym_or_a_word_the_lists_explain_is_not_read_as_a_misspelling(
    handbook_container: Container,
) -> None:
    expander = QueryExpander(handbook_container.extractive.answerability)
    for question, kept in (
        ("can I WFH on fridays?", "WFH (working from home)"),  # not "whf"
        ("wfh allowance per day", "wfh (working from home)"),
        ("is my SSN confidential?", "SSN"),  # not "san"
        ("which PPE do I need?", "PPE"),  # not "pipe"
        ("what's the first-response SLA?", "SLA"),
        ("can i use ChatGPT for work?", "ChatGPT"),  # not "catgut"
        ("what mileage rate does DHL pay?", "DHL"),
        # names inside a sentence are names, not misspellings
        ("does Nagel approve my MacBook order?", "Nagel approve my MacBook"),
        ("is the office in Köln open in August?", "Köln"),
        ("can Jens sign it? Jens is my boss", "Jens is"),
    ):
        keyword, vector = expander.expand(question, "default")
        assert kept in vector and keyword.startswith(vector), (question, vector)
    # misspellings are still corrected, in capitals too and next to the asker's own brackets
    assert expander.expand("MIN PASWORD LENGHT?", "default")[1] == "MIN password length?"
    assert expander.expand("the pasword lenght (min)?", "default")[1] == (
        "the password length (min)?"
    )
