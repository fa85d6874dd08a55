"""Rules of the extractive answerer on a small collection of its own (a ferry company's staff
rules, written for these tests): values in table cells, catch-all rows bounded by a region,
abbreviations the collection spells out, names told as context, rows per part of a question."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.models import SearchHit
from colonnade.orchestration.answerability import (
    Answerability,
    Vocabulary,
    VocabularyCache,
    foreign_entities,
)
from colonnade.orchestration.extractive import ExtractiveAnswerer
from colonnade.orchestration.question_analysis import asks_what_follows, range_holds
from colonnade.orchestration.sentences import Candidate, run_on, split_sentences
from colonnade.orchestration.tables import limit_rows
from tests.orchestration.passages import passage

ALLOWANCES = (
    "Crew allowances\n"
    "Crew members receive a daily allowance in port:\n\n"
    "| Port | Daily allowance |\n|---|---|\n"
    "| Rotterdam | EUR 48 |\n| Hamburg | EUR 52 |\n| Any other port in Europe | EUR 40 |"
)
SAVINGS = (
    "Savings plan\n"
    "Crew choose how much of their pay to save, from 2% upwards:\n\n"
    "| Your saving | Company match |\n|---|---|\n"
    "| 2% | 2% |\n| 3% | 4% |\n| 4–5% | 5% |\n| 6% or more | 6% |"
)
SUPPORT = (
    "Support at sea\n"
    "The Crew Wellbeing Line is free and open day and night on 0800 555 0199. "
    "Complaints are acknowledged within 3 days and an investigator is appointed within "
    "10 days."
)
RATES = (
    "Travel allowances\n"
    "Where a city has its own row, use it; otherwise use the row of its country.\n\n"
    "| Country or city | Meal allowance per day |\n|---|---|\n"
    "| Germany | EUR 42 |\n| Munich and Frankfurt | EUR 50 |\n| Poland | EUR 30 |\n"
    "| United Kingdom | EUR 48 |\n| Rest of world | EUR 55 |"
)
STEPS = (
    "Raising a complaint\n"
    "| Step | When |\n|---|---|\n"
    "| Complaint acknowledged | Within 3 days |\n| Investigator appointed | Within 10 days |"
)


def _hit(n: int, text: str) -> SearchHit:
    return passage(n, text, "ferry", keyword=1, vector=1)


class _Fixed(VocabularyCache):
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def get(self, tenant: str = "default") -> Vocabulary:
        return self.vocabulary


def _answerer_of(minilm: MiniLMEmbedder, *texts: str) -> ExtractiveAnswerer:
    """An answerer that always answers, over a collection of these passages."""
    answerability = Answerability(_Fixed(Vocabulary.from_texts(texts)), embedder=minilm)
    return ExtractiveAnswerer(minilm, min_confidence=0.0, answerability=answerability)


@pytest.fixture(scope="module")
def answerer(minilm: MiniLMEmbedder) -> ExtractiveAnswerer:
    return _answerer_of(minilm, ALLOWANCES, SAVINGS, SUPPORT, STEPS, RATES)


@pytest.mark.parametrize(
    ("cell", "value", "holds"),
    [
        ("3%", 3, True),
        ("3%", 4, False),
        ("6% or more", 9, True),
        ("6% or more", 5, False),
        ("4–5%", 4.5, True),
        ("more than 24 months", 30, True),
        ("more than 24 months", 12, False),
        ("EUR 1,500", 1500, True),
        ("Step 3", 3, False),  # a label with a number is not that value
    ],
)
def test_a_cell_holds_a_value_when_it_is_that_value_or_a_range_around_it(
    cell: str, value: float, holds: bool
) -> None:
    assert range_holds(cell, value) is holds


def test_a_number_in_the_question_picks_the_row_that_states_it(
    answerer: ExtractiveAnswerer,
) -> None:
    for question, row, other in (
        ("if I save 3% what does the company put in?", "| 3% | 4%", "| 2% | 2%"),
        ("I'd like to save 8% of my pay, what's the match?", "| 6% or more | 6%", "| 3% |"),
    ):
        answer = answerer.answer(question, [_hit(1, SAVINGS)])
        assert row in answer.text and other not in answer.text, (question, answer.text)


def test_a_catch_all_row_covers_only_places_in_its_region(answerer: ExtractiveAnswerer) -> None:
    hits = [_hit(0, ALLOWANCES)]
    for inside in ("daily allowance in Lisbon?", "what's the port allowance in Gdansk"):
        answer = answerer.answer(inside, hits)
        assert answer.grounded and "Any other port in Europe" in answer.text, answer.text
    for outside in ("daily allowance in Singapore?", "what's the allowance in Shanghai port"):
        answer = answerer.answer(outside, hits)
        assert not answer.grounded and "do not mention" in answer.text, answer.text
        assert "EUR 40" not in answer.text and "EUR 48" not in answer.text


@pytest.mark.parametrize(
    ("question", "row"),
    [
        ("what's the meal allowance in Hamburg?", "| Germany | EUR 42"),
        ("meal allowance for Manchester", "| United Kingdom | EUR 48"),
        ("daily meal allowance in Leipzig", "| Germany | EUR 42"),
        ("ok and in munich", "| Munich and Frankfurt | EUR 50"),
        ("meal allowance in Frankfurt?", "| Munich and Frankfurt | EUR 50"),
        ("what's the meal allowance in Tokyo?", "| Rest of world | EUR 55"),
        ("meal allowance Poland", "| Poland | EUR 30"),
        # where the asker is from is not where they go
        (
            "I'm based in Gdańsk and going to the Hamburg office next week, how much meal "
            "allowance do I get per day?",
            "| Germany | EUR 42",
        ),
        ("I live in Kraków, what do I get per day for meals in Dresden?", "| Germany | EUR 42"),
    ],
)
def test_a_city_without_a_row_takes_its_countrys_row(
    answerer: ExtractiveAnswerer, question: str, row: str
) -> None:
    answer = answerer.answer(question, [_hit(4, RATES)])
    assert answer.grounded and row in answer.text, (question, answer.text)
    rows = [line for line in answer.text.splitlines() if "EUR" in line]
    assert len(rows) == 1, (question, answer.text)


def test_an_abbreviation_of_a_name_the_collection_writes_out_is_understood(
    answerer: ExtractiveAnswerer,
) -> None:
    vocabulary = answerer.answerability.vocabulary("default")
    assert vocabulary.spelled_out("CWL") == "Crew Wellbeing Line"
    assert vocabulary.spelled_out("cwl") == "Crew Wellbeing Line"  # not an English word
    assert vocabulary.spelled_out("CREW") is None  # a word the collection uses
    names, _ = foreign_entities("CWL phone number?", vocabulary)
    assert names == []  # not a name the documents lack
    answer = answerer.answer("CWL phone number?", [_hit(2, SUPPORT), _hit(0, ALLOWANCES)])
    assert "0800 555 0199" in answer.text, answer.text


def test_names_in_the_story_before_the_question_are_context() -> None:
    vocabulary = Vocabulary.from_texts([ALLOWANCES, SAVINGS, SUPPORT])
    story = (
        "I sailed with Marguerite from Rotterdam last week and she told me about it. "
        "How do I raise a complaint?"
    )
    assert foreign_entities(story, vocabulary) == ([], False)
    # asked about, the name counts; an organisation counts wherever it is named
    assert foreign_entities("what does Marguerite get in port?", vocabulary)[0] == ["Marguerite"]
    told = "I used to work for Brightwater Ltd. What is the savings match?"
    assert foreign_entities(told, vocabulary) == (["Brightwater Ltd"], True)


def test_each_part_of_a_question_keeps_its_own_row(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer(
        "how long until my complaint is acknowledged, and when is an investigator appointed?",
        [_hit(3, STEPS)],
    )
    rows = Counter(line for line in answer.text.splitlines() if "Within" in line)
    assert len(rows) == 2, answer.text


SHIFTS = (
    "Shift allowances\n"
    "| Pay band | Late shift allowance | Night shift allowance |\n|---|---|---|\n"
    "| Band A (operatives) | 1.10 per hour | 2.90 per hour |\n"
    "| Band B (team leaders) | 1.45 per hour | 3.40 per hour |\n"
    "| Band C (shift leaders) | 1.70 per hour | 3.95 per hour |"
)


def test_a_follow_up_goes_on_about_the_row_the_last_answer_quoted(
    answerer: ExtractiveAnswerer,
) -> None:
    from colonnade.orchestration.models import Answer
    from colonnade.orchestration.ports import GenerationRequest, HistoryTurn

    first = answerer.answer(
        "how much extra per hour does a team leader get for working nights?", [_hit(5, SHIFTS)]
    )
    assert "| Band B (team leaders) | 1.45 per hour | 3.40 per hour" in first.text, first.text
    history = [
        HistoryTurn("how much extra per hour does a team leader get for nights?", first.text)
    ]

    def ask(question: str) -> str:
        request = GenerationRequest(
            question, f"{question} (per hour team leader nights)", [_hit(5, SHIFTS)], history
        )
        answer = next(piece for piece in answerer.stream(request) if isinstance(piece, Answer))
        return answer.text

    # "late shift" names a column (the header's words), not the shift leaders' row
    late = ask("and for the late shift?")
    assert "Band B (team leaders)" in late and "Band C" not in late, late
    # another row, named, is that row
    named = ask("and for shift leaders?")
    assert "Band C (shift leaders)" in named and "Band B" not in named, named


PAY_RULES = "Family leave pay\nAfter that, maternity pay stops and you may take unpaid leave."
PAY_TABLE = (
    "Family leave pay\n| Leave | Pay |\n|---|---|\n"
    "| Birth mother | 26 weeks at full pay, then 13 weeks at statutory pay |\n"
    "| Paternity leave | 2 weeks at full pay |\n\n"
    "| Leave | Weeks |\n|---|---|\n| Birth mother | 52 |\n| Paternity leave | 2 |"
)


def test_a_follow_up_that_asks_what_comes_next_stays_on_the_row_just_quoted(
    minilm: MiniLMEmbedder,
) -> None:
    """ "and after that?" after the birth mother's pay row: that row goes on (13 weeks at
    statutory pay) and is quoted again, once, beside the sentence that says "after that";
    not another table's row of the same name. "who approves it?" has words of its own and
    is no such turn."""
    from colonnade.orchestration.models import Answer
    from colonnade.orchestration.ports import GenerationRequest, HistoryTurn

    answerer = _answerer_of(minilm, PAY_RULES, PAY_TABLE, SUPPORT)
    hits = [_hit(6, PAY_TABLE), _hit(7, PAY_RULES)]
    before = (  # the last answer quoted the maternity row of the pay table
        "| Leave | Pay |\n| --- | --- |\n"
        "| Birth mother | 26 weeks at full pay, then 13 weeks at statutory pay [1] |"
    )

    def ask(question: str) -> str:
        request = GenerationRequest(
            question,
            f"{question} (maternity pay)",
            hits,
            [HistoryTurn("maternity pay", before)],
        )
        answer = next(piece for piece in answerer.stream(request) if isinstance(piece, Answer))
        return answer.text

    after = ask("and after that?")
    assert after.count("13 weeks at statutory pay") == 1, after
    assert "| 52 |" not in after and "Paternity" not in after, after
    assert asks_what_follows("ok and then?") and asks_what_follows("what happens next?")
    assert not asks_what_follows("who approves it?") and not asks_what_follows("how long?")


REFUNDS = (
    "Goodwill refunds\nA refund to a passenger can be approved up to these limits:\n\n"
    "| Role | Refund up to |\n| --- | --- |\n| Deck crew | €50 |\n| Purser | €400 |\n"
    "| Duty manager | €2,000 |\n| Head of Passenger Services | Any amount above €2,000 |\n"
)


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("a passenger wants €250 back, who can approve that?", "Purser"),
        ("who signs off a refund of 1,200 euros?", "Duty manager"),
        ("can a deck crew member give €30 back? who approves it", "Deck crew"),
        ("who approves a €5,000 refund?", "Head of Passenger Services"),
    ],
)
def test_who_approves_an_amount_is_the_row_whose_limit_it_falls_under(
    minilm: MiniLMEmbedder, question: str, role: str
) -> None:
    answerer = ExtractiveAnswerer(
        minilm,
        min_confidence=0.0,
        answerability=Answerability(_Fixed(Vocabulary.from_texts([REFUNDS])), embedder=minilm),
    )
    answer = answerer.answer(question, [_hit(1, REFUNDS)])
    quoted = [line for line in answer.text.splitlines() if line.startswith(f"| {role} |")]
    assert quoted, answer.text
    # a limit per place is read by its place, not by the amount
    assert limit_rows([("| City | Hotel limit |", "| Paris | €230 |")], 100) == {0}
    assert not limit_rows([("| City | Hotel |", "| Paris | €230 |")], 100)


ESCALATION = (
    "Escalation\nWhat to do when something goes wrong on board:\n\n"
    "| Situation | What to do |\n| --- | --- |\n"
    "| A passenger is being scammed right now | Call the Fraud Escalation Line on 0113 496 0455 |\n"
    "| You suspect a colleague of fraud | Report it to the Head of Fraud, not the escalation"
    " line |\n"
)


def test_a_row_that_shares_a_word_with_the_question_does_not_push_out_the_best_row(
    minilm: MiniLMEmbedder,
) -> None:
    answerer = ExtractiveAnswerer(
        minilm,
        min_confidence=0.0,
        answerability=Answerability(_Fixed(Vocabulary.from_texts([ESCALATION])), embedder=minilm),
    )
    answer = answerer.answer("fraud escalation line number", [_hit(1, ESCALATION)])
    assert "0113 496 0455" in answer.text


def test_a_story_is_also_read_as_its_rarest_words() -> None:
    from colonnade.orchestration.readings import gist

    vocabulary = Vocabulary.from_texts([REFUNDS, ESCALATION, "The ferry leaves at noon."] * 2)
    story = (
        "Yesterday on the crossing a passenger told me he had been phoned by someone "
        "claiming to be from his bank and was about to send them money. What should I do?"
    )
    (reading,) = gist(story, vocabulary)
    terms = reading.split()
    # at most 8, the rarest in the collection first: "passenger" is in every document
    assert len(terms) == 8 and "passenger" not in terms and "money" in terms
    assert gist("who approves a refund?", vocabulary) == []


FUEL = (
    "Fuel cards\nUse the fuel card only for fuel and charging. Fuel for holidays abroad is "
    "never paid with the card.\n"
)
FUEL_HOME = "Fuel cards\nUse the fuel card only for fuel and charging in your home town.\n"


def test_a_country_the_documents_lack_is_covered_by_a_sentence_on_going_abroad(
    minilm: MiniLMEmbedder,
) -> None:
    def foreign(text: str) -> float:
        answerer = ExtractiveAnswerer(
            minilm,
            answerability=Answerability(_Fixed(Vocabulary.from_texts([text])), embedder=minilm),
        )
        question = "can I use the fuel card on our summer holiday in Croatia?"
        judged = answerer.assessment(question, [_hit(1, text)])
        assert judged is not None
        return judged.features["foreign_entity"]

    assert foreign(FUEL) == 0.0
    assert foreign(FUEL_HOME) == 0.5


SEASONS = (
    "Working hours\n"
    "Deck crew work annualised hours: 1,600 hours a year, 35 hours a week on average, with "
    "longer weeks in the summer season and shorter weeks in winter.\n\n"
    "| Season | Months | Weekly hours |\n|---|---|---|\n"
    "| Summer season | June to August | 42 hours |\n"
    "| Shoulder season | March to May | 36 hours |\n"
    "| Winter | November to February | 30 hours |"
)


def test_a_sentence_that_introduces_a_table_brings_the_row_asked_for(
    minilm: MiniLMEmbedder,
) -> None:
    # the best sentence is the one that introduces the table; the row the question names is
    # quoted beneath it, and the rows of other seasons are not
    answerer = _answerer_of(minilm, SEASONS)
    for question in (
        "how many hours a week are we meant to do in the summer?",
        "what are deck crew's weekly hours in summer?",
    ):
        text = answerer.answer(question, [_hit(0, SEASONS)]).text
        assert "| Summer season | June to August | 42 hours" in text, (question, text)
        assert "Winter |" not in text and "Shoulder" not in text, (question, text)


LEAVE = (
    "Annual leave\n"
    "Crew members receive 28 days of paid leave per year. Up to 5 unused days may be carried "
    "over into the next year. Carried-over days must be taken by 31 March or they are lost. "
    "Leave is booked in the crew portal at least two weeks ahead."
)


def test_an_answer_quotes_the_sentence_after_the_one_that_names_the_topic(
    minilm: MiniLMEmbedder,
) -> None:
    # the deadline is in the sentence that goes on from the carry-over rule; an answer of the
    # three sentences closest to the question (within 0.8 of the best) left it out
    answerer = _answerer_of(minilm, LEAVE)
    answer = answerer.answer("what happens to leave I haven't used by december?", [_hit(0, LEAVE)])
    assert "31 March" in answer.text and "5 unused days" in answer.text, answer.text
    assert len(answer.citations) == 1  # one passage, cited once however many sentences


HOME = (
    "Working from home\n"
    "Office staff can work from home two days a week once they have passed probation. "
    "Deck and engine crew cannot work from home. "
    "You also receive EUR 2 for every day worked from home, paid with your salary, to cover "
    "heating and broadband."
)


def test_whether_a_thing_exists_is_met_by_any_sentence_near_the_top(
    minilm: MiniLMEmbedder,
) -> None:
    """ "is there anything for my broadband?" after asking whether deck officers may work from
    home: the conversation's words lift the crew sentence to the top, the broadband one is
    second, and the passage still says there is something."""
    answerer = _answerer_of(minilm, HOME, SUPPORT, SAVINGS)
    for thing, met in (("broadband", True), ("gym membership", False)):
        question = f"is there anything for my {thing}?"
        fused = f"{question} (are deck officers allowed to work from home)"
        judged = answerer.assessment(question, [_hit(0, HOME)], search_query=fused)
        assert judged is not None
        assert (judged.features["unmet_existence"] < 0.2) is met, thing


SHORE_ALLOWANCE = (
    "Shore allowance\n"
    "A shore allowance covers meals and small expenses on days in port. It is paid per "
    "calendar day ashore; no receipts are needed.\n\n"
    "| Country | Full day | Partial day |\n|---|---|---|\n"
    "| Germany | EUR 28 | EUR 14 |\n| France | EUR 53 | EUR 26.50 |\n"
    "| Other countries | EUR 40 | EUR 20 |"
)
SHORE_HOTELS = (
    "Shore hotels\n"
    "| City | Limit per night |\n|---|---|\n| Munich | EUR 170 |\n| Any other city | EUR 140 |"
)


def test_the_row_of_the_place_asked_about_is_the_answer(minilm: MiniLMEmbedder) -> None:
    """ "the shore allowance in Germany?" is Germany's row, not the sentences on what the
    allowance is; "and in Munich?" after it is still the allowance, Germany's row (Munich is
    in Germany), not Munich's hotel limit, which has the word but is another table."""
    answerer = _answerer_of(minilm, SHORE_ALLOWANCE, SHORE_HOTELS, SUPPORT)
    hits = [
        replace(_hit(n, text), heading_path=(text.split("\n", 1)[0],))
        for n, text in enumerate((SHORE_ALLOWANCE, SHORE_HOTELS))
    ]
    germany = answerer.answer("what's the shore allowance in Germany?", hits)
    assert "| Germany | EUR 28 | EUR 14" in germany.text, germany.text
    munich = answerer.answer(
        "ok and in munich",
        hits,
        search_query="ok and in munich (germany shore allowance)",
    )
    assert "| Germany | EUR 28 | EUR 14" in munich.text, munich.text
    assert "EUR 170" not in munich.text, munich.text
    hotel = answerer.answer("what's the hotel limit in Munich?", hits)
    assert "| Munich | EUR 170" in hotel.text and "EUR 28" not in hotel.text, hotel.text


def test_a_follow_up_on_the_document_the_last_answer_quoted_is_answered_a_little_sooner(
    minilm: MiniLMEmbedder,
) -> None:
    """Just under the bar: refused alone or after an answer from another document, answered
    when the conversation's last answer quoted the same document."""
    from colonnade.orchestration.extractive import CONTINUED_MARGIN
    from colonnade.orchestration.models import Answer
    from colonnade.orchestration.ports import GenerationRequest, HistoryTurn

    probe = _answerer_of(minilm, HOME, SUPPORT, SAVINGS)
    question = "and for the deck crew?"
    fused = f"{question} (work from home days week)"
    hits = [_hit(0, HOME), _hit(1, SUPPORT)]
    judged = probe.assessment(question, hits, search_query=fused)
    assert judged is not None
    answerer = _answerer_of(minilm, HOME, SUPPORT, SAVINGS)
    answerer.min_confidence = judged.probability + CONTINUED_MARGIN / 2

    def ask(previous: str | None) -> Answer:
        history = [HistoryTurn("how many days can I work from home?", previous)] if previous else []
        request = GenerationRequest(question, fused, hits, history)
        return next(p for p in answerer.stream(request) if isinstance(p, Answer))

    assert not ask(None).grounded
    assert not ask(
        "The Crew Wellbeing Line is free and open day and night on 0800 555 0199. [1]"
    ).grounded
    same = ask(
        "Office staff can work from home two days a week once they have passed probation. [1]"
    )
    assert same.grounded, same.text


SHORE_ELIGIBLE = (
    "Crew with at least 6 months of continuous service on the expected date of birth are "
    "eligible for enhanced family leave. Leave can start up to 4 weeks before the birth."
)
SHORE_LEAVE = (
    "| Role | Leave | Pay |\n|---|---|---|\n"
    "| Primary carer | 20 weeks | 100% of base pay |\n"
    "| Secondary carer | 6 weeks | 100% of base pay |"
)


def test_a_question_on_a_tables_column_gets_every_row_of_it(minilm: MiniLMEmbedder) -> None:
    """ "how long is family leave?" is best matched by the eligibility sentence, which has the
    words and a duration; the table of the same policy, in a passage of its own, whose Leave
    column holds the durations, lists every case. A row named in the question is that row
    alone."""
    answerer = _answerer_of(minilm, SHORE_ELIGIBLE, SHORE_LEAVE, SUPPORT, SAVINGS)
    hits = [
        replace(_hit(n, text), document_id="family", title="Family Leave", heading_path=(h,))
        for n, (text, h) in enumerate(
            ((SHORE_ELIGIBLE, "Who is eligible"), (SHORE_LEAVE, "Leave and pay"))
        )
    ]
    text = answerer.answer("how long is family leave?", hits).text
    assert "| Primary carer | 20 weeks" in text and "| Secondary carer | 6 weeks" in text, text
    named = answerer.answer("how long is family leave for the secondary carer?", hits).text
    assert "| Secondary carer | 6 weeks" in named and "20 weeks" not in named, named


BRIGHTWATER = (
    "Annual leave\nEvery crew member at Brightwater Ferries receives 28 days of annual leave "
    "a year, in addition to public holidays.",
    "Family leave\nThe primary carer takes 20 weeks of family leave at full pay.",
    "Uniform\nBrightwater supplies two uniforms a year. None may be worn off duty.",
    "Shore leave in Ireland\nBrightwater pays for a taxi to the ferry in Ireland. Write to "
    "crew@brightwater.example. None of this applies to agency staff.",
    "Data Protection\nKeep passenger lists locked away. None leave the bridge. We protect "
    "passengers' data.",
    "Ireland crossings\nCrossings to Ireland sail twice a day.",
    "Port offices\nCrew based in Seahaven report to the harbour office.",
    "Shore leave\nShore leave in Seahaven ends at midnight.",
    "Medical checks\nCrew sailing from Seahaven have a medical check each year.",
)


def test_the_collections_own_name_says_nothing_about_which_passage_answers(
    minilm: MiniLMEmbedder,
) -> None:
    """A word a collection only ever writes capitalised, in many of its documents, is its
    own name: "at Brightwater" is no reason to quote the sentence that names Brightwater.
    A place, one the gazetteer lacks ("in Seahaven"), a word that only opens sentences
    ("None") and one written in lower case too ("protect") are not; nor is a name in an
    address ("crew@brightwater.example"). The name counts for nothing only where the question
    names the company with it, not a thing of the company's ("the Brightwater Lounge")."""
    vocabulary = Vocabulary.from_texts(BRIGHTWATER)
    assert vocabulary.house == {"brightwat"}
    answerability = Answerability(_Fixed(vocabulary), embedder=minilm)
    assert "brightwat" not in answerability.term_stems("family leave at Brightwater?", vocabulary)
    assert "brightwat" not in answerability.term_stems("does Brightwater pay it?", vocabulary)
    assert "brightwat" in answerability.term_stems("is the Brightwater Lounge open?", vocabulary)
    assert "ireland" in answerability.term_stems("ferry in Ireland?", vocabulary)
    answerer = ExtractiveAnswerer(minilm, min_confidence=0.0, answerability=answerability)
    hits = [_hit(n, text) for n, text in enumerate(BRIGHTWATER[:2])]
    text = answerer.answer("how long is family leave at Brightwater?", hits).text
    assert "20 weeks" in text and "28 days" not in text, text


def _documents(*texts: str) -> list[SearchHit]:
    return [
        replace(_hit(n, text), document_id=f"doc{n}", title=text.split("\n", 1)[0])
        for n, text in enumerate(texts)
    ]


def test_a_sentence_of_another_document_that_scores_as_well_is_quoted_too(
    minilm: MiniLMEmbedder,
) -> None:
    """Two documents answer "what's the meal allowance?" equally well: the asker sees both.
    One that answers a question less well than the best is left out."""
    sea = "Meals at sea\nCrew meals at sea are paid up to EUR 30 a day."
    port = "Meals in port\nCrew meals in port are paid up to EUR 60 a day."
    answerer = _answerer_of(minilm, sea, port, SUPPORT)
    text = answerer.answer("what's the meal allowance?", _documents(sea, port)).text
    assert "EUR 30" in text and "EUR 60" in text, text
    lunch = "Lunch allowance\nLunch is paid up to EUR 15 a day."
    dinner = "Dinner allowance\nDinner is paid up to EUR 30 a day."
    answerer = _answerer_of(minilm, lunch, dinner, SUPPORT)
    text = answerer.answer("how much can I spend on a meal?", _documents(lunch, dinner)).text
    assert ("EUR 15" in text) != ("EUR 30" in text), text


def test_a_name_typed_without_its_accents_is_the_documents_name(
    minilm: MiniLMEmbedder,
) -> None:
    """ "Solden" is the documents' "Sölden", not a place they never name; and the other way
    round."""
    rooms = "Staff rooms\nA shared room in Sölden costs EUR 190 a month; in Val d'Isère EUR 240."
    vocabulary = Vocabulary.from_texts([rooms, SUPPORT])
    for asked in ("how much is a room in Solden?", "and in Val d'Isere?", "Sölden room?"):
        assert foreign_entities(asked, vocabulary) == ([], False), asked
    answerer = _answerer_of(minilm, rooms, SUPPORT)
    hits = [_hit(0, rooms), _hit(1, SUPPORT)]
    assert "EUR 190" in answerer.answer("how much is a room in Solden?", hits).text


def test_a_row_for_any_other_country_covers_a_name_only_where_it_is_written_as_a_place(
    minilm: MiniLMEmbedder,
) -> None:
    """ "an overnight in Zermatt" (a town the gazetteer lacks) falls under "Rest of world";
    "the Zorbex ski school" is a thing the documents never name, whatever rows they have."""
    answerer = _answerer_of(minilm, RATES, SUPPORT)
    hits = [_hit(0, RATES), _hit(1, SUPPORT)]
    town = answerer.assessment("meal allowance for an overnight in Zorbex?", hits)
    thing = answerer.assessment("meal allowance at the Zorbex ski school?", hits)
    assert town is not None and thing is not None
    assert town.features["foreign_entity"] == 0.0
    assert thing.features["foreign_entity"] > 0.0


def test_a_sentence_that_goes_on_from_the_quoted_one_is_quoted_with_it(
    minilm: MiniLMEmbedder,
) -> None:
    """ "They must be used by 31 March." says nothing alone but is half the answer to "can I
    carry over my unused leave?"; a sentence right after the best one that starts afresh is
    not pulled in."""
    leave = (
        "Carrying over leave\nUp to 5 unused leave days may be carried over into the next "
        "year. They must be used by 31 March.\n\nUp to 3 unused study days may be carried "
        "over into the next year. Sick days are recorded in Workday."
    )
    answerer = _answerer_of(minilm, leave, SUPPORT)
    text = answerer.answer("can I carry over unused leave days?", [_hit(0, leave)]).text
    assert "5 unused leave days" in text and "31 March" in text, text
    assert "Workday" not in text, text


def _sentences(hit: SearchHit, document: str = "d") -> list[Candidate]:
    return [
        Candidate(hit.chunk_id, i, hit.text[a:b], None, a, document)
        for i, (a, b) in enumerate(split_sentences(hit.text))
    ]


def test_only_a_sentence_that_refers_back_goes_on_from_its_neighbour() -> None:
    hit = _hit(0, "Leave may be carried over. They expire on 31 March. It is paid. Claims go.")
    c = _sentences(hit)
    assert run_on(c, 0, [hit]) == [1]  # the next one; "It is paid." follows "They ...", not 0
    assert run_on(c, 1, [hit]) == [0, 2]  # "They" needs the sentence before it
    assert run_on(c, 3, [hit]) == []  # the sentence before it refers back, not this one
    for afresh in (
        "Theft is reported to security.",  # "Theft" is no "the"/"they"
        "It is mandatory to wear a badge.",  # "it" of nothing before it
        "This policy is reviewed every year.",  # the document speaks of itself
    ):
        hit = _hit(0, f"Leave may be carried over. {afresh}")
        assert run_on(_sentences(hit), 0, [hit]) == [], afresh
    paragraphs = _hit(0, "Leave may be carried over.\n\nThey must wear helmets.")
    assert run_on(_sentences(paragraphs), 0, [paragraphs]) == []  # another paragraph
    rows = _hit(0, "| Country | Rate |\n|---|---|\n| Germany | EUR 42 |\n| These | EUR 10 |")
    as_rows = [replace(c, table_header="| Country | Rate |") for c in _sentences(rows)]
    assert run_on(as_rows, 2, [rows]) == []  # a table's rows stand alone


def test_the_sentence_that_goes_on_may_be_in_the_next_overlapping_passage() -> None:
    """Passages overlap and a sentence is a candidate once, in the first passage that has it:
    the sentence after the best one is found by its place in the document."""
    text = "Intro here. Leave may be carried over. They expire on 31 March. Other rules."
    first = replace(_hit(0, text[:38]), start_char=0)  # "Intro here. Leave may be ... over."
    second = replace(_hit(1, text[12:]), start_char=12)  # "Leave ... over. They ... March. ..."
    candidates = _sentences(first) + [
        c for c in _sentences(second) if not c.sentence.startswith("Leave")
    ]
    best = next(i for i, c in enumerate(candidates) if c.sentence.startswith("Leave"))
    picked = [candidates[i].sentence for i in run_on(candidates, best, [first, second])]
    assert picked == ["They expire on 31 March."], picked
    other = [replace(c, document="other") for c in candidates]  # the same places elsewhere
    other[best] = candidates[best]
    assert run_on(other, best, [first, second]) == []


def test_the_best_sentences_document_comes_first_whatever_retrieval_ranked_first(
    minilm: MiniLMEmbedder,
) -> None:
    """The answer reads from its best sentence on, and its document is citation [1], the
    topic a follow-up carries; another part's document follows, even when retrieval ranked
    that one first."""
    sea = "Meals at sea\nCrew meals at sea are paid up to EUR 30 a day."
    taxi = "Taxis\nA taxi home after a late shift is approved by the duty officer."
    answerer = _answerer_of(minilm, sea, taxi, SUPPORT)
    answer = answerer.answer(
        "how much are crew meals at sea paid per day, and who approves a taxi?",
        _documents(taxi, sea),
    )
    assert [c.title for c in answer.citations] == ["Meals at sea", "Taxis"], answer.text
    assert answer.text.startswith("Crew meals at sea"), answer.text
