"""The assistant's searches in the collection's own words.

An employee writes "vacaton", "notebook computer" or "pager rota"; the documents say
"vacation", "laptop" and "on-call rotation". Before the assistant searches, each content word
of the question is read against the collection's vocabulary (see ``answerability``):

- a misspelling the collection or English can correct is searched as corrected, by both the
  keyword and the vector search ("min pasword lenght" -> "min password length");
- a word the collection never uses adds, to the keyword search only, the collection's words
  nearest to it in meaning (mined from the collection itself, so "notebook" adds "laptop");
  the vector search already matches meaning, and extra words would only blur it;
- a colloquial word the collection never uses is followed by the policy words for it
  ("hi-vis" -> "hi-vis (high-visibility)", "maternity" -> "maternity (parental, ...)"), for
  both searches, from a list of workplace synonyms (``data/synonyms.tsv``);
- a workplace abbreviation is followed by what it stands for ("WFH" -> "WFH (working from
  home)"), for both searches; so is one the collection never writes but whose initials
  spell a name it does ("EAP" -> "EAP (Employee Assistance Programme)").

Everything else is left as the employee wrote it.
"""

from __future__ import annotations

import re

from colonnade.knowledge.models import DEFAULT_TENANT
from colonnade.knowledge.ports import Embedder
from colonnade.orchestration.answerability import Answerability, content_terms
from colonnade.orchestration.lexicon import expand_abbreviations, expand_synonyms
from colonnade.orchestration.vocabulary import Vocabulary

__all__ = ["EXPAND_SIMILARITY", "QueryExpander", "in_collection_words"]

EXPAND_SIMILARITY = 0.6  # cosine above which a collection word joins the keyword search
EXPAND_WORDS = 2  # collection words added per unknown word, at most

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_EXPLAINED = re.compile(r"([^\W_]+(?:'[^\W_]+)?) \(", re.UNICODE)  # "WFH (working from home)"
ACRONYM = 5  # letters of a word in capitals read as an acronym, at most


def _explained(text: str) -> set[str]:
    return {m.group(1).lower() for m in _EXPLAINED.finditer(text)}


class QueryExpander:
    def __init__(self, answerability: Answerability) -> None:
        self.answerability = answerability

    def expand(self, query: str, tenant: str | None) -> tuple[str, str]:
        """(keyword text, vector text) for a question."""
        vocabulary = self.answerability.vocabulary(tenant or DEFAULT_TENANT)
        return in_collection_words(query, vocabulary, self.answerability.embedder)


def in_collection_words(
    query: str, vocabulary: Vocabulary, embedder: Embedder | None = None
) -> tuple[str, str]:
    """(keyword text, vector text) for a question read in the collection's words; without an
    embedder, no related words join the keyword text."""
    if not vocabulary.documents:
        return query, query
    asked = query
    query = expand_synonyms(expand_abbreviations(query), vocabulary.uses)
    spelled = {
        m.group(0): name
        for m in _WORD.finditer(query)
        if (name := vocabulary.spelled_out(m.group(0))) is not None
    }
    abbreviated = {token.lower() for token in spelled}
    if spelled:  # "EAP" -> "EAP (Employee Assistance Programme)", once each
        query = _WORD.sub(
            lambda m: (
                f"{m.group(0)} ({spelled.pop(m.group(0))})" if m.group(0) in spelled else m.group(0)
            ),
            query,
        )
    # read as written, not as misspellings: a word the lists explained ("WFH (working from
    # home)"), and a short word in capitals in a question not written in capitals ("SSN")
    as_written = _explained(query) - _explained(asked)
    if not asked.isupper():
        as_written |= {w.lower() for w in _WORD.findall(asked) if w.isupper() and len(w) <= ACRONYM}
        # and a name: a capitalised word inside a sentence ("Nagel", "MacBook", "Köln")
        as_written |= {
            m.group(0).lower()
            for m in _WORD.finditer(asked)
            if m.group(0)[0].isupper()
            and m.start() > 0
            and not asked[: m.start()].rstrip().endswith((".", "!", "?", ":", '"'))
        }
    fixes: dict[str, str] = {}
    extra: dict[str, None] = {}
    for term in content_terms(query):
        if vocabulary.knows(term) or term in abbreviated:
            continue
        reading = term if term in as_written else vocabulary.reading(term)
        if reading != term:
            fixes[term] = reading
        if vocabulary.knows(reading) or embedder is None:
            continue
        related = vocabulary.related(reading, embedder)
        for word, similarity in related[:EXPAND_WORDS]:
            if similarity >= EXPAND_SIMILARITY:
                extra.setdefault(word, None)
    if not fixes and not extra:
        return query, query
    corrected = _WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), query)
    keyword = f"{corrected} {' '.join(extra)}" if extra else corrected
    return keyword, corrected
