"""How a question told as a story is read beside the question itself: sentence by sentence,
and as its rarest content words. The extractive answerer matches every reading against the
passages' sentences and keeps the closest."""

from __future__ import annotations

from colonnade.orchestration.sentences import split_sentences
from colonnade.orchestration.vocabulary import Vocabulary, content_terms, stem, words

__all__ = ["GIST_TERMS", "STORY_SENTENCES", "gist", "told"]

STORY_SENTENCES = 8  # a story's sentences read on their own, at most (one vector each)
GIST_TERMS = 8


def told(question: str) -> list[str]:
    """A question told as a story, sentence by sentence: the one that says what happened is
    closer to the policy's sentence than the whole story is."""
    spans = split_sentences(question)
    if len(spans) < 2 or len(words(question)) < 20:
        return []
    sentences = [question[a:b] for a, b in spans if len(words(question[a:b])) >= 4]
    return sentences[:STORY_SENTENCES]


def gist(question: str, vocabulary: Vocabulary) -> list[str]:
    """A question told as a story, as its rarest content words: what the story is about
    without the telling ("supplier whisky birthday euros keep")."""
    if len(words(question)) < 20:
        return []
    terms = list(dict.fromkeys(content_terms(question)))
    if vocabulary.documents:
        terms = sorted(terms, key=lambda t: -vocabulary.idf(stem(t)))
    return [" ".join(terms[:GIST_TERMS])] if terms else []
