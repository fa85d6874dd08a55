from __future__ import annotations

import pytest

from colonnade.container import Container
from colonnade.errors import IndexModelMismatch, InvalidInput
from colonnade.knowledge.models import Filters, SearchMode
from colonnade.knowledge.reindex import rebuild_index
from colonnade.knowledge.retriever import Retriever
from colonnade.knowledge.sources import FolderSource
from tests.conftest import HANDBOOK
from tests.knowledge.doubles import HashingEmbedder

QUESTIONS = [
    ("What is the hotel limit per night in London?", "expense-limits.html"),
    ("How long is parental leave for the primary carer?", "parental-leave.docx"),
    ("What is the first response time for a P1 ticket?", "service-desk-sla.pdf"),
    ("When does the change freeze start?", "deployment-policy.docx"),
    ("How much is paid per week for being on call?", "on-call-handbook.md"),
    ("Minimum password length", "password-and-mfa.md"),
    ("When must the FY2028 budget be submitted?", "fiscal-calendar.html"),
]


@pytest.mark.parametrize(("question", "expected"), QUESTIONS)
@pytest.mark.parametrize("mode", list(SearchMode))
def test_finds_the_right_document(
    handbook_container: Container, question: str, expected: str, mode: SearchMode
) -> None:
    result = handbook_container.retriever.search(question, top_k=3, mode=mode)
    assert expected in [h.source_uri.rsplit("/", 1)[-1] for h in result.hits]
    top = result.hits[0]
    assert top.text and top.title and top.source_uri.startswith("file://")
    assert top.end_char > top.start_char
    assert result.timings_ms["search_ms"] >= 0


def test_hits_carry_ranks_and_pages(handbook_container: Container) -> None:
    result = handbook_container.retriever.search("per diem rate in France", top_k=5)
    hit = next(h for h in result.hits if h.doc_type == "pdf")
    assert hit.page is not None and hit.page >= 1
    assert hit.keyword_rank or hit.vector_rank
    text = handbook_container.store.document_text(hit.document_id)
    assert text is not None and text[hit.start_char : hit.end_char] == hit.text


def test_filters_restrict_every_mode(handbook_container: Container) -> None:
    for mode in SearchMode:
        hits = handbook_container.retriever.search(
            "business expenses", filters=Filters(doc_types=["pdf"]), top_k=5, mode=mode
        ).hits
        assert hits and all(h.doc_type == "pdf" for h in hits)
        hits = handbook_container.retriever.search(
            "policy", filters=Filters(metadata={"department": "engineering"}), top_k=10, mode=mode
        ).hits
        assert hits and all(h.metadata["department"] == "engineering" for h in hits)
    assert not handbook_container.retriever.search(
        "leave", filters=Filters(collections=["nothing-here"])
    ).hits


def test_bad_queries(handbook_container: Container) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        handbook_container.retriever.search("   ")
    with pytest.raises(InvalidInput, match="limit"):
        handbook_container.retriever.search("x" * 5000)
    assert handbook_container.retriever.search("the of and", mode=SearchMode.keyword).hits == []


def test_switching_model_builds_a_new_index_version(container: Container) -> None:
    container.ingestor.ingest(
        FolderSource(HANDBOOK / "travel", exclude=container.settings.ingestion.exclude), "t"
    )
    old = container.store.active_index()
    assert old is not None and old.model == container.embedder.model_id
    other = HashingEmbedder()
    stale = Retriever(container.store, other, container.settings.retrieval)
    with pytest.raises(IndexModelMismatch, match="colonnade reindex"):
        stale.search("hotel")
    new = rebuild_index(container.store, other, batch=4)
    assert (new.model, new.vectors) == (other.model_id, old.vectors)
    assert new.id != old.id
    assert stale.search("hotel limit London", mode=SearchMode.vector).hits
    with pytest.raises(IndexModelMismatch):
        container.retriever.search("hotel")
    retired = {i.id: (i.status, i.vectors) for i in container.store.list_indexes()}
    assert retired[old.id] == ("retired", 0)
