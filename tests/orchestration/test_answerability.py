from __future__ import annotations

from dataclasses import replace

import pytest

from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.orchestration.answerability import (
    Answerability,
    Vocabulary,
    VocabularyCache,
    content_terms,
    foreign_entities,
)
from colonnade.orchestration.extractive import ExtractiveAnswerer
from tests.orchestration.passages import passage as _hit

GARDEN = [
    "Allotment rules\nEach allotment plot is 250 square metres. Plot holders pay a yearly rent "
    "of 40 pounds, due in March.",
    "Compost and water\nCompost bins are emptied every Friday. Hosepipes may not be used "
    "between 11:00 and 16:00 in July and August.",
    "Sheds\nSheds up to 6 square metres need no permission from the Greenfield committee.",
]


def test_spelling_is_corrected_against_the_collections_own_words() -> None:
    vocabulary = Vocabulary.from_texts(GARDEN)
    assert vocabulary.correct("allotmnet") == "allotment"
    assert vocabulary.correct("hosepipe") == "hosepipe"  # known through its stem
    assert vocabulary.correct("submarine") is None
    # rarer words weigh more than common ones
    assert vocabulary.idf("hosepip") > vocabulary.idf("plot") or vocabulary.df["plot"] == 1
    assert content_terms("how much can I get for the rent?") == ["rent"]
    # a preposition places the thing asked about; "outside" says something and stays
    assert content_terms("anything towards my rent, whether or not I'm away?") == ["rent", "away"]
    assert content_terms("a plot outside the town") == ["plot", "outside", "town"]
    assert content_terms("can I get a bigger one?") == ["bigger"]


def test_an_english_word_is_never_corrected_into_a_collection_word() -> None:
    """ "great", "bill" and "rota" are words: the collection's "treat", "will" and "root"
    are not what the asker meant; a non-word is corrected, by the collection first."""
    vocabulary = Vocabulary.from_texts(
        [*GARDEN, "A treat will be served at the root of the old oak by the password gate."]
    )
    for word in ("great", "bill", "rota", "boss", "give"):
        assert vocabulary.correct(word) is None, word
        assert vocabulary.reading(word) == word
    assert vocabulary.correct("pasword") == "password"
    assert vocabulary.correct("complost") == "compost"
    # a misspelling of an English word the collection never uses reads as that word
    assert vocabulary.correct("vacaton") is None
    assert vocabulary.reading("vacaton") == "vacation"
    assert content_terms("why isn't the shed allowed? I don't know") == ["shed"]


def test_names_the_collection_lacks_are_found_and_organisations_recognised() -> None:
    vocabulary = Vocabulary.from_texts(GARDEN)
    assert foreign_entities("What does Greenfield charge for a plot?", vocabulary) == ([], False)
    assert foreign_entities("What does Riverside Ltd charge for a plot?", vocabulary) == (
        ["Riverside Ltd"],
        True,
    )
    assert foreign_entities("what is Oakhill's shed rule?", vocabulary) == (["Oakhill"], True)
    # a place is a name too, but not an organisation; contractions are not names
    assert foreign_entities("I'm moving to Leeds, can I keep my plot?", vocabulary) == (
        ["Leeds"],
        False,
    )


def test_an_acronym_in_the_plural_is_the_one_the_collection_uses() -> None:
    vocabulary = Vocabulary.from_texts(
        [*GARDEN, "Keep each CMR for 5 years. The SOP for spills is on the wall."]
    )
    for question in ("how long do we keep CMRs", "where are the SOPs?", "who signs a CMR?"):
        assert foreign_entities(question, vocabulary) == ([], False), question
    # a plural of an acronym the collection lacks is still a name it lacks
    assert foreign_entities("how long do we keep BOLs", vocabulary) == (["BOLs"], False)
    # a holiday, a month or a day is a time, not a name
    for question in ("can I keep a hamper at Christmas?", "is the plot rent due in March?"):
        assert foreign_entities(question, vocabulary) == ([], False), question
    # workplace abbreviations, in the plural too, are not names
    assert foreign_entities("do the KPIs cover MDM enrolment?", vocabulary)[0] == []


def test_coverage_counts_the_questions_rare_terms_in_the_passages() -> None:
    vocabulary = Vocabulary.from_texts(GARDEN)
    weights = {"intercept": 0.0, "coefficients": {"coverage": 1.0}}
    answerability = Answerability(None, weights=weights)
    answerability.vocabulary = lambda tenant: vocabulary  # type: ignore[method-assign]
    hits = [_hit(1, GARDEN[1], keyword=1, vector=2)]
    covered = answerability.assess("when are compost bins emptied?", hits, 0.5)
    # misspelled words still count once corrected against the collection
    typo = answerability.assess("when are compst bins emtpied?", hits, 0.5)
    off_topic = answerability.assess("when is the submarine serviced?", hits, 0.5)
    assert covered.features["coverage"] == pytest.approx(1.0)
    assert typo.features["coverage"] == pytest.approx(1.0)
    assert off_topic.features["coverage"] == 0.0 and off_topic.features["unknown"] > 0.9
    assert covered.features["agreement"] == 1.0
    assert covered.probability > off_topic.probability


@pytest.fixture(scope="module")
def handbook_answerer(handbook_container: Container) -> ExtractiveAnswerer:
    return handbook_container.extractive


def test_the_handbook_vocabulary_relates_words_it_does_not_use(
    handbook_container: Container,
) -> None:
    vocabulary = VocabularyCache(handbook_container.store).get()
    related = dict(vocabulary.related("notebook", handbook_container.embedder))
    assert "laptop" in related


def test_an_organisation_the_documents_never_name_gets_a_reply_that_says_so(
    handbook_container: Container, handbook_answerer: ExtractiveAnswerer
) -> None:
    question = "How many vacation days does Globex Corp give its staff?"
    hits = handbook_container.retriever.search(question, top_k=5).hits
    answer = handbook_answerer.answer(question, hits)
    assert not answer.grounded and answer.citations == []
    assert "do not mention Globex" in answer.text


def test_a_question_about_a_whole_table_is_answered_with_the_table(
    handbook_container: Container, handbook_answerer: ExtractiveAnswerer
) -> None:
    question = "list the nightly hotel limits for all cities"
    hits = handbook_container.retriever.search(question, top_k=5).hits
    answer = handbook_answerer.answer(question, hits)
    assert answer.grounded
    assert answer.text.startswith("| City | Limit per night |\n|---|---|\n")
    for city in ("London", "Paris", "Berlin", "Munich"):
        assert f"| {city} |" in answer.text
    assert answer.text.endswith("[1]") and answer.citations[0].title == "Expense Limits"


def test_a_number_inside_a_range_finds_its_row(
    handbook_container: Container, handbook_answerer: ExtractiveAnswerer
) -> None:
    question = "I've been here five years, how many days of annual leave do I get?"
    hits = handbook_container.retriever.search(question, top_k=5).hits
    answer = handbook_answerer.answer(question, hits)
    assert "| 4-6 | 27 [1] |" in answer.text
    assert "| Years of service | Annual leave days |" in answer.text  # quoted under its header


def test_the_same_passage_twice_is_cited_once(
    handbook_container: Container, handbook_answerer: ExtractiveAnswerer
) -> None:
    question = "What is the minimum password length?"
    hits = handbook_container.retriever.search(question, top_k=3).hits
    # the same file in a second collection: another chunk and document, the same text
    copy = replace(hits[0], chunk_id=10**9, document_id="copy", collection="archive")
    answer = handbook_answerer.answer(question, [hits[0], copy, *hits[1:]])
    passages = [c.passage for c in answer.citations]
    assert len(passages) == len(set(passages))


def test_a_question_for_a_date_that_no_sentence_states_is_marked(minilm: MiniLMEmbedder) -> None:
    answerer = ExtractiveAnswerer(minilm)
    dated = answerer.assessment("when are compost bins emptied?", [_hit(1, GARDEN[1])])
    undated = answerer.assessment("when are sheds inspected?", [_hit(2, GARDEN[2])])
    untyped = answerer.assessment("do sheds need permission?", [_hit(2, GARDEN[2])])
    assert dated is not None and undated is not None and untyped is not None
    assert dated.features["type_missing"] == 0.0
    assert undated.features["type_missing"] == 1.0
    assert untyped.features["type_missing"] == 0.0


def test_a_place_the_table_does_not_list_is_answered_by_its_other_row(
    handbook_container: Container,
) -> None:
    for question in ("what's the hotel cap per night in Hamburg?", "hotel limit in Lisbon"):
        reply = handbook_container.assistant.ask(question, owner="t")
        assert reply.answer.grounded, (question, reply.answer.text)
        assert "Any other city" in reply.answer.text and "€140" in reply.answer.text


def test_an_answer_cites_one_document_unless_a_part_of_the_question_needs_another(
    minilm: MiniLMEmbedder,
) -> None:
    answerer = ExtractiveAnswerer(minilm, min_confidence=0.0)
    hits = [_hit(2, GARDEN[2]), _hit(0, GARDEN[0]), _hit(1, GARDEN[1])]
    one = answerer.answer("how big can a shed be without permission? what's the limit?", hits)
    assert {c.title for c in one.citations} == {"Sheds"}, one.text
    both = answerer.answer(
        "how big can a shed be without permission, and when are compost bins emptied?", hits
    )
    assert {c.title for c in both.citations} == {"Sheds", "Compost and water"}, both.text


def test_a_row_the_question_names_is_quoted_without_its_neighbours(
    handbook_container: Container,
) -> None:
    reply = handbook_container.assistant.ask("hotel limit per night in London?", owner="t")
    assert "£220" in reply.answer.text
    assert "$300" not in reply.answer.text and "€140" not in reply.answer.text


def test_a_refusal_names_what_the_documents_never_mention(
    handbook_container: Container,
) -> None:
    reply = handbook_container.assistant.ask(
        "How many days of annual leave do employees get at Contoso?", owner="t"
    )
    assert not reply.answer.grounded
    assert "do not mention Contoso" in reply.answer.text
