from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from colonnade.container import Container
from colonnade.errors import StoreError
from colonnade.knowledge.models import Filters
from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore
from colonnade.knowledge.stores.sqlite import SQLiteKnowledgeStore
from colonnade.settings import Settings
from tests.knowledge.store_contract import DIM, KnowledgeStoreContract, make_doc, unit


class HNSWOnly(PostgresKnowledgeStore):
    """The store with sequential scans priced out, so every vector search walks the HNSW graph."""

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        super()._configure(conn)
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_sort = off")


class TestPostgresStore(KnowledgeStoreContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresKnowledgeStore]:
        s = PostgresKnowledgeStore(postgres_url, pool_size=2)
        yield s
        s.close()


class TestPostgresWithHNSW(KnowledgeStoreContract):
    """The same contract answered through the HNSW index, filters and all."""

    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresKnowledgeStore]:
        s = HNSWOnly(postgres_url, pool_size=2)
        yield s
        s.close()


def _plan(store: PostgresKnowledgeStore, index_id: int, filters: Filters) -> str:
    """EXPLAIN of the vector query as the store runs it."""
    captured: list[str] = []
    fetch = store._fetch

    def explain(query: str, params: Any = ()) -> list[dict[str, Any]]:
        if "nearest" not in query:
            return fetch(query, params)
        captured.extend(r["QUERY PLAN"] for r in fetch("EXPLAIN " + query, params))
        return []

    store._fetch = explain  # type: ignore[method-assign]
    try:
        store.vector_search(unit(0), filters, 5, index_id=index_id)
    finally:
        store._fetch = fetch  # type: ignore[method-assign]
    return "\n".join(captured)


def test_selective_filter_returns_k_through_hnsw(postgres_url: str) -> None:
    """1 document in 50 passes the filter; HNSW with iterative scans still fills top-k."""
    store = HNSWOnly(postgres_url, pool_size=2, ef_search=10)
    exact = PostgresKnowledgeStore(postgres_url, pool_size=1)
    store.ensure_collection("c1")
    store.ensure_collection("rare")
    idx = store.create_index("m", DIM, activate=True)
    for i in range(600):
        rare = i % 50 == 0
        doc = make_doc(f"file:///{i}.md", [f"text {i}"], collection="rare" if rare else "c1")
        store.write_document(doc, unit(i)[None, :], idx.id)
    only_rare = Filters(collections=["rare"])
    assert f"vectors_hnsw_{idx.id}" in _plan(store, idx.id, only_rare)
    hits = store.vector_search(unit(1000), only_rare, 10, index_id=idx.id)
    want = exact.vector_search(unit(1000), only_rare, 10, index_id=idx.id)
    assert len(hits) == 10 == len(want)
    assert {h.chunk_id for h in hits} == {h.chunk_id for h in want}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    store.close()
    exact.close()


def test_keyword_ranking_matches_sqlite_bm25(postgres_url: str, tmp_path: Path) -> None:
    """Same documents, same query: BM25 in PostgreSQL ranks as FTS5's bm25() does."""
    pg = PostgresKnowledgeStore(postgres_url, pool_size=2)
    lite = SQLiteKnowledgeStore(tmp_path / "k.db")
    texts = [
        ["boundary layer flow over a flat plate", "heat transfer in laminar boundary layers"],
        ["supersonic flow around a cone", "shock waves and the boundary layer"],
        ["wing flutter at transonic speeds"],
        ["turbulent flow in pipes", "flow separation and layer thickness"],
        ["the theory of thin airfoils", "lift and drag of airfoils in flow"],
    ]
    for store in (pg, lite):
        store.ensure_collection("c1")
        for i, chunks in enumerate(texts):
            store.write_document(
                make_doc(f"file:///{i}.md", chunks, title=f"Report {i}"), None, None
            )
    for query in ("boundary layer flow", "airfoils lift", "transonic wing flutter", "report"):

        def ranked(store: Any, q: str = query) -> list[tuple[str, str]]:
            hits = store.keyword_search(q, Filters(), 10)
            full = store.hydrate(h.chunk_id for h in hits)
            return [(full[h.chunk_id].source_uri, full[h.chunk_id].text) for h in hits]

        assert ranked(pg) == ranked(lite), query
    pg.close()
    lite.close()


def test_two_processes_share_one_database(postgres_url: str) -> None:
    """A second store on the same database (another replica) sees writes at once."""
    a = PostgresKnowledgeStore(postgres_url, pool_size=2)
    b = PostgresKnowledgeStore(postgres_url, pool_size=2)
    a.ensure_collection("c1")
    idx = a.create_index("m", DIM, activate=True)
    before = b.generation()
    doc_id = a.write_document(make_doc("file:///a.md", ["ocelot"]), unit(1)[None, :], idx.id)
    assert b.generation() > before
    assert len(b.keyword_search("ocelot", Filters(), 3)) == 1
    assert len(b.vector_search(unit(1), Filters(), 3, index_id=idx.id)) == 1
    assert b.delete_document(doc_id)
    assert a.keyword_search("ocelot", Filters(), 3) == []
    a.close()
    b.close()


def test_database_url_selects_postgres(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path, "database_url": postgres_url})  # type: ignore[arg-type]
    c = Container(settings)
    assert isinstance(c.store, PostgresKnowledgeStore)
    assert c.store.ping()
    c.close()


def test_unreachable_server_says_what_to_check(tmp_path: Path) -> None:
    url = f"postgresql://nobody:secret@/none?host={tmp_path}&connect_timeout=1"
    with pytest.raises(StoreError) as err:
        PostgresKnowledgeStore(url)
    assert "secret" not in str(err.value)
    assert "database" in str(err.value).lower() or "connect" in str(err.value).lower()


def test_vectors_round_trip(postgres_url: str) -> None:
    store = PostgresKnowledgeStore(postgres_url, pool_size=1)
    store.ensure_collection("c1")
    idx = store.create_index("m", DIM, activate=True)
    store.write_document(
        make_doc("file:///a.md", ["x", "y"]), np.vstack([unit(1), unit(2)]), idx.id
    )
    ids = [h.chunk_id for h in store.keyword_search("x y", Filters(), 5)]
    got = store.chunk_vectors(sorted(ids), index_id=idx.id)
    np.testing.assert_allclose(got, np.vstack([unit(1), unit(2)]), rtol=1e-6)
    store.close()


def test_writers_starting_on_a_new_database_at_once_share_one_first_index(
    postgres_url: str,
) -> None:
    """Two ingestion workers on an empty database both make the first index: one wins, the
    other writes into it."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.knowledge.doubles import HashingEmbedder

    stores = [PostgresKnowledgeStore(postgres_url, pool_size=2) for _ in range(4)]
    try:
        from colonnade.knowledge.chunking import RegexTokenCounter, StructureChunker
        from colonnade.knowledge.parsers import default_parsers
        from colonnade.knowledge.pipeline import Ingestor

        ingestors = [
            Ingestor(
                s,
                HashingEmbedder(),
                default_parsers(),
                StructureChunker(RegexTokenCounter(), 64, 8),
                max_file_bytes=10**6,
            )
            for s in stores
        ]
        with ThreadPoolExecutor(4) as pool:
            ids = set(pool.map(lambda i: i.index_id(), ingestors))
        assert len(ids) == 1
        assert [i.status for i in stores[0].list_indexes()] == ["active"]
    finally:
        for s in stores:
            s.close()
