from __future__ import annotations

import re

import pytest

from colonnade.container import Container
from colonnade.knowledge.models import SearchHit
from colonnade.orchestration.extractive import NOT_FOUND, ExtractiveAnswerer, split_sentences


@pytest.fixture(scope="module")
def answerer(handbook_container: Container) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(handbook_container.embedder)


def ask(c: Container, a: ExtractiveAnswerer, question: str):  # type: ignore[no-untyped-def]
    hits = c.retriever.search(question, top_k=5).hits
    return a.answer(question, hits), hits


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("When is the change freeze?", "15 December to 5 January"),
        ("What is the minimum password length?", "14 characters"),
        ("How much is the internet allowance?", "€30 per month"),
        ("How long is parental leave for the primary carer?", "20 weeks"),
    ],
)
def test_answers_verbatim_with_citations(
    handbook_container: Container, answerer: ExtractiveAnswerer, question: str, fact: str
) -> None:
    answer, hits = ask(handbook_container, answerer, question)
    assert answer.grounded
    assert fact in answer.text
    by_chunk = {h.chunk_id: h for h in hits}
    # every sentence is copied from the chunk its citation points at
    for sentence, number in answer.sentences:
        citation = answer.citations[number - 1]
        assert citation.number == number
        assert sentence in by_chunk[citation.chunk_id].text
        # a sentence is followed by its citation; a table row carries it in its last cell
        row = sentence.startswith("|") and sentence.rstrip().endswith("|")
        cited = (
            f"{sentence.rstrip()[:-1].rstrip()} [{number}] |" if row else f"{sentence} [{number}]"
        )
        assert cited in answer.text
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.number for c in answer.citations}


@pytest.mark.parametrize(
    "question",
    ["Who won the football world cup in 2014?", "How do I bake sourdough bread?"],
)
def test_says_plainly_when_nothing_relevant_is_found(
    handbook_container: Container, answerer: ExtractiveAnswerer, question: str
) -> None:
    answer, _ = ask(handbook_container, answerer, question)
    assert (answer.text, answer.citations, answer.grounded) == (NOT_FOUND, [], False)
    assessment = answerer.assessment(question, handbook_container.retriever.search(question).hits)
    assert assessment is not None and not assessment.answerable
    assert answer.confidence == assessment.probability < assessment.threshold


def test_no_hits_means_no_answer(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("anything", [])
    assert answer.text == NOT_FOUND and not answer.grounded


def test_sentence_spans() -> None:
    text = "First one. Second one!\n| a | b |\n|---|---|\n| 1 | 2 |\nNo stop at end"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "First one.",
        "Second one!",
        "| a | b |",
        "| 1 | 2 |",
        "No stop at end",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Stay at Hotel Edelweiss in St. Anton at 40% off. Book early.",
            ["Stay at Hotel Edelweiss in St. Anton at 40% off.", "Book early."],
        ),
        (
            "Ask Dr. Weber or call ext. 4000. Then wait.",
            ["Ask Dr. Weber or call ext. 4000.", "Then wait."],
        ),
        ("It is form No. 5 on the list. Next.", ["It is form No. 5 on the list.", "Next."]),
        ("Approx. 20 people come. Fine.", ["Approx. 20 people come.", "Fine."]),
        ("Pens, paper etc. are provided. Ask.", ["Pens, paper etc. are provided.", "Ask."]),
        ("Call ext. 5. Then wait.", ["Call ext. 5.", "Then wait."]),
        # a question typed in lower case keeps its sentences
        (
            "a supplier sent me whisky. it is worth 60 euros. can i keep it?",
            ["a supplier sent me whisky.", "it is worth 60 euros.", "can i keep it?"],
        ),
        # a sentence that ends in a word, and a line of its own, still end there
        ("Say no. Then go.", ["Say no.", "Then go."]),
        ("Line one.\nline two.", ["Line one.", "line two."]),
        ("| St. | Anton |\n| Dr. | Weber |", ["| St. | Anton |", "| Dr. | Weber |"]),
    ],
)
def test_a_full_stop_after_an_abbreviation_does_not_end_the_sentence(
    text: str, sentences: list[str]
) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_uses_only_the_hits_it_is_given(answerer: ExtractiveAnswerer) -> None:
    hit = SearchHit(
        chunk_id=7,
        document_id="d",
        collection="c",
        title="Pets",
        source_uri="file:///pets.md",
        doc_type="markdown",
        heading_path=("Pets",),
        page=None,
        start_char=0,
        end_char=60,
        text="Dogs are allowed in the office on Fridays. Cats are not allowed.",
        score=1.0,
    )
    answer = answerer.answer("Can I bring my dog to the office?", [hit])
    assert answer.grounded
    assert answer.text.startswith("Dogs are allowed in the office on Fridays. [1]")
    assert answer.citations[0].source_uri == "file:///pets.md"


def test_misspelt_words_are_matched_as_the_collection_spells_them(
    handbook_container: Container,
) -> None:
    answerer = handbook_container.extractive  # reads the collection's vocabulary
    # the sentences are matched against the question as corrected, not the typos' word pieces
    hits = handbook_container.retriever.search("What is the minimum password length?").hits
    features = {
        q: answerer.assessment(q, hits).features  # type: ignore[union-attr]
        for q in ("whats the minimum pasword lenght", "whats the minimum password length")
    }
    typo, spelled = features.values()
    assert typo["similarity"] == pytest.approx(spelled["similarity"], abs=1e-6)
    assert typo["best_score"] > 0.5


def test_a_story_is_matched_by_the_sentence_that_tells_what_happened(
    handbook_container: Container,
) -> None:
    answerer = handbook_container.extractive  # reads the collection's vocabulary
    story = (
        "I was on the train home yesterday and had a long day behind me. "
        "I think I typed my password into a phishing site. "
        "My manager is away all week and the team is busy with a release. What now?"
    )
    hits = handbook_container.retriever.search(story).hits
    told = answerer.assessment(story, hits)
    alone = answerer.assessment("I think I typed my password into a phishing site.", hits)
    assert told is not None and alone is not None
    assert told.features["similarity"] >= alone.features["similarity"] - 1e-6


def test_a_question_whether_something_exists_is_answered_only_where_it_does(
    handbook_container: Container,
) -> None:
    answerer = handbook_container.extractive
    for question, grounded in (
        ("do we get a home office stipend?", True),  # the remote work policy pays one
        ("Is there a christmas bonus?", False),
        ("does the company pay for a gym membership?", False),
    ):
        hits = handbook_container.retriever.search(question).hits
        answer = answerer.answer(question, hits)
        assert answer.grounded is grounded, (question, answer.confidence)


def test_a_part_that_tells_the_situation_opens_no_source_of_its_own(
    handbook_container: Container,
) -> None:
    question = "someone joins my team next month, how early do I have to order their laptop?"
    hits = handbook_container.retriever.search(question).hits
    answer = handbook_container.extractive.answer(question, hits)
    assert answer.grounded and "10 business days" in answer.text
    # "joins ... next month" finds the on-call rota's "join after 3 months": not cited
    assert {c.title for c in answer.citations} == {"Onboarding Checklist for New Employees"}


@pytest.mark.parametrize(
    ("question", "titles"),
    [
        (
            "what's the nightly hotel limit in Paris and the per diem rate for Germany",
            {"Expense Limits", "Per Diem Rates"},
        ),
        (
            "what is the minimum password length, and the VPN client to install",
            {"Password and Multi-Factor Authentication Standard", "VPN Access Guide"},
        ),
        (
            "could you tell me the minimum password length and the refresh cycle for an "
            "engineering laptop?",
            {"Password and Multi-Factor Authentication Standard", "Laptop and Device Policy"},
        ),
    ],
)
def test_each_part_of_a_question_finds_its_source(
    handbook_container: Container, question: str, titles: set[str]
) -> None:
    hits = handbook_container.retriever.search(question).hits
    answer = handbook_container.extractive.answer(question, hits)
    assert answer.grounded and {c.title for c in answer.citations} == titles, answer.text
