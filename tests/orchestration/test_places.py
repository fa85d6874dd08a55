"""The gazetteer behind table rows for places: which country and continent a city named in a
question is in, which places a question asks about, and which row covers them."""

from __future__ import annotations

import pytest

from colonnade.knowledge.ports import Vectors
from colonnade.orchestration.places import named_as_origin, names_a_site, place, places_in
from colonnade.orchestration.question_analysis import question_parts
from colonnade.orchestration.tables import catch_all


class _NoEmbedder:
    """The gazetteer decides for the places it holds: embedding would be a fallback."""

    def embed(self, texts: list[str]) -> Vectors:
        raise AssertionError(f"embedded {texts}")

    def query(self, text: str) -> Vectors:
        raise AssertionError(f"embedded {text}")


@pytest.mark.parametrize(
    ("name", "country", "continent"),
    [
        ("Hamburg", "Germany", "europe"),
        ("Gdansk", "Poland", "europe"),  # without its accent
        ("Gdańsk", "Poland", "europe"),
        ("München", "Germany", "europe"),  # a large city's other name
        ("Singapore", "Singapore", "asia"),
        ("UK", "United Kingdom", "europe"),
        ("Czech Republic", "Czechia", "europe"),
        ("Brno", "Czechia", "europe"),
    ],
)
def test_a_place_has_a_country_and_a_continent(name: str, country: str, continent: str) -> None:
    found = place(name)
    assert found is not None and (found.country, found.continent) == (country, continent)


@pytest.mark.parametrize("name", ["Gareth", "Colonnade", "Speak Up", "Contoso"])
def test_a_name_that_is_no_place_has_none(name: str) -> None:
    assert place(name) is None


def test_the_country_is_named_by_any_of_its_names() -> None:
    manchester = place("Manchester")
    assert manchester is not None
    for cell in ("United Kingdom", "UK", "Hotel night, UK", "Great Britain"):
        assert manchester.country_named_in(cell), cell
    assert not manchester.country_named_in("Ukraine")


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("what about Hong Kong?", ["Hong Kong"]),
        ("ok and in munich", ["munich"]),
        ("I'm based in Gdańsk and going to Hamburg next week", ["Hamburg"]),
        ("I live in Leeds, what's the hotel cap in Oslo?", ["Oslo"]),
        ("Can I bring my kids to the Warehouse?", []),  # "Can" opens the sentence
        ("can I take leave in march?", []),  # a small town's name is a word in lower case
        ("Is the Speak Up line anonymous?", []),
        # words that are also towns, or airport codes of cities, are words
        ("I want to add my partner to my health plan", []),
        ("I'm unable to log in to Workday", []),
        ("Is there somewhere to rest during night shifts?", []),
        ("Can I claim for per diem expenses?", []),
        ("Is Boxing Day a Bank Holiday?", []),
        ("What is the allowance in March?", []),
        ("What if I am Male?", []),
        ("Mobile phones: who pays?", []),
        ("Split shifts: how are they paid?", []),
        # the place after the words that open the sentence
        ("Is Germany covered by the allowance?", ["Germany"]),
        ("Can Munich staff claim it?", ["Munich"]),
        ("What Hamburg hotel rate applies?", ["Hamburg"]),
        ("What is the hotel limit in New York?", ["New York"]),
        ("I am going to Łódź", ["Łódź"]),
        ("Rio de Janeiro per diem", ["Rio de Janeiro"]),
        # working from a place is asking about it; people are no places
        ("Can I work from Spain for a month?", ["Spain"]),
        ("Paris said I could take leave", []),
        ("Jordan told me I could", []),
    ],
)
def test_the_places_a_question_asks_about(question: str, places: list[str]) -> None:
    assert [p.name for p in places_in(question)] == places
    assert named_as_origin("I'm based in Gdańsk and going to Hamburg", "Gdańsk")
    assert not named_as_origin("I'm based in Gdańsk and going to Hamburg", "Hamburg")


def test_long_or_odd_questions_take_no_time() -> None:
    import time

    assert place("Hamburg") is not None  # the gazetteer is read before the clock starts
    started = time.process_time()
    for question in ("Aa" + " " * 20_000 + "x", "Xy " * 5_000, "Paris" + " " * 20_000 + ","):
        places_in(question)
    # a budget a quadratic scan of these would overrun many times (not a wall-clock race:
    # CPU time of this thread)
    assert time.process_time() - started < 2.0


def test_the_row_that_covers_a_place() -> None:
    cells = ["Germany", "Munich and Frankfurt", "Poland", "Rest of world"]
    covers = catch_all(["Hamburg"], _NoEmbedder(), cells)
    assert covers("Germany") and not covers("Rest of world") and not covers("Poland")
    assert not covers("Munich and Frankfurt")
    # a city with its own row is under no other
    frankfurt = catch_all(["Frankfurt"], _NoEmbedder(), cells)
    assert not frankfurt("Germany") and not frankfurt("Rest of world")
    tokyo = catch_all(["Tokyo"], _NoEmbedder(), cells)
    assert tokyo("Rest of world") and not tokyo("Germany")
    # a row bounded by a region covers the places the gazetteer puts in it
    europe = ["Rest of Europe", "Rest of Asia"]
    assert catch_all(["Munich"], _NoEmbedder(), europe)("Rest of Europe")
    assert not catch_all(["Singapore"], _NoEmbedder(), europe)("Rest of Europe")
    assert catch_all(["Singapore"], _NoEmbedder(), europe)("Rest of Asia")


def test_what_the_asker_tells_about_themselves_is_not_a_part_of_the_question() -> None:
    story = (
        "I'm based in Gdańsk and going to the Hamburg office next week, how much meal "
        "allowance do I get per day?"
    )
    assert question_parts(story) == [story]
    # told before two questions, it goes with the first
    assert question_parts(
        "I am a team leader; what is my training budget and how many study days do I get?"
    ) == ["I am a team leader, what is my training budget", "how many study days do I get"]
    assert question_parts(
        "Going to New York next week: what's the hotel limit there and the daily allowance "
        "for the US?"
    ) == [
        "Going to New York next week: what's the hotel limit there",
        "the daily allowance for the US",
    ]


def test_a_nationality_or_where_the_asker_works_is_no_foreign_name() -> None:
    from colonnade.orchestration.answerability import Vocabulary, foreign_entities

    vocabulary = Vocabulary.from_texts(["Relocation support covers language lessons."])
    for question in (
        "does that cover German lessons for my wife?",
        "the funeral is back home and I work in Felixstowe, how many days do I get?",
        "I'm transferring from the Gdańsk warehouse, what relocation support is there?",
    ):
        assert foreign_entities(question, vocabulary) == ([], False), question
    # asked about, a place is named; a company anywhere
    assert foreign_entities("language lessons in Gdańsk?", vocabulary)[0] == ["Gdańsk"]
    assert foreign_entities("what does Northwind pay?", vocabulary)[0] == ["Northwind"]


def test_a_place_the_documents_lack_weighs_less_than_a_name() -> None:
    from colonnade.orchestration.answerability import Answerability, Vocabulary
    from tests.orchestration.test_answer_rules import _Fixed, _hit

    vocabulary = Vocabulary.from_texts(["The fuel card is for business journeys only."])
    answerability = Answerability(_Fixed(vocabulary))
    hits = [_hit(0, "The fuel card is for business journeys only.")]

    def feature(question: str) -> float:
        return answerability.assess(question, hits, 0.5).features["foreign_entity"]

    assert feature("can I use the fuel card on holiday in Croatia?") == 0.5
    assert feature("can I use the Shell fuel card on holiday?") == 1.0
    assert feature("can I use the fuel card on holiday?") == 0.0


def test_a_place_named_as_one_of_the_companys_sites_is_what_is_asked_about() -> None:
    assert names_a_site("what time does the Cardiff contact centre open?", "Cardiff")
    assert names_a_site("is our Lyon store open on Sundays?", "Lyon")
    assert names_a_site("who runs the Porto warehouse", "Porto")
    # where the asker goes or comes from is not a site of the company
    assert not names_a_site("I'm on holiday in Croatia, can I work from there?", "Croatia")
    assert not names_a_site("the Lyon trip next week: what is the hotel limit?", "Lyon")
    assert not names_a_site("flying from Cardiff to Paris, which class?", "Cardiff")
    assert not names_a_site("I'm visiting the Munich office next week", "Munich")
    assert not names_a_site("Do all four Paris offices get it?", "Paris")
    assert not names_a_site("an appointment at the Leeds hospital", "Leeds")
