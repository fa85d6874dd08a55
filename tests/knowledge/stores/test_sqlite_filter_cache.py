"""The SQLite store remembers what a filter lets through until the next write: a
remembered answer never outlives an ingest, a delete or an ACL change, and never
serves another principal or tenant."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from colonnade.knowledge.models import Access, Filters, NewDocument
from colonnade.knowledge.stores import SQLiteKnowledgeStore, sqlite_search
from colonnade.knowledge.stores.filter_cache import AllowedDocuments, FilterCache, RowMask
from colonnade.knowledge.stores.vector_index import VectorIndex
from tests.knowledge.store_contract import DIM, make_doc, unit

BOB = Filters(access=Access("bob", ("eng",)))
ANN = Filters(access=Access("ann"))


@pytest.fixture(params=[10**9, 1], ids=["exact", "hnsw"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLiteKnowledgeStore]:
    s = SQLiteKnowledgeStore(tmp_path / "k.db", ann_threshold=request.param)
    s.ensure_collection("c1")
    s.ensure_collection("c2")
    yield s
    s.close()


@pytest.fixture
def index_id(store: SQLiteKnowledgeStore) -> int:
    return store.create_index("m", DIM, activate=True).id


def write(store: SQLiteKnowledgeStore, index_id: int, doc: NewDocument, seed: int) -> str:
    vectors = np.vstack([unit(seed + i) for i in range(len(doc.chunks))])
    return store.write_document(doc, vectors, index_id)


def found(store: SQLiteKnowledgeStore, index_id: int, filters: Filters) -> set[str]:
    """Source URIs of what a keyword and a vector search return for ``filters``."""
    hits = store.keyword_search("otter", filters, 50)
    hits += store.vector_search(unit(0), filters, 50, index_id=index_id)
    return {h.source_uri for h in store.hydrate(h.chunk_id for h in hits).values()}


def test_an_acl_change_is_seen_by_the_next_search(
    store: SQLiteKnowledgeStore, index_id: int
) -> None:
    write(store, index_id, make_doc("file:///open.md", ["otter notes"], acl={}), 0)
    write(store, index_id, make_doc("file:///eng.md", ["otter plans"], acl={"groups": ["eng"]}), 1)
    assert found(store, index_id, BOB) == {"file:///open.md", "file:///eng.md"}
    assert found(store, index_id, BOB) == {"file:///open.md", "file:///eng.md"}  # remembered
    # the same document (same row) re-ingested for HR only: bob loses it at once
    write(store, index_id, make_doc("file:///eng.md", ["otter plans"], acl={"groups": ["hr"]}), 1)
    assert found(store, index_id, BOB) == {"file:///open.md"}
    write(store, index_id, make_doc("file:///open.md", ["otter notes"], acl={"users": ["x"]}), 0)
    assert found(store, index_id, BOB) == set()


def test_ingest_and_delete_are_seen_by_the_next_search(
    store: SQLiteKnowledgeStore, index_id: int
) -> None:
    first = write(store, index_id, make_doc("file:///a.md", ["otter a"], acl={}), 0)
    only_c1 = Filters(collections=["c1"])
    assert found(store, index_id, only_c1) == {"file:///a.md"}
    write(store, index_id, make_doc("file:///b.md", ["otter b"], acl={}), 1)
    write(store, index_id, make_doc("file:///c.md", ["otter c"], collection="c2", acl={}), 2)
    assert found(store, index_id, only_c1) == {"file:///a.md", "file:///b.md"}
    store.delete_document(first)
    assert found(store, index_id, only_c1) == {"file:///b.md"}
    store.delete_collection("c2")
    assert found(store, index_id, Filters()) == {"file:///b.md"}


def test_a_write_through_another_connection_is_seen(tmp_path: Path) -> None:
    reader = SQLiteKnowledgeStore(tmp_path / "k.db")
    reader.ensure_collection("c1")
    idx = reader.create_index("m", DIM, activate=True).id
    write(reader, idx, make_doc("file:///a.md", ["otter"], acl={"groups": ["eng"]}), 0)
    assert found(reader, idx, BOB) == {"file:///a.md"}
    writer = SQLiteKnowledgeStore(tmp_path / "k.db")
    write(writer, idx, make_doc("file:///a.md", ["otter"], acl={"groups": ["hr"]}), 0)
    assert found(reader, idx, BOB) == set()
    writer.close()
    reader.close()


def test_principals_do_not_share_what_they_may_see(
    store: SQLiteKnowledgeStore, index_id: int
) -> None:
    write(store, index_id, make_doc("file:///ann.md", ["otter"], acl={"users": ["ann"]}), 0)
    write(store, index_id, make_doc("file:///bob.md", ["otter"], acl={"users": ["bob"]}), 1)
    for _ in range(2):  # the second round answers from what the first remembered
        assert found(store, index_id, ANN) == {"file:///ann.md"}
        assert found(store, index_id, BOB) == {"file:///bob.md"}
        assert found(store, index_id, Filters(access=Access("bob", ("hr",)))) == {"file:///bob.md"}
        assert found(store, index_id, Filters(access=Access("eve"))) == set()


def test_tenants_do_not_share_what_they_may_see(store: SQLiteKnowledgeStore, index_id: int) -> None:
    store.ensure_collection("c1", tenant="acme")
    write(store, index_id, make_doc("file:///ours.md", ["otter"], acl={}), 0)
    write(store, index_id, make_doc("file:///theirs.md", ["otter"], tenant="acme", acl={}), 1)
    for _ in range(2):
        assert found(store, index_id, Filters()) == {"file:///ours.md"}
        assert found(store, index_id, Filters(tenant="acme")) == {"file:///theirs.md"}
        assert found(store, index_id, Filters(tenant="nobody")) == set()


def test_keyword_ranking_is_the_same_whichever_way_the_filter_is_applied(
    store: SQLiteKnowledgeStore, index_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filtering the best matches (over-fetched) ranks exactly as filtering every match,
    ties included; when too few of the best matches pass, the full scan answers."""
    for i in range(120):
        # c1: strong matches; c2 (half the documents): only every tenth mentions otters
        strong = make_doc(f"file:///c1/{i}.md", ["otter otter otter " * (1 + i % 3)], acl={})
        write(store, index_id, strong, i)
        text = "an otter, once, among many other words" if i % 10 == 0 else "nothing here"
        write(store, index_id, make_doc(f"file:///c2/{i}.md", [text], collection="c2"), i)
    cases = [
        Filters(),
        Filters(collections=["c2"]),
        Filters(collections=["c1"]),
        BOB,
        Filters(access=Access("bob", ("staff",))),
        Filters(tenant="nobody"),
    ]
    for k in (1, 3, 10, 100, 500):
        for filters in cases:
            monkeypatch.setattr(sqlite_search, "KEYWORD_TOP_FIRST_SHARE", 0.0)
            best_first = store.keyword_search("otter", filters, k)
            monkeypatch.setattr(sqlite_search, "KEYWORD_TOP_FIRST_SHARE", 2.0)
            every_match = store.keyword_search("otter", filters, k)
            assert best_first == every_match
    monkeypatch.setattr(sqlite_search, "KEYWORD_TOP_FIRST_SHARE", 0.0)
    weak = store.keyword_search("otter", Filters(collections=["c2"]), 5)
    assert len(weak) == 5
    assert {store.hydrate([h.chunk_id])[h.chunk_id].collection for h in weak} == {"c2"}


def test_the_cache_holds_one_generation_within_its_bytes() -> None:
    cache = FilterCache(max_bytes=1000)
    small = AllowedDocuments(np.arange(10, dtype=np.int64), 100)
    cache.put(1, "a", small)
    assert cache.get(1, "a", AllowedDocuments) is small
    assert cache.get(1, "a", RowMask) is None
    assert cache.get(2, "a", AllowedDocuments) is None  # a newer generation never sees it
    cache.put(0, "b", small)  # computed before the newest write: not kept
    assert cache.get(0, "b", AllowedDocuments) is None
    cache.put(2, "b", small)
    assert cache.get(1, "a", AllowedDocuments) is None  # older generations are dropped
    huge = AllowedDocuments(np.arange(1000, dtype=np.int64), 1000)
    cache.put(2, "c", huge)
    assert cache.get(2, "c", AllowedDocuments) is None  # larger than the whole cache
    for i in range(20):
        cache.put(2, i, small)
    assert 0 < len(cache) <= 1000 // small.nbytes


def test_a_mask_fits_only_the_index_snapshot_it_was_made_for() -> None:
    index = VectorIndex(DIM, ann_threshold=10**9)
    docs = np.array([3, 3, 5, 9], dtype=np.int64)
    index.append(np.arange(1, 5, dtype=np.int64), docs, np.vstack([unit(i) for i in range(4)]))
    allowed = AllowedDocuments(np.array([3, 4, 9], dtype=np.int64), 4)
    mask = allowed.mask_of(index.docs)
    assert mask is not None and mask.tolist() == [True, True, False, True]
    assert AllowedDocuments(np.array([3, 5, 9], dtype=np.int64), 3).mask_of(docs) is None
    nothing = AllowedDocuments(np.zeros(0, dtype=np.int64), 3).mask_of(docs)
    assert nothing is not None and not nothing.any() and len(nothing) == 4
    remembered = RowMask(weakref.ref(index), mask)
    assert remembered.fits(index)
    assert not remembered.fits(VectorIndex(DIM, ann_threshold=10**9))
