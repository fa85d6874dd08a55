"""Parallel agents over three collections of the handbook: attribution, duplicates,
the caller's permissions, bounded concurrency, and partial answers when agents fail."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from colonnade.container import Container
from colonnade.identity import Principal
from colonnade.knowledge.models import SearchResult
from colonnade.knowledge.sources import FolderSource
from colonnade.orchestration.fanout import FanOut
from tests.conftest import HANDBOOK

ME = Principal("default", "me", permissions=frozenset({"ask"}))
STRANGER = Principal("globex", "someone", permissions=frozenset({"ask"}))
COLLECTIONS = ["hr", "travel", "it"]


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory, minilm: Any) -> Iterator[Container]:
    from colonnade.settings import Settings

    c = Container(Settings(storage={"data_dir": tmp_path_factory.mktemp("fanout")}))  # type: ignore[arg-type]
    c.__dict__["embedder"] = minilm
    for name in COLLECTIONS:
        source = FolderSource(HANDBOOK / name, exclude=c.settings.ingestion.exclude)
        report = c.ingestor.ingest(source, name)
        assert report.ok, report.failed
    yield c
    c.close()


def test_three_collections_merge_with_attribution(three: Container) -> None:
    fan = FanOut(three.retriever.search, three.generator)
    question = "How many weeks of parental leave do primary carers get?"
    reply = asyncio.run(fan.run(ME, question, FanOut.tasks(question, COLLECTIONS)))
    assert [a.status for a in reply.agents] == ["ok", "ok", "ok"]
    assert not reply.partial
    chunk_ids = [h.chunk_id for h, _ in reply.hits]
    assert len(chunk_ids) == len(set(chunk_ids))
    assert {h.collection: by for h, by in reply.hits}.keys() == set(COLLECTIONS)
    assert all(by == [h.collection] for h, by in reply.hits)
    top, _ = reply.hits[0]
    assert top.collection == "hr"
    assert reply.answer.citations and "week" in reply.answer.text.lower()
    out = reply.public()
    assert out["passages"][0]["found_by"] == ["hr"] and out["partial"] is False


def test_the_same_passage_from_two_agents_is_kept_once_with_both_names(three: Container) -> None:
    fan = FanOut(three.retriever.search, three.generator)
    subs = ["parental leave length", "how long is parental leave"]
    reply = asyncio.run(fan.run(ME, "parental leave", FanOut.tasks("x", ["hr"], subs)))
    shared = [by for _, by in reply.hits if len(by) == 2]
    assert shared and shared[0] == ["hr / parental leave length", "hr / how long is parental leave"]
    chunk_ids = [h.chunk_id for h, _ in reply.hits]
    assert len(chunk_ids) == len(set(chunk_ids))


def test_each_agent_searches_with_the_callers_permissions(three: Container) -> None:
    fan = FanOut(three.retriever.search, three.generator)
    reply = asyncio.run(
        fan.run(STRANGER, "parental leave", FanOut.tasks("parental leave", COLLECTIONS))
    )
    assert [a.status for a in reply.agents] == ["ok", "ok", "ok"]
    assert reply.hits == [] and reply.answer.citations == []


class Faulty:
    """The retriever's search with faults injected per collection, counting concurrency."""

    def __init__(self, inner: Any, *, fail: str | None = None, hang: str | None = None) -> None:
        self.inner = inner
        self.fail = fail
        self.hang = hang
        self.release = threading.Event()
        self.in_flight = 0
        self.peak = 0
        self.lock = threading.Lock()

    def search(self, query: str, *, filters: Any, top_k: int) -> SearchResult:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            collection = (filters.collections or [None])[0]
            if collection == self.fail:
                raise RuntimeError(f"index for {collection} is unavailable")
            if collection == self.hang:
                self.release.wait(30)
            time.sleep(0.01)
            result: SearchResult = self.inner(query, filters=filters, top_k=top_k)
            return result
        finally:
            with self.lock:
                self.in_flight -= 1


def test_one_failing_and_one_hanging_agent_give_a_partial_answer(three: Container) -> None:
    faulty = Faulty(three.retriever.search, fail="travel", hang="it")
    fan = FanOut(faulty.search, three.generator, deadline_s=1.0)
    question = "How many weeks of parental leave do primary carers get?"
    try:
        reply = asyncio.run(fan.run(ME, question, FanOut.tasks(question, COLLECTIONS)))
    finally:
        faulty.release.set()
    status = {a.task.name: a.status for a in reply.agents}
    assert status == {"hr": "ok", "travel": "failed", "it": "timeout"}
    assert reply.partial and len(reply.missing) == 2
    assert "travel (index for travel is unavailable)" in reply.answer.text
    assert "it (timed out)" in reply.answer.text
    assert reply.answer.citations  # hr still answered
    assert {h.collection for h, _ in reply.hits} == {"hr"}


def test_concurrency_is_bounded(three: Container) -> None:
    faulty = Faulty(three.retriever.search)
    fan = FanOut(faulty.search, three.generator, concurrency=2)
    subs = ["leave", "hotel", "vpn", "laptop"]
    reply = asyncio.run(fan.run(ME, "q", FanOut.tasks("q", COLLECTIONS, subs)))
    assert len(reply.agents) == 12 and all(a.status == "ok" for a in reply.agents)
    assert faulty.peak <= 2
