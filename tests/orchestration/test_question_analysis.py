from __future__ import annotations

import pytest

from colonnade.orchestration.question_analysis import (
    AnswerType,
    answer_type,
    asks_for_whole_table,
    asks_whether_exists,
    matches_type,
    names_label,
    part_asks,
    question_numbers,
    question_parts,
    range_holds,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how long do refunds take?", AnswerType.duration),
        ("Within how many days must I file it?", AnswerType.duration),
        ("when is the office party", AnswerType.date),
        ("By what time should the report be in?", AnswerType.date),
        ("how much is the bike allowance", AnswerType.number),
        ("what's the spending cap for team lunches?", AnswerType.number),
        ("who signs off a new supplier?", AnswerType.person),
        ("and who signs it off?", AnswerType.person),
        ("a colleague cut his hand. who has to be told?", AnswerType.person),
        # a relative "who", and who may have something, are not asking for a person
        ("when does someone who is leaving lose their logins?", AnswerType.date),
        ("my neighbour, who I help with her shopping, banks with us", AnswerType.any),
        ("Who is eligible for a corporate card?", AnswerType.any),
        ("security hotline number", AnswerType.contact),
        ("dropped my phone in the canal, who do I call?", AnswerType.contact),
        ("what's the email address for payroll questions?", AnswerType.contact),
        ("how long is the waiting line at the canteen?", AnswerType.duration),
        ("What number of hours can I work per week?", AnswerType.number),
        ("my phone no longer works, who pays for a new one?", AnswerType.person),
        ("do I keep the same phone number on a new work phone?", AnswerType.number),
        ("I lost my laptop, what do I do?", AnswerType.steps),
        ("a customer fainted in the queue, what should we do now?", AnswerType.steps),
        ("what's the procedure for a fire alarm?", AnswerType.steps),
        ("lost my badge, what do I do and who do I call?", AnswerType.contact),
        ("what do you do in IT?", AnswerType.any),
    ],
)
def test_expected_answer_type(question: str, kind: AnswerType) -> None:
    assert answer_type(question) is kind


def test_sentences_are_matched_to_the_type_asked_for() -> None:
    assert matches_type("Refunds are paid within 14 business days.", AnswerType.duration)
    assert not matches_type("Refunds are paid to the card used.", AnswerType.duration)
    assert matches_type("The party is on Friday 12 June at 18:00.", AnswerType.date)
    assert matches_type("The allowance is EUR 40.", AnswerType.number)
    assert not matches_type("Ask the facilities team.", AnswerType.number)
    assert matches_type("Call the Service Desk on +44 113 496 0700.", AnswerType.contact)
    assert matches_type("Write to payroll@contoso.example.", AnswerType.contact)
    assert not matches_type("Report it within 2 hours, 7 days a week.", AnswerType.contact)
    # what to do: a sentence that tells the reader to do something, after an "if" at most
    for told in (
        "Report a lost device to the IT Service Desk within 1 hour.",
        "If you lose your phone, call the IT Service Desk.",
        "Do not switch the laptop off.",
    ):
        assert matches_type(told, AnswerType.steps), told
    for said in ("IT wipes the device remotely.", "Reports are reviewed every month."):
        assert not matches_type(said, AnswerType.steps), said
    assert matches_type("Ring 0800 048 7312.", AnswerType.contact)
    # who: a role, a team or a person
    for named in ("Anything above EUR 75 is approved by Legal.", "Tell your line manager."):
        assert matches_type(named, AnswerType.person), named
    assert not matches_type("Gifts above EUR 75 are declared.", AnswerType.person)
    for dates in ("It ran 2019 - 2024.", "Claims after 2024-04-01.", "Bands 1 2 3 4 5 6 7"):
        assert not matches_type(dates, AnswerType.contact), dates


def test_multi_part_questions_are_split_into_their_parts() -> None:
    assert question_parts("How big is the bike allowance, and who approves it?") == [
        "How big is the bike allowance",
        "who approves it",
    ]
    assert question_parts("When does the sale open and when does it close?") == [
        "When does the sale open",
        "when does it close",
    ]
    # two sides with content words of their own are two parts; "X and Y" alone is one
    assert question_parts("what's the parking fee downtown and the bike rental price?") == [
        "what's the parking fee downtown",
        "the bike rental price",
    ]
    assert question_parts("what are the SLA and OLA for tier 2?") == [
        "what are the SLA and OLA for tier 2"
    ]


def test_numbers_meet_ranges_in_table_cells() -> None:
    assert question_numbers("two and a half years in, what do I get?") == [2.5]
    assert question_numbers("after 7 yrs") == [7.0]
    # "one" as a pronoun is not a count: "that one" must not pick the "up to 1,000" row
    assert question_numbers("how many quotes for that one?") == []
    assert question_numbers("can heads get a higher one, or one of the others?") == []
    assert question_numbers("after one year") == [1.0]
    assert question_numbers("the quote is about €18,000") == [18000.0]
    # amounts as people write them
    assert question_numbers("a load worth about 800k") == [800_000.0]
    assert question_numbers("an order of 1.5 million") == [1_500_000.0]
    assert question_numbers("the 2K budget") == [2000.0]
    assert question_numbers("an order over one million") == [1_000_000.0]
    assert question_numbers("One thousand?") == [1000.0]
    assert question_numbers("1,2k or k or 10km") == [1.0, 2000.0]  # no decimal comma
    assert question_numbers("a 1.5 million euro order and 2 thousand pens") == [1.5e6, 2000.0]
    assert range_holds("4-6", 5)
    assert range_holds("4–6 years", 4.5)
    assert not range_holds("0-2", 3)
    assert range_holds("10 or more", 12)
    # a unit after the first number: the range still holds
    assert range_holds("10 years or more", 12)
    assert not range_holds("10 years or more", 9)
    assert range_holds("2 years to 4 years", 3)
    assert range_holds("25 hours and over", 30)
    # times of day are no range of numbers: "three nights" is not in "22:00 to 07:00"
    assert not range_holds("Night shift, 22:00 to 07:00", 3)
    assert not range_holds("from 08:30 to 17:30", 9)
    assert not range_holds("1-22:00", 2)
    assert not range_holds("8 am to 10 am", 9)
    assert range_holds("£1,000-£5,000", 2000)
    assert range_holds("0.5 to 1.5", 1)
    assert range_holds("up to 3", 2)
    assert range_holds("€5,000 to €25,000", 7000)


def test_questions_about_a_whole_table() -> None:
    assert asks_for_whole_table("what are the shuttle fares by city?")
    assert asks_for_whole_table("which phone does each team get")
    assert not asks_for_whole_table("what is the shuttle fare to Leeds?")


def test_a_row_labelled_with_a_number_is_named_only_with_its_label() -> None:
    assert names_label("Day 5", "what happens on day 5 for a new starter?")
    assert names_label("Band 3", "I'm in band 3, what's my allowance?")
    assert not names_label("Day 5", "what do I do within 5 days?")
    assert not names_label("Day 15", "what happens on day 5?")
    assert not names_label("Day 5", "what happens on day 50?")
    assert not names_label("Days 1-5", "what happens on day 5?")  # a range: range_holds


@pytest.mark.parametrize(
    ("question", "exists"),
    [
        ("is there a christmas bonus?", True),
        ("Are there showers at the depot?", True),
        ("does the company pay for washing my work clothes?", True),
        ("Does Larkspur cover travel insurance?", True),
        ("do we get a WFH stipend?", True),
        ("can I get a bigger screen?", True),
        ("will they pay the fees for an international school?", True),
        ("how much is the christmas bonus?", False),
        # after a greeting or an opener, or in a later sentence
        ("Hi, is there a christmas bonus?", True),
        ("quick question: do we get a phone allowance?", True),
        ("I started last week. Is there a gym on site?", True),
        ("hello there, is there a cap on it?", False),
        ("what is there to do on day 1? hi", False),
        # a value asked for as a yes/no question
        ("is there a cap?", False),
        ("is there a hotline number for the UK?", False),
        ("is there an email address I can write to?", False),
        ("is there a phone allowance?", True),
        ("Is there a maximum number of call-out hours per month?", False),
        ("is there any time limit on claims?", False),
        ("what is there to do on day 1?", False),
        ("when does the company pay the salary?", False),
        ("who do I call if my laptop is stolen?", False),
    ],
)
def test_a_question_whether_something_exists_is_told_apart(question: str, exists: bool) -> None:
    assert asks_whether_exists(question) is exists


def test_a_part_that_tells_the_situation_does_not_ask() -> None:
    question = "someone joins my team next month, how early do I order their laptop? and the phone?"
    assert not part_asks("someone joins my team next month", question)
    assert part_asks("how early do I order their laptop", question)
    assert part_asks("and the phone", question)  # a question mark follows it
    for told in ("if I quit after the course", "On another note", "after someone gets hurt"):
        assert not part_asks(told, f"{told}, can I go home?")
    assert part_asks("can I go home", "after someone gets hurt, can I go home?")
    # a yes/no question with "and" inside is one part
    assert question_parts("can I put a coffee and a sandwich on the fuel card?") == [
        "can I put a coffee and a sandwich on the fuel card"
    ]


@pytest.mark.parametrize(
    "question",
    [
        # no question mark: chat questions often lack one
        "what's the nightly hotel limit in Paris and the per diem rate for Germany",
        "what is the minimum password length, and the VPN client to install",
        "How long is parental leave and the notice period for it",
        "what's the hotel limit in Paris? and the per diem in Germany",
        "I'm in Paris next week; the hotel limit? and the per diem?",
    ],
)
def test_a_part_that_goes_on_from_an_asking_one_asks(question: str) -> None:
    parts = question_parts(question)
    assert len(parts) >= 2, parts
    assert all(part_asks(part, question) for part in parts), parts


def test_a_part_that_tells_the_situation_after_the_question_does_not_ask() -> None:
    question = "how early do I order a laptop? someone joins my team next month"
    assert question_parts(question)[-1] == "someone joins my team next month"
    assert not part_asks("someone joins my team next month", question)
    question = "if I quit after the course and my manager agrees, can I keep the laptop?"
    assert [part_asks(p, question) for p in question_parts(question)] == [False, True]


@pytest.mark.parametrize(
    "question",
    [
        "could you tell me the minimum password length and the refresh cycle for a laptop?",
        "Can you give me the hotel limit in Paris and the per diem rate for Germany",
        "would you please list the hotel limit in Paris and the per diem for Germany?",
        "do you know the hotel limit in Paris and the per diem rate for Germany?",
    ],
)
def test_a_request_for_two_things_is_two_parts(question: str) -> None:
    assert len(question_parts(question)) == 2
    # a yes/no question on two things at once stays one
    assert len(question_parts("can you claim a taxi to the airport and a hotel breakfast?")) == 1


def test_a_labelled_row_is_named_by_its_whole_number_only() -> None:
    assert not names_label("Level 10", "what do I get at level 1?")
    assert not names_label("Level 1", "what do I get at level 10?")
    assert names_label("Level 10", "what do I get at LEVEL 10?")
    assert names_label("Day 5", "what happens on day 5-7?")  # the first day of the range
    assert not names_label("Day 6", "what happens on day 5-7?")  # range_holds' job
    assert names_label("Día 5", "¿qué pasa el día 5?")
    assert not names_label("Day 5", "")
    assert not names_label("", "day 5")
    assert not names_label("5", "day 5")
    assert not names_label("Band 3 (senior)", "band 3")  # not a label alone


@pytest.mark.parametrize("question", ["", "?", "k", "-", "…", "一二三", "k" * 4000, "9" * 4000])
def test_odd_input_is_analysed_without_fail(question: str) -> None:
    question_numbers(question)
    question_parts(question)
    answer_type(question)
    assert asks_whether_exists(question) is False
    for part in question_parts(question):
        part_asks(part, question)


@pytest.mark.timeout(60)  # before the fix each of these took minutes: a hang fails the test
def test_cells_and_sentences_built_to_make_the_patterns_backtrack_are_read_in_one_pass() -> None:
    from colonnade.orchestration.question_analysis import _CONTACT

    gap = " " * 200_000
    assert range_holds(f"4{gap}-{gap}6", 5)
    assert not range_holds(f"4{gap}x{gap}6", 5)
    assert range_holds(f"10{gap}\n\t or more", 12)
    assert not range_holds("1" + "\n " * 100_000 + "x", 5)
    for token in ("a." * 150_000, "a+" * 150_000, "a-" * 150_000):
        assert _CONTACT.search(token) is None
    assert _CONTACT.search("a." * 150_000 + " write to hr-team@woodgrove.example") is not None
