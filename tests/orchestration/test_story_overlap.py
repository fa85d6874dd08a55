"""How much of a question a sentence must share: a question told as a story carries twenty
words or more, and the policy's sentence shares a handful of them."""

from __future__ import annotations

from colonnade.orchestration.question_analysis import AnswerType
from colonnade.orchestration.sentences import STORY_TERMS, Candidate, score_sentence
from colonnade.orchestration.vocabulary import stem, words

SENTENCE = "Crew may accept gifts from suppliers with a value of up to EUR 50 a year."
STORY = (
    "A supplier we have worked with for years sent me a bottle of whisky for my birthday, "
    "worth about 60 euros by my guess, and my manager is away on leave this fortnight so "
    "there is nobody to ask: may I accept the gift and keep it at home?"
)


def _score(question: str, sentence: str = SENTENCE) -> float:
    own = {stem(w) for w in words(question)}
    candidate = Candidate(hit=0, position=0, sentence=sentence, table_header=None)
    return score_sentence(0.3, candidate, sentence, 0.5, own, set(), AnswerType.any, [], 1)


def test_a_storys_sentence_with_a_handful_of_its_words_overlaps_it_fully() -> None:
    shared = {stem(w) for w in words(STORY)} & {stem(w) for w in words(SENTENCE)}
    assert len(shared) >= STORY_TERMS  # supplier, gift, accept, a, ...
    # as much as a short question all of whose words the sentence has
    assert _score(STORY) == _score("may crew accept a gift from a supplier?")
    # the overlap still ranks: a sentence with fewer of the story's words scores lower
    assert _score(STORY, "Gifts are declared in the register.") < _score(STORY)


def test_a_short_question_still_needs_all_its_words() -> None:
    assert _score("may crew accept a whisky bottle from a supplier?") < _score(
        "may crew accept a gift from a supplier?"
    )
