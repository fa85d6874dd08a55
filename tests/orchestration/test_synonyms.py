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
    # letters that match a key only case-insensitively are left as written, never a crash
    for odd in ("VİRUS on my laptop", "a vırus", "a ſabbatical", "ＰＥＴＲＯＬ card"):
        assert expand_synonyms(odd, knows).startswith(odd.split()[0]), odd
    # an ordinary word with a workplace sense is not rewritten
    assert expand_synonyms("my laptop died, how do I raise a ticket?", knows) == (
        "my laptop died, how do I raise a ticket?"
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
