"""Parallel agents: one question spread over several collections or sub-questions.

Each agent searches with the caller's tenant and document ACLs, at most ``concurrency``
at a time, all inside one deadline. Their passages are merged with attribution (which
agent found each), duplicates removed (the same chunk, or the same text found twice),
ranked by reciprocal rank fusion, and one answer is written from the merged passages by
the assistant's generator. An agent that fails or runs out of time is named in the
answer as what is missing; the others still answer.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
import anyio.to_thread

from colonnade.identity.principal import Principal
from colonnade.knowledge.models import Filters, SearchHit, SearchResult
from colonnade.orchestration.models import Answer
from colonnade.orchestration.ports import GenerationRequest, Generator

__all__ = ["AgentResult", "AgentTask", "FanOut", "FanOutReply"]

Search = Callable[..., SearchResult]


@dataclass(slots=True, frozen=True)
class AgentTask:
    name: str
    question: str
    collection: str | None = None


@dataclass(slots=True)
class AgentResult:
    task: AgentTask
    status: Literal["ok", "failed", "timeout"]
    hits: list[SearchHit] = field(default_factory=list)
    error: str = ""
    ms: float = 0.0


@dataclass(slots=True)
class FanOutReply:
    answer: Answer
    agents: list[AgentResult]
    hits: list[tuple[SearchHit, list[str]]]  # each passage with the agents that found it
    missing: list[str]
    ms: float
    agents_ms: float = 0.0  # until the last agent answered (or the deadline), before the answer

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    def public(self) -> dict[str, Any]:
        return {
            "answer": self.answer.text,
            "citations": [
                {"number": c.number, "document_id": c.document_id, "title": c.title}
                for c in self.answer.citations
            ],
            "partial": self.partial,
            "missing": self.missing,
            "agents": [
                {
                    "name": a.task.name,
                    "question": a.task.question,
                    "collection": a.task.collection,
                    "status": a.status,
                    "hits": len(a.hits),
                    "error": a.error,
                    "ms": round(a.ms, 2),
                }
                for a in self.agents
            ],
            "passages": [
                {
                    "document_id": h.document_id,
                    "collection": h.collection,
                    "title": h.title,
                    "text": h.text,
                    "found_by": by,
                }
                for h, by in self.hits
            ],
            "ms": round(self.ms, 2),
            "agents_ms": round(self.agents_ms, 2),
        }


def _text_key(hit: SearchHit) -> str:
    return hashlib.blake2b(" ".join(hit.text.lower().split()).encode(), digest_size=16).hexdigest()


def merge(results: list[AgentResult], k: int = 60) -> list[tuple[SearchHit, list[str]]]:
    """Reciprocal rank fusion across agents; one entry per chunk (or identical text)."""
    merged: dict[str, tuple[SearchHit, list[str], float]] = {}
    by_chunk: dict[int, str] = {}
    for result in results:
        for rank, hit in enumerate(result.hits):
            key = by_chunk.get(hit.chunk_id) or _text_key(hit)
            by_chunk[hit.chunk_id] = key
            score = 1.0 / (k + rank + 1)
            if key in merged:
                first, agents, total = merged[key]
                if result.task.name not in agents:
                    agents.append(result.task.name)
                merged[key] = (first, agents, total + score)
            else:
                merged[key] = (hit, [result.task.name], score)
    ranked = sorted(merged.values(), key=lambda item: -item[2])
    return [(hit, agents) for hit, agents, _ in ranked]


class FanOut:
    def __init__(
        self,
        search: Search,
        generator: Generator,
        *,
        concurrency: int = 4,
        deadline_s: float = 20.0,
        top_k: int = 5,
    ) -> None:
        self.search = search
        self.generator = generator
        self.concurrency = concurrency
        self.deadline_s = deadline_s
        self.top_k = top_k

    async def _agent(
        self, principal: Principal, task: AgentTask, limiter: anyio.CapacityLimiter
    ) -> AgentResult:
        filters = Filters(
            tenant=principal.tenant,
            access=principal.access,
            collections=[task.collection] if task.collection else None,
        )
        started = time.perf_counter()
        try:
            result = await anyio.to_thread.run_sync(
                lambda: self.search(task.question, filters=filters, top_k=self.top_k),
                limiter=limiter,
                abandon_on_cancel=True,
            )
        except Exception as exc:  # one agent's failure is reported, never raised
            return AgentResult(task, "failed", error=str(exc) or type(exc).__name__,
                               ms=(time.perf_counter() - started) * 1000)  # fmt: skip
        return AgentResult(task, "ok", result.hits, ms=(time.perf_counter() - started) * 1000)

    async def run(self, principal: Principal, question: str, tasks: list[AgentTask]) -> FanOutReply:
        started = time.perf_counter()
        limiter = anyio.CapacityLimiter(self.concurrency)
        results: dict[int, AgentResult] = {}

        async def one(i: int, task: AgentTask) -> None:
            results[i] = await self._agent(principal, task, limiter)

        with anyio.move_on_after(self.deadline_s):
            async with anyio.create_task_group() as tg:
                for i, task in enumerate(tasks):
                    tg.start_soon(one, i, task)
        agents_ms = (time.perf_counter() - started) * 1000
        agents = [
            results.get(i)
            or AgentResult(task, "timeout", error=f"no answer within {self.deadline_s:g}s")
            for i, task in enumerate(tasks)
        ]
        merged = merge([a for a in agents if a.status == "ok"])
        hits = [h for h, _ in merged][: self.top_k * 2]
        missing = [
            f"{a.task.name} ({'timed out' if a.status == 'timeout' else a.error})"
            for a in agents
            if a.status != "ok"
        ]
        answer = await anyio.to_thread.run_sync(self._answer, question, hits)
        if missing:
            note = "This answer is partial: nothing came back from " + "; ".join(missing) + "."
            answer.text = f"{answer.text}\n\n{note}" if answer.text else note
            answer.warnings.append("partial")
        return FanOutReply(
            answer, agents, merged, missing, (time.perf_counter() - started) * 1000, agents_ms
        )

    def _answer(self, question: str, hits: list[SearchHit]) -> Answer:
        answer: Answer | None = None
        for event in self.generator.stream(GenerationRequest(question, question, hits)):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None, "a generator stream ends with its Answer"
        return answer

    @staticmethod
    def tasks(
        question: str, collections: list[str] | None = None, sub_questions: list[str] | None = None
    ) -> list[AgentTask]:
        """One agent per (sub-question, collection) pair."""
        questions = sub_questions or [question]
        cols: list[str | None] = list(collections) if collections else [None]
        out = []
        for q in questions:
            for c in cols:
                name = " / ".join(x for x in (c, q if len(questions) > 1 else None) if x)
                out.append(AgentTask(name or "all", q, c))
        return out
