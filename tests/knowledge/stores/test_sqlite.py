from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from colonnade.errors import StoreError
from colonnade.knowledge.models import Filters
from colonnade.knowledge.stores import SQLiteKnowledgeStore
from tests.knowledge.store_contract import DIM, KnowledgeStoreContract, make_doc, unit


class TestSQLiteStore(KnowledgeStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteKnowledgeStore]:
        s = SQLiteKnowledgeStore(tmp_path / "k.db")
        yield s
        s.close()


class TestSQLiteWithHNSW(KnowledgeStoreContract):
    """The same contract with the HNSW path forced on (threshold 1)."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteKnowledgeStore]:
        s = SQLiteKnowledgeStore(tmp_path / "k.db", ann_threshold=1)
        yield s
        s.close()


def test_file_is_wal_and_reopens_with_data(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    s = SQLiteKnowledgeStore(path)
    s.ensure_collection("c1")
    idx = s.create_index("m", DIM, activate=True)
    s.write_document(make_doc("file:///a.md", ["persisted words"]), unit(1)[None, :], idx.id)
    s.close()
    again = SQLiteKnowledgeStore(path)
    assert again.schema_version == 2
    assert len(again.keyword_search("persisted", Filters(), 3)) == 1
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    again.close()


def test_second_process_writes_are_seen(tmp_path: Path) -> None:
    """A reader's in-memory vectors follow writes made through another connection."""
    path = tmp_path / "k.db"
    reader = SQLiteKnowledgeStore(path)
    reader.ensure_collection("c1")
    idx = reader.create_index("m", DIM, activate=True)
    assert reader.vector_search(unit(1), Filters(), 3, index_id=idx.id) == []
    writer = SQLiteKnowledgeStore(path)
    doc_id = writer.write_document(make_doc("file:///a.md", ["x"]), unit(1)[None, :], idx.id)
    assert len(reader.vector_search(unit(1), Filters(), 3, index_id=idx.id)) == 1
    writer.delete_document(doc_id)
    assert reader.vector_search(unit(1), Filters(), 3, index_id=idx.id) == []
    reader.close()
    writer.close()


def test_hnsw_recall_matches_exact(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    exact = SQLiteKnowledgeStore(tmp_path / "k.db")
    exact.ensure_collection("c1")
    idx = exact.create_index("m", DIM, activate=True)
    for i in range(300):
        exact.write_document(make_doc(f"file:///{i}.md", [f"doc {i}"]), unit(i)[None, :], idx.id)
    ann = SQLiteKnowledgeStore(tmp_path / "k.db", ann_threshold=100)
    overlap = 0
    for _q in range(20):
        query = rng.standard_normal(DIM).astype(np.float32)
        query /= np.linalg.norm(query)
        a = {h.chunk_id for h in exact.vector_search(query, Filters(), 10, index_id=idx.id)}
        b = {h.chunk_id for h in ann.vector_search(query, Filters(), 10, index_id=idx.id)}
        overlap += len(a & b)
    assert ann._vectors[idx.id][1].uses_ann
    assert overlap / 200 >= 0.9
    exact.close()
    ann.close()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable Colonnade database"):
        SQLiteKnowledgeStore(path)


def test_searches_stay_consistent_while_another_thread_writes(tmp_path: Path) -> None:
    import threading

    store = SQLiteKnowledgeStore(tmp_path / "k.db", ann_threshold=20)
    store.ensure_collection("c1")
    idx = store.create_index("m", DIM, activate=True)
    errors: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        try:
            while not done.is_set():
                for hit in store.vector_search(unit(3), Filters(), 5, index_id=idx.id):
                    assert hit.score <= 1.0001
                store.keyword_search("words", Filters(collections=["c1"]), 5)
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=search) for _ in range(2)]
    for t in readers:
        t.start()
    ids = []
    for i in range(60):
        ids.append(
            store.write_document(
                make_doc(f"file:///{i}.md", [f"words {i}"]), unit(i)[None, :], idx.id
            )
        )
        if i % 3 == 0:
            store.delete_document(ids.pop(0))
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    assert len(store.vector_search(unit(3), Filters(), 100, index_id=idx.id)) == len(ids)
    store.close()


def test_a_version_1_file_upgrades_with_its_collections_in_the_default_tenant(
    tmp_path: Path,
) -> None:
    from colonnade.knowledge.stores.sqlite_schema import MIGRATIONS
    from colonnade.storage import connect, migrate

    path = tmp_path / "old.db"
    conn = connect(path)
    migrate(conn, "knowledge", MIGRATIONS[:1])
    conn.execute("INSERT INTO collections(name, created_at) VALUES ('hr', '2026-01-01')")
    conn.close()
    s = SQLiteKnowledgeStore(path)
    idx = s.create_index("m", DIM, activate=True)
    s.write_document(make_doc("file:///a.md", ["kept"], collection="hr"), unit(1)[None, :], idx.id)
    assert s.schema_version == 2
    assert [c.name for c in s.list_collections()] == ["hr"]
    assert s.list_collections(tenant="other") == []
    assert len(s.keyword_search("kept", Filters(), 3)) == 1
    s.close()
