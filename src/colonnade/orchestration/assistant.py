"""One question through the assistant: rewrite -> retrieve -> generate -> cite -> remember.

The embedded default generates with the extractive answerer; the LLM layer
plugs in behind the same ``answer(question, hits)`` shape.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field

from colonnade.conversations import ConversationStore, Turn
from colonnade.errors import InvalidInput
from colonnade.knowledge.models import Filters
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.retriever import Retriever
from colonnade.orchestration.extractive import Answer, ExtractiveAnswerer

__all__ = ["MAX_QUESTION_CHARS", "Assistant", "AssistantReply", "rewrite_follow_up"]

MAX_QUESTION_CHARS = 4000
_FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|same for|then)\b"
    r"|\b(it|its|they|them|that|this|those|these)\b",
    re.IGNORECASE,
)


def rewrite_follow_up(question: str, history: list[Turn]) -> str:
    """Make a follow-up standalone by carrying the previous question's terms.

    "And for the secondary carer?" after "How long is parental leave for the
    primary carer?" searches for both. A question that stands on its own
    (enough terms of its own, no pronoun or connective) is kept as it is.
    """
    if not history:
        return question
    own = keyword_terms(question)
    if len(own) >= 4 and not _FOLLOW_UP.search(question):
        return question
    previous = history[-1].question
    extra = [t for t in keyword_terms(previous) if t not in own]
    return f"{question} ({' '.join(extra)})" if extra else question


@dataclass(slots=True)
class AssistantReply:
    conversation_id: str
    question: str
    search_query: str
    answer: Answer
    timings_ms: dict[str, float] = field(default_factory=dict)


class Assistant:
    def __init__(
        self,
        retriever: Retriever,
        answerer: ExtractiveAnswerer,
        conversations: ConversationStore,
        *,
        history_turns: int = 6,
        top_k: int = 5,
    ) -> None:
        self.retriever = retriever
        self.answerer = answerer
        self.conversations = conversations
        self.history_turns = history_turns
        self.top_k = top_k

    def ask(
        self,
        question: str,
        *,
        owner: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
    ) -> AssistantReply:
        question = question.strip()
        if not question:
            raise InvalidInput("the question is empty: ask something about your documents")
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(
                f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}"
            )
        started = time.perf_counter()
        if conversation_id is None:
            conversation = self.conversations.create(owner)
        else:
            conversation = self.conversations.get(
                conversation_id, owner, last_turns=self.history_turns
            )
        query = rewrite_follow_up(question, conversation.turns)
        result = self.retriever.search(query, filters=filters, top_k=self.top_k)
        t0 = time.perf_counter()
        answer = self.answerer.answer(query, result.hits)
        generate_ms = (time.perf_counter() - t0) * 1000
        self.conversations.append_turn(
            conversation.id,
            owner,
            question,
            answer.text,
            citations=[asdict(c) for c in answer.citations],
            generator=answer.generator,
            metadata={"search_query": query, "confidence": answer.confidence},
        )
        timings = {
            "retrieval_ms": result.timings_ms.get("search_ms", 0.0)
            + result.timings_ms.get("embed_ms", 0.0),
            "generation_ms": generate_ms,
            "total_ms": (time.perf_counter() - started) * 1000,
        }
        return AssistantReply(conversation.id, question, query, answer, timings)
