"""The contract every KnowledgeStore adapter passes: SQLite now, PostgreSQL later.

Subclass and provide a ``store`` fixture returning an empty store.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from colonnade.errors import NotFound, StoreError
from colonnade.knowledge.models import Access, Chunk, Filters, NewDocument
from colonnade.knowledge.ports import KnowledgeStore

DIM = 8


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def make_doc(
    uri: str,
    texts: list[str],
    *,
    collection: str = "c1",
    doc_type: str = "markdown",
    metadata: dict[str, object] | None = None,
    modified: datetime | None = None,
    title: str = "Title",
    acl: dict[str, list[str]] | None = None,
    tenant: str = "default",
) -> NewDocument:
    body = "\n\n".join(texts)
    chunks, pos = [], 0
    for i, t in enumerate(texts):
        chunks.append(Chunk(i, t, ("Section",), 1, pos, pos + len(t), len(t.split())))
        pos += len(t) + 2
    return NewDocument(
        collection=collection,
        source_uri=uri,
        title=title,
        doc_type=doc_type,
        content_hash=f"h-{uri}-{len(body)}",
        fingerprint="fp",
        size_bytes=len(body),
        modified_at=modified or datetime(2026, 1, 1, tzinfo=UTC),
        language="en",
        text=body,
        chunks=chunks,
        metadata=metadata or {},
        acl={"groups": ["staff"]} if acl is None else acl,
        tenant=tenant,
    )


class KnowledgeStoreContract:
    @pytest.fixture
    def index_id(self, store: KnowledgeStore) -> int:
        store.ensure_collection("c1")
        store.ensure_collection("c2")
        return store.create_index("test-model", DIM, activate=True).id

    def write(self, store: KnowledgeStore, index_id: int, doc: NewDocument, seed: int = 0) -> str:
        vectors = np.vstack([unit(seed + i) for i in range(len(doc.chunks))])
        return store.write_document(doc, vectors, index_id)

    def test_write_and_read_back(self, store: KnowledgeStore, index_id: int) -> None:
        doc_id = self.write(
            store, index_id, make_doc("file:///a.md", ["apple pie", "banana split"])
        )
        info = store.get_document(doc_id)
        assert info is not None
        assert (info.collection, info.chunks, info.acl) == ("c1", 2, {"groups": ["staff"]})
        assert store.find_document("c1", "file:///a.md") == info
        assert store.find_document("c2", "file:///a.md") is None
        assert store.document_text(doc_id) == "apple pie\n\nbanana split"
        [col] = [c for c in store.list_collections() if c.name == "c1"]
        assert (col.documents, col.chunks) == (1, 2)

    def test_hydrate_carries_citation_fields(self, store: KnowledgeStore, index_id: int) -> None:
        self.write(store, index_id, make_doc("file:///a.md", ["apple pie", "banana split"]))
        [hit] = store.keyword_search("banana", Filters(), 5)
        full = store.hydrate([hit.chunk_id])[hit.chunk_id]
        assert full.text == "banana split"
        assert (full.title, full.page, full.heading_path) == ("Title", 1, ("Section",))
        assert (full.start_char, full.end_char) == (11, 23)
        assert full.source_uri == "file:///a.md"

    def test_rewrite_replaces_all_chunks(self, store: KnowledgeStore, index_id: int) -> None:
        first = self.write(store, index_id, make_doc("file:///a.md", ["old walrus text"]))
        second = self.write(store, index_id, make_doc("file:///a.md", ["new narwhal text"]), seed=5)
        assert first == second
        assert store.keyword_search("walrus", Filters(), 5) == []
        assert len(store.keyword_search("narwhal", Filters(), 5)) == 1
        hits = store.vector_search(unit(0), Filters(), 10, index_id=index_id)
        assert len(hits) == 1
        assert store.active_index().vectors == 1  # type: ignore[union-attr]

    def test_delete_document_removes_from_both_indexes(
        self, store: KnowledgeStore, index_id: int
    ) -> None:
        doc_id = self.write(store, index_id, make_doc("file:///a.md", ["quokka"]))
        assert store.vector_search(unit(0), Filters(), 5, index_id=index_id)
        assert store.delete_document(doc_id)
        assert not store.delete_document(doc_id)
        assert store.keyword_search("quokka", Filters(), 5) == []
        assert store.vector_search(unit(0), Filters(), 5, index_id=index_id) == []

    def test_filters_apply_before_top_k(self, store: KnowledgeStore, index_id: int) -> None:
        # 30 strong matches in c1, one weak match in c2: top-1 within c2 must still find it
        for i in range(30):
            self.write(
                store, index_id, make_doc(f"file:///c1/{i}.md", ["zebra zebra zebra"]), seed=0
            )
        weak = make_doc("file:///c2/x.md", ["zebra and many other words here"], collection="c2")
        self.write(store, index_id, weak, seed=99)
        only_c2 = Filters(collections=["c2"])
        [kw] = store.keyword_search("zebra", only_c2, 1)
        [vec] = store.vector_search(unit(0), only_c2, 1, index_id=index_id)
        assert kw.chunk_id == vec.chunk_id
        assert store.hydrate([kw.chunk_id])[kw.chunk_id].collection == "c2"
        by_prefix = Filters(source_prefix="file:///c2/")
        [vec] = store.vector_search(unit(0), by_prefix, 1, index_id=index_id)
        assert store.hydrate([vec.chunk_id])[vec.chunk_id].source_uri == "file:///c2/x.md"

    def test_acl_trims_inside_the_search_before_top_k(
        self, store: KnowledgeStore, index_id: int
    ) -> None:
        # 30 strong matches only HR may open, one weak public one: top-1 for an engineer is
        # the public one, in both indexes, and never an HR chunk
        for i in range(30):
            doc = make_doc(f"file:///hr/{i}.md", ["salary salary salary"], acl={"groups": ["hr"]})
            self.write(store, index_id, doc, seed=0)
        public = make_doc("file:///all.md", ["salary bands are published"], acl={})
        self.write(store, index_id, public, seed=50)
        mine = make_doc("file:///ann.md", ["salary of ann"], acl={"users": ["ann"]})
        self.write(store, index_id, mine, seed=60)
        engineer = Filters(access=Access("bob", ("eng",)))
        [kw] = store.keyword_search("salary", engineer, 1)
        [vec] = store.vector_search(unit(0), engineer, 1, index_id=index_id)
        assert kw.chunk_id == vec.chunk_id
        assert store.hydrate([kw.chunk_id])[kw.chunk_id].source_uri == "file:///all.md"
        hr = Filters(access=Access("carol", ("eng", "hr")))
        assert len(store.keyword_search("salary", hr, 100)) == 31
        ann = Filters(access=Access("ann"))
        assert {
            store.hydrate([h.chunk_id])[h.chunk_id].source_uri
            for h in store.keyword_search("salary", ann, 100)
        } == {"file:///all.md", "file:///ann.md"}
        ids = {d.id: d.source_uri for d in store.list_documents(limit=100)}
        by_uri = {v: k for k, v in ids.items()}
        assert store.get_document(by_uri["file:///ann.md"], access=Access("bob")) is None
        assert store.get_document(by_uri["file:///ann.md"], access=Access("ann")) is not None
        assert store.visible_documents(ids, tenant="default", access=Access("bob")) == {
            by_uri["file:///all.md"]
        }
        assert len(store.list_documents(access=Access("bob", ("eng",)))) == 1

    def test_tenants_do_not_see_each_other(self, store: KnowledgeStore, index_id: int) -> None:
        store.ensure_collection("c1", tenant="acme")
        ours = self.write(store, index_id, make_doc("file:///a.md", ["quarterly numbers"]))
        theirs = self.write(
            store, index_id, make_doc("file:///a.md", ["quarterly secrets"], tenant="acme")
        )
        assert ours != theirs  # same collection name and uri, two tenants, two documents
        acme = Filters(tenant="acme")
        assert [
            store.hydrate([h.chunk_id])[h.chunk_id].document_id
            for h in store.keyword_search("quarterly", acme, 10)
        ] == [theirs]
        [vec] = store.vector_search(unit(0), Filters(), 5, index_id=index_id)
        assert store.hydrate([vec.chunk_id])[vec.chunk_id].document_id == ours
        assert store.get_document(theirs) is None
        assert store.get_document(theirs, tenant="acme") is not None
        assert store.document_text(theirs) is None
        assert [c.name for c in store.list_collections(tenant="acme")] == ["c1"]
        assert [d.id for d in store.list_documents(tenant="acme")] == [theirs]
        assert store.find_document("c1", "file:///a.md", tenant="acme").id == theirs
        with pytest.raises(NotFound):
            store.delete_collection("c2", tenant="acme")
        assert store.delete_collection("c1", tenant="acme") == 1
        assert store.get_document(ours) is not None

    def test_metadata_type_and_date_filters(self, store: KnowledgeStore, index_id: int) -> None:
        old = datetime(2020, 1, 1, tzinfo=UTC)
        self.write(
            store,
            index_id,
            make_doc(
                "file:///p.pdf",
                ["policy text"],
                doc_type="pdf",
                metadata={"department": "hr"},
                modified=old,
            ),
        )
        self.write(
            store,
            index_id,
            make_doc("file:///q.md", ["policy text"], metadata={"department": "it"}),
            seed=3,
        )

        def uris(f: Filters) -> set[str]:
            hits = store.keyword_search("policy", f, 10)
            return {h.source_uri for h in store.hydrate(x.chunk_id for x in hits).values()}

        assert uris(Filters(metadata={"department": "hr"})) == {"file:///p.pdf"}
        assert uris(Filters(doc_types=["markdown"])) == {"file:///q.md"}
        assert uris(Filters(modified_after=old + timedelta(days=1))) == {"file:///q.md"}
        assert uris(Filters(modified_before=old + timedelta(days=1))) == {"file:///p.pdf"}
        assert uris(Filters(document_ids=[])) == set()

    def test_index_versions_swap_only_when_complete(
        self, store: KnowledgeStore, index_id: int
    ) -> None:
        self.write(store, index_id, make_doc("file:///a.md", ["one", "two"]))
        new = store.create_index("other-model", DIM, activate=False)
        missing = store.chunks_missing_vectors(new.id, 10)
        assert len(missing) == 2
        store.write_vectors(new.id, missing[:1], unit(7)[None, :])
        with pytest.raises(StoreError):
            store.activate_index(new.id)
        assert store.active_index().model == "test-model"  # type: ignore[union-attr]
        store.write_vectors(new.id, missing[1:], unit(8)[None, :])
        store.activate_index(new.id)
        active = store.active_index()
        assert active is not None and (active.model, active.vectors) == ("other-model", 2)
        statuses = {i.model: (i.status, i.vectors) for i in store.list_indexes()}
        assert statuses["test-model"] == ("retired", 0)
        [top, _] = store.vector_search(unit(8), Filters(), 2, index_id=new.id)
        assert top.chunk_id == missing[1]

    def test_delete_collection(self, store: KnowledgeStore, index_id: int) -> None:
        self.write(store, index_id, make_doc("file:///a.md", ["lynx"]))
        assert store.delete_collection("c1") == 1
        assert store.keyword_search("lynx", Filters(), 5) == []
        assert store.vector_search(unit(0), Filters(), 5, index_id=index_id) == []
        with pytest.raises(NotFound):
            store.delete_collection("c1")

    def test_unknown_collection_is_not_found(self, store: KnowledgeStore, index_id: int) -> None:
        with pytest.raises(NotFound):
            self.write(store, index_id, make_doc("file:///a.md", ["x"], collection="nope"))

    def test_generation_moves_with_every_write(self, store: KnowledgeStore, index_id: int) -> None:
        before = store.generation()
        doc_id = self.write(store, index_id, make_doc("file:///g.md", ["ibis"]))
        written = store.generation()
        assert written > before
        assert store.generation() == written  # reading does not move it
        store.delete_document(doc_id)
        assert store.generation() > written

    def test_ping(self, store: KnowledgeStore) -> None:
        assert store.ping()
