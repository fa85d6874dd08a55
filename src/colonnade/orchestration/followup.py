"""Follow-ups: does this turn depend on the conversation, and what does it ask on its own?

A turn with a connective ("and ...", "what about ...", "ok and in munich"), a pronoun or
"one" ("a higher one"), no content word of its own, or one content word that it asks about
("which form?", "is there a cap?") is read with the conversation: the previous turn's
standalone question lends its terms, and the title of the document the last answer cited
names the topic. A turn that says the topic changes ("on another note, ...") stands alone.
Any other turn, a word alone ("laptop?") too, is retrieved both ways, as asked and fused
with the conversation, and the better-supported reading is kept: the question as asked
stands alone when its own retrieval leads somewhere other than the conversation's documents,
it names that document's topic (a word of its title, read in the collection's
words; a turn of terms alone, "pension cover amount?", is its topic) and it is well supported
there (keyword and vector search agree on the top passage, or it covers the question's
content, IDF-weighted, see :mod:`answerability`); otherwise the fused reading wins. With an
LLM configured, the LLM writes the standalone question instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from colonnade.conversations import Turn
from colonnade.errors import LLMError
from colonnade.knowledge.models import Filters
from colonnade.knowledge.retriever import Retriever
from colonnade.llm.ports import BlockingChatModel, ChatMessage, ChatResult
from colonnade.orchestration.answerability import Answerability, content_terms, stem, words
from colonnade.orchestration.prompts import render
from colonnade.orchestration.question_analysis import asks_in_words
from colonnade.safety.injection import check_injection

__all__ = ["FollowUpResolver", "Rewriter", "fuse", "llm_rewriter"]

Rewriter = Callable[[str, list[Turn]], str]

_DEPENDS = re.compile(
    r"^\W*(and|also|ok(ay)?|so|but|then|what about|how about|same for|what if|and if)\b"
    r"|\b(it|its|they|them|their|that|this|those|these|one|ones|he|she|his|her|him"
    r"|instead|as well|too|either|else|after that|before that|the same)\b"
    # "there" as a place ("what's the limit there?"), not "is there a ...?"
    r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?!\s+(is|are|was|were)\b)",
    re.IGNORECASE,
)
# the asker says the topic changes: the turn stands alone whatever its words
_NEW_TOPIC = re.compile(
    r"^\W*(on (an)?other note|(also,? )?(one more|another|a different|a separate|an unrelated)"
    r" (question|thing|topic)|different (question|topic)|something (else|different)(?=\s*[:,-])"
    r"|unrelated(ly)?|separate(ly)?|by the way|btw|new question|also,? unrelated|changing "
    r"(the )?(subject|topic)|(switching|changing) (gears|topics?)|moving on|next question)\b",
    re.IGNORECASE,
)


def _previous_query(history: list[Turn]) -> str:
    last = history[-1]
    query = last.metadata.get("search_query") if last.metadata else None
    return str(query) if query else last.question


CARRIED_TERMS = 8  # the conversation's terms a follow-up carries, at most
TOPIC_TERMS = 3  # of which the last cited document's title words, at most


def _topic(history: list[Turn]) -> list[str]:
    """The words of the title of the document the last answer cited first: what the
    conversation is about, even when no question named it ("what happens if I leave 18
    months in?" after a question on the bike lease)."""
    last = history[-1]
    if last.citations:
        return content_terms(str(last.citations[0].get("title") or ""))
    # a refused turn: the document its retrieval found first
    return content_terms(str((last.metadata or {}).get("topic") or ""))


def fuse(question: str, history: list[Turn], weight: Callable[[str], float] | None = None) -> str:
    """The question with the conversation's content terms it lacks: the previous standalone
    question's terms that weigh most (rarest in the collection), then the title words of the
    document the last answer cited, ``CARRIED_TERMS`` at most, so that a long narrative turn
    does not drown the follow-up and the terms do not pile up over the turns."""
    if not history:
        return question
    own = set(content_terms(question))
    previous = re.sub(r"[()]", " ", _previous_query(history))
    topic = [t for t in dict.fromkeys(_topic(history)) if t not in own][:TOPIC_TERMS]
    asked = [t for t in content_terms(previous) if t not in own and t not in topic]
    room = CARRIED_TERMS - len(topic)
    if weight is not None and len(asked) > room:
        kept = set(sorted(asked, key=lambda t: -weight(t))[:room])
        asked = [t for t in asked if t in kept]
    extra = [*asked, *topic]
    return f"{question} ({' '.join(extra)})" if extra else question


class FollowUpResolver:
    def __init__(
        self,
        retriever: Retriever,
        answerability: Answerability | None = None,
        *,
        rewriter: Rewriter | None = None,
        support: float = 0.75,
    ) -> None:
        self.retriever = retriever
        self.answerability = answerability
        self.rewriter = rewriter
        self.support = support

    def standalone(self, question: str, history: list[Turn], filters: Filters | None) -> str:
        """The question to retrieve and answer with."""
        if not history:
            return question
        if self.rewriter is not None:
            rewritten = self.rewriter(question, history).strip()
            if rewritten:
                return rewritten
        switch = _NEW_TOPIC.search(question)
        if switch and not _DEPENDS.search(question[switch.end() :].lstrip(" ,;:-")):
            return question  # "on another note, is there a helpline?"
        fused = fuse(question, history, self._weight(filters))
        if fused == question:
            return question
        # a turn of one content word that asks about it ("what's the range for a 3?", "which
        # form?") is too vague to stand alone; the word alone ("laptop?", "payslip?") may name
        # another topic, and is compared below
        terms = content_terms(question)
        if not terms or _DEPENDS.search(question):
            return fused
        if len(terms) < 2 and asks_in_words(question):
            # unless the word names another document's topic ("which laptop?" after the
            # hotel limit: the Laptop Policy)
            return question if self._names_another_topic(question, history, filters) else fused
        return fused if self._fused_reading_wins(question, history, filters) else question

    def _names_another_topic(
        self, question: str, history: list[Turn], filters: Filters | None
    ) -> bool:
        asked = self.retriever.search(question, filters=filters, top_k=1).hits
        if not asked:
            return False
        previous_documents = {c.get("document_id") for c in history[-1].citations}
        return asked[0].document_id not in previous_documents and self._names(
            question, asked[0].title, filters
        )

    def _names(self, question: str, topic: str, filters: Filters | None) -> bool:
        """Whether the question uses a word of the topic (a document's title), read in the
        collection's words: "vacation" names the Annual Leave Policy where it says "holiday"."""
        named = {stem(w) for w in content_terms(topic)}
        if self.answerability is None:
            return bool(named & {stem(t) for t in content_terms(question)})
        vocabulary = self.answerability.vocabulary((filters or Filters()).tenant)
        return bool(named & self.answerability.term_stems(question, vocabulary))

    def _weight(self, filters: Filters | None) -> Callable[[str], float] | None:
        if self.answerability is None:
            return None
        vocabulary = self.answerability.vocabulary((filters or Filters()).tenant)
        if not vocabulary.documents:
            return None

        def weight(term: str) -> float:
            known = vocabulary.correct(term)
            return vocabulary.idf(stem(known)) if known is not None else 0.0

        return weight

    def _fused_reading_wins(
        self, question: str, history: list[Turn], filters: Filters | None
    ) -> bool:
        asked = self.retriever.search(question, filters=filters, top_k=3).hits
        if not asked:
            return True
        previous_documents = {c.get("document_id") for c in history[-1].citations}
        if asked[0].document_id in previous_documents:
            return True  # the same topic: the conversation's terms sharpen it
        top = asked[0]
        terms = content_terms(question)
        if len(terms) < len(words(question)) and not self._names(question, top.title, filters):
            # another document, but a question in a sentence that does not name its topic
            # ("what happens if I leave 18 months in?" after the bike lease): the
            # conversation's topic holds; terms alone ("phishing?", "pension cover amount?")
            # are the topic
            return True
        if (
            top.keyword_rank is not None
            and top.vector_rank is not None
            and max(top.keyword_rank, top.vector_rank) <= 2
        ):
            return False  # keyword and vector search agree on a passage of another topic
        if self.answerability is None:
            return False
        tenant = (filters or Filters()).tenant
        assessment = self.answerability.assess(question, asked, 0.0, tenant=tenant)
        # a question its own retrieval covers well stands alone; a vague one leans on the past
        return assessment.features["coverage"] < self.support


def llm_rewriter(model: BlockingChatModel, *, max_tokens: int = 120) -> Rewriter:
    """The LLM writes the standalone question; on failure the rules decide (empty reply)."""

    def rewrite(question: str, history: list[Turn]) -> str:
        # earlier turns enter this prompt too: one carrying instructions (an answer that
        # repeated a planted note) is left out, as the answer prompt's guardrails do
        turns = [
            t
            for t in history[-3:]
            if not check_injection(t.answer).flagged
            and not check_injection(t.question, learned=False).flagged
        ]
        prompt = render("standalone", question=question, turns=turns)
        try:
            for piece in model.stream(
                [ChatMessage("user", prompt)], max_tokens=max_tokens, temperature=0.0
            ):
                if isinstance(piece, ChatResult):
                    return " ".join(piece.text.split())
        except LLMError:
            pass
        return ""

    return rewrite
