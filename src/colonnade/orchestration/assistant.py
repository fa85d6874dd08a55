"""One question through the assistant:
intent -> rewrite -> retrieve -> generate -> validate and cite -> remember.

:meth:`Assistant.stream` yields a :class:`Started` event as soon as the
conversation is known, the answer text as it is produced, and a
:class:`Finished` event with the whole reply; :meth:`Assistant.ask` is the same
flow, collected.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from opentelemetry.trace import Tracer

from colonnade.conversations import Conversation, ConversationStore, Turn
from colonnade.conversations.visibility import trim_history
from colonnade.errors import InvalidInput
from colonnade.knowledge.models import Filters
from colonnade.knowledge.ports import Searcher
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.retriever import Retriever
from colonnade.knowledge.tracing import TracedSearcher
from colonnade.orchestration.answer_cache import CachedGenerator
from colonnade.orchestration.followup import FollowUpResolver
from colonnade.orchestration.guarded import Guarded, Unscreened
from colonnade.orchestration.intent import CHIT_CHAT_REPLIES, classify_intent
from colonnade.orchestration.memory import ConversationMemory, extractive_summary
from colonnade.orchestration.models import Answer, Intent, TextDelta
from colonnade.orchestration.ports import (
    GenerationReport,
    GenerationRequest,
    Generator,
    HistoryTurn,
    QuestionScreen,
)
from colonnade.orchestration.retrieving import Retrieving
from colonnade.orchestration.tracing import TracedGenerator
from colonnade.safety import Guardrails
from colonnade.storage.cache import ResponseCache

__all__ = [
    "MAX_QUESTION_CHARS",
    "Assistant",
    "AssistantReply",
    "Finished",
    "Started",
    "rewrite_follow_up",
]

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


@dataclass(slots=True, frozen=True)
class Started:
    conversation_id: str
    question: str
    search_query: str
    intent: Intent


@dataclass(slots=True)
class AssistantReply:
    conversation_id: str
    question: str
    search_query: str
    answer: Answer
    timings_ms: dict[str, float] = field(default_factory=dict)
    intent: Intent = Intent.documents
    turn: int = 0
    sources: list[dict[str, Any]] = field(default_factory=list)  # what was retrieved
    guardrails: dict[str, Any] = field(default_factory=dict)
    cache: str = "off"  # exact, semantic, miss or off
    # a turn routed to predictions or tools: each part with its status (done, pending_approval,
    # failed, missing); empty for a documents or small-talk turn
    parts: list[dict[str, Any]] = field(default_factory=list)

    def audit_fields(self) -> dict[str, Any]:
        """What an answer's audit record holds, wherever it was asked (API or CLI)."""
        a = self.answer
        routed = (
            {
                "intent": self.intent.value,
                "parts": [
                    {"kind": p["kind"], "status": p["status"], "tool": p["data"].get("tool")}
                    for p in self.parts
                ],
            }
            if self.parts
            else {}
        )
        return routed | {
            "conversation_id": self.conversation_id,
            "turn": self.turn,
            "generator": a.generator,
            "deployment": a.served.get("deployment"),
            "path": a.served.get("path"),
            "sources": self.sources,
            "cited": [c.chunk_id for c in a.citations],
            "guardrails": self.guardrails or None,
            "tokens": a.usage or None,
            "cache": self.cache,
        }


@dataclass(slots=True, frozen=True)
class Finished:
    reply: AssistantReply


class Assistant:
    """Composes the answer path once:
    ``TracedGenerator(CachedGenerator(Retrieving(Guarded(generator))))``, each part present
    only when configured, and runs one question through it."""

    def __init__(
        self,
        retriever: Retriever,
        generator: Generator,
        conversations: ConversationStore,
        *,
        history_turns: int = 6,
        top_k: int = 5,
        memory: ConversationMemory | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
        guard: Guardrails | None = None,
        cache: ResponseCache | None = None,
        model_version: str = "",
        follow_ups: FollowUpResolver | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.conversations = conversations
        self.memory = memory or ConversationMemory(conversations, window=history_turns)
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.screen: QuestionScreen = Unscreened()
        path = generator
        if guard is not None:
            path = guarded = Guarded(generator, guard)
            self.screen = guarded
        searcher: Searcher = retriever if tracer is None else TracedSearcher(retriever, tracer)
        path = Retrieving(path, searcher, top_k=top_k)
        if cache is not None:
            path = CachedGenerator(
                path,
                cache,
                retriever.store,
                retriever.embedder,
                model_version=model_version or generator.name,
            )
        if tracer is not None:
            path = TracedGenerator(path, tracer)
        self.path: Generator = path
        self.follow_ups = follow_ups or FollowUpResolver(retriever)

    def _validate(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise InvalidInput("the question is empty: ask something about your documents")
        if len(question) > self.max_question_chars:
            raise InvalidInput(
                f"the question is {len(question)} characters; the limit is "
                f"{self.max_question_chars}"
            )
        return question

    def ask(
        self,
        question: str,
        *,
        owner: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
    ) -> AssistantReply:
        for event in self.stream(
            question, owner=owner, conversation_id=conversation_id, filters=filters
        ):
            if isinstance(event, Finished):
                return event.reply
        raise AssertionError("Assistant.stream ends with Finished")

    def stream(
        self,
        question: str,
        *,
        owner: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
    ) -> Iterator[Started | TextDelta | Finished]:
        question = self._validate(question)
        started = time.perf_counter()
        report = GenerationReport()
        # the question is screened before anything is stored: a blocked question is an
        # HTTP error, not a turn
        asked = self.screen.screen(question, report)
        created = conversation_id is None
        if conversation_id is None:
            conversation = self.conversations.create(owner)
        else:
            conversation = self._visible_history(
                self.memory.load(conversation_id, owner), owner, filters
            )
        timings = report.timings_ms
        timings["retrieval_ms"] = 0.0
        try:
            intent, kind = classify_intent(question)
            query = (
                self.follow_ups.standalone(asked, conversation.turns, filters)
                if intent is Intent.documents
                else asked
            )
            yield Started(conversation.id, question, query, intent)
            t0 = time.perf_counter()
            answer: Answer | None = None
            if intent is Intent.chit_chat:
                text = CHIT_CHAT_REPLIES[kind or "about"]
                yield TextDelta(text)
                answer = Answer(text, [], "rules", 1.0, grounded=False)
            else:
                request = GenerationRequest(
                    question=asked,
                    search_query=query,
                    hits=[],
                    history=[HistoryTurn(t.question, t.answer) for t in conversation.turns],
                    summary=conversation.summary,
                    conversation_id=conversation.id,
                    filters=filters,
                    tenant=(filters or Filters()).tenant,
                    report=report,
                )
                for event in self.path.stream(request):
                    if isinstance(event, Answer):
                        answer = event
                    else:
                        timings.setdefault("first_text_ms", (time.perf_counter() - started) * 1000)
                        yield event
            assert answer is not None, "a generator stream ends with its Answer"
            timings["generation_ms"] = (time.perf_counter() - t0) * 1000 - timings["retrieval_ms"]
            turn = self.conversations.append_turn(
                conversation.id,
                owner,
                question,
                answer.text,
                citations=[asdict(c) for c in answer.citations],
                generator=answer.generator,
                metadata={
                    "search_query": query,
                    "intent": intent.value,
                    "confidence": answer.confidence,
                    "model": answer.model,
                    "warnings": answer.warnings,
                    # what the answer rests on: history hides it from who may not open these
                    "sources": sorted({h.document_id for h in report.hits}),
                    # a refusal cites nothing: the document retrieval found first still names
                    # what the conversation is about, for the turns that follow
                    **(
                        {"topic": report.hits[0].title}
                        if report.hits and not answer.citations
                        else {}
                    ),
                },
            )
        except BaseException:
            if created:  # nothing was said in it: leave no empty conversation behind
                self.conversations.delete(conversation.id, owner)
            raise
        self.memory.fold(conversation.id, owner)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        outcome = report.guardrails
        yield Finished(
            AssistantReply(
                conversation.id,
                question,
                query,
                answer,
                timings,
                intent,
                turn.ordinal,
                sources=[
                    {"document_id": h.document_id, "chunk_id": h.chunk_id, "version": h.version}
                    for h in report.hits
                ],
                guardrails=outcome.as_dict() if outcome is not None else {},
                cache=report.cache,
            )
        )

    def _visible_history(
        self, conversation: Conversation, owner: str, filters: Filters | None
    ) -> Conversation:
        """The loaded history without what the asker may no longer open (``visibility.py``):
        neither a follow-up's prompt nor its summary carries a withheld answer."""
        if filters is None or filters.access is None or filters.access.everything:
            return conversation
        store = self.retriever.store
        access, tenant = filters.access, filters.tenant

        def visible(ids: set[str]) -> set[str]:
            return store.visible_documents(ids, tenant=tenant, access=access)

        everything = self.conversations.get(conversation.id, owner).turns
        return trim_history(conversation, visible, extractive_summary, all_turns=everything)
