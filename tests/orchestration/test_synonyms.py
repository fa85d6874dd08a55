"""Workplace synonyms: a word employees use that the collection never does is read as the
policy's words for it, in search, in answerability and in choosing the sentence."""

from __future__ import annotations

import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.orchestration.answerability import Answerability, Vocabulary
from colonnade.orchestration.extractive import ExtractiveAnswerer
from colonnade.orchestration.lexicon import expand_synonyms, synonyms
from tests.orchestration.test_answer_rules import _Fixed, _hit

PARENTAL = (
    "Parental leave\n"
    "| Role | Leave | Pay |\n|---|---|---|\n"
    "| Primary carer | 20 weeks | 100% of base salary |\n"
    "| Secondary carer | 6 weeks | 100% of base salary |"
)
ANNUAL = (
    "Annual leave\n"
    "Every full-time employee receives 25 days of paid annual leave per calendar year."
)
SAFETY = (
    "Protective equipment\n"
    "Everyone in the yard wears a high-visibility vest and safety boots at all times."
)


def test_a_colloquial_word_is_expanded_only_where_the_collection_lacks_it() -> None:
    knows = {"parental", "leave", "high", "visibility", "vest"}.__contains__
    assert expand_synonyms("how long is maternity leave?", knows) == (
        "how long is maternity (parental, primary carer) leave?"
    )
    assert "(high-visibility)" in expand_synonyms("Hi-Vis in the yard?", knows)
    assert "(high-visibility)" in expand_synonyms("do I need hi vis", knows)
    # a collection that says "maternity" is searched for "maternity"
    assert expand_synonyms("maternity leave", {"maternity", "leave"}.__contains__) == (
        "maternity leave"
    )
    assert expand_synonyms("a pastry", knows) == "a pastry"  # no synonym inside a word
    # "the monthly spending cap on the company credit card" in a collection that writes "the
    # monthly limit" of the "corporate card"
    card = {"monthly", "limit", "corporate", "card", "spending"}.__contains__
    expanded = expand_synonyms("monthly spending cap on the company credit card?", card)
    assert "spending cap (spending limit, monthly limit)" in expanded, expanded
    assert "credit card (corporate card, company card)" in expanded, expanded
    assert synonyms("Hi-Vis") == synonyms("hi vis") == ("high-visibility",)
    assert synonyms("vis") == ()
    # the plural too, unless the table gives the plural its own line
    assert synonyms("breathalysers") == synonyms("breathalyser") == ("breath test", "alcohol test")
    assert "(breath test, alcohol test)" in expand_synonyms("two Breathalysers?", knows)
    assert synonyms("vacations") == ("annual leave", "holidays")
    # letters that match a key only case-insensitively are left as written, never a crash
    for odd in ("VİRUS on my laptop", "a vırus", "a ſabbatical", "ＰＥＴＲＯＬ card"):
        assert expand_synonyms(odd, knows).startswith(odd.split()[0]), odd
    # an ordinary word with a workplace sense is not rewritten
    assert expand_synonyms("my laptop died, how do I raise a ticket?", knows) == (
        "my laptop died, how do I raise a ticket?"
    )


def test_a_colloquial_phrase_is_expanded_unless_the_collection_writes_the_phrase() -> None:
    """ "pay rise" in a collection that has "pay" and "rise" apart ("sick pay", "a rise in
    claims") but says "salary increase": searched for the salary increase too; a collection
    that writes "pay rise" is searched for "pay rise" alone."""
    apart = Vocabulary.from_texts(
        [
            "Statutory sick pay applies after 30 days.",
            "A rise in claims is reviewed.",
            "The salary increase on promotion is between 8% and 15%.",
        ]
    )
    assert apart.knows("pay") and apart.knows("rise") and not apart.uses("pay rise")
    expanded = expand_synonyms("how do I get a pay rise?", apart.uses)
    assert "pay rise (salary increase" in expanded, expanded
    together = Vocabulary.from_texts(["A pay-rise is agreed in the annual review."])
    assert together.uses("pay rise")
    assert expand_synonyms("how do I get a pay rise?", together.uses) == (
        "how do I get a pay rise?"
    )


@pytest.fixture(scope="module")
def answerer(minilm: MiniLMEmbedder) -> ExtractiveAnswerer:
    vocabulary = Vocabulary.from_texts([PARENTAL, ANNUAL, SAFETY])
    answerability = Answerability(_Fixed(vocabulary), embedder=minilm)
    return ExtractiveAnswerer(minilm, min_confidence=0.0, answerability=answerability)


def test_a_synonym_counts_as_the_collections_word(answerer: ExtractiveAnswerer) -> None:
    vocabulary = answerer.answerability.vocabulary("default")
    credits = {
        t: (c, known)
        for t, _, c, known in answerer.answerability.term_credits(
            "maternity leave", {"parent", "leav", "primari", "carer"}, vocabulary
        )
    }
    assert credits["maternity"] == (1.0, True)
    unknown = answerer.answerability.term_credits("sabbatical rules", set(), vocabulary)
    assert unknown[0][3] is False  # no policy word for it here: still unknown


def test_the_answer_comes_from_the_policy_named_otherwise(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("how long is maternity leave?", [_hit(0, ANNUAL), _hit(1, PARENTAL)])
    assert "20 weeks" in answer.text and "25 days" not in answer.text, answer.text
    answer = answerer.answer("do I need to wear a hi-vis out in the yard?", [_hit(2, SAFETY)])
    assert answer.grounded and "high-visibility vest" in answer.text, answer.text


def test_a_colloquial_phrase_is_read_as_the_policys_words_in_choosing_the_sentence(
    minilm: MiniLMEmbedder,
) -> None:
    """ "how do I get a pay rise?" where "pay" is sick pay and the answer says "salary
    increase": the phrase is the salary increase, not its two words apart."""
    texts = [
        "Sick pay\nThe company pays full salary for up to 30 days of sickness. Statutory sick "
        "pay applies after that. A rise in absence is reviewed by HR.",
        "Promotions\nPromotions are decided in October. The salary increase on promotion is "
        "between 8% and 15%.",
    ]
    vocabulary = Vocabulary.from_texts(texts)
    answerability = Answerability(_Fixed(vocabulary), embedder=minilm)
    answerer = ExtractiveAnswerer(minilm, min_confidence=0.0, answerability=answerability)
    stems = answerability.term_stems("how do I get a pay rise?", vocabulary)
    assert {"salari", "increas"} <= stems and "rise" not in stems, stems
    answer = answerer.answer("how do I get a pay rise?", [_hit(0, texts[0]), _hit(1, texts[1])])
    assert "salary increase on promotion" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "lost"),
    [
        ("left my laptop on the tram, what do i do", True),
        ("I left my work phone on the train this morning", True),
        ("forgot my badge at the hotel, who do I tell?", True),
        ("Left our demo kit in a taxi", True),
        ("how many days of leave have I got left?", False),
        ("I left the company in May, when is my last payslip?", False),
        ("when I left the office at 6 the alarm was on", False),
    ],
)
def test_a_thing_left_somewhere_is_lost(question: str, lost: bool) -> None:
    vocabulary = Vocabulary.from_texts(["Report a lost laptop or phone within 1 hour.", ANNUAL])
    assert ("(lost)" in expand_synonyms(question, vocabulary.uses)) is lost
    assert ("lost" in Answerability(_Fixed(vocabulary)).term_stems(question, vocabulary)) is lost


@pytest.mark.parametrize(
    ("asked", "policy"),
    [
        ("I forgot my password", "password reset"),
        ("can I copy it to a memory stick?", "removable media"),
        ("when do I get paid back for the hotel?", "expense claim"),
        ("do I need goggles at the lathe?", "eye protection"),
        ("what happens if I get sacked?", "dismissal"),
    ],
)
def test_everyday_words_for_it_and_expenses_and_safety_are_read_as_policy_words(
    asked: str, policy: str
) -> None:
    """A collection that never writes the employee's words is searched for its own."""
    assert policy in expand_synonyms(asked, lambda word: False), asked
    assert expand_synonyms(asked, lambda word: True) == asked  # it writes them: kept as asked
