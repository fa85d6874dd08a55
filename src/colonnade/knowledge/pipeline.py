"""The ingestion pipeline: Source -> Parser -> Cleaner -> Chunker -> Enricher -> Embedder -> Store.

Incremental and idempotent: unchanged files (same content hash and same
processing fingerprint) are skipped, changed ones re-indexed, and documents
whose files vanished from a fully listed source are removed. Each document is
written in one transaction, so a killed run never leaves a half-written
document visible to search. A bad file becomes a line in the report; the run
goes on and nothing already indexed is lost.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from colonnade.errors import DocumentError, IndexModelMismatch, StoreError
from colonnade.knowledge.budget import OverBudget, over_budget, time_budget
from colonnade.knowledge.chunking import StructureChunker
from colonnade.knowledge.cleaning import Cleaner
from colonnade.knowledge.enrich import detect_language, fingerprint, split_acl
from colonnade.knowledge.limits import ContentLimits, check_metadata, using_limits
from colonnade.knowledge.models import (
    DEFAULT_TENANT,
    FileFailure,
    IndexInfo,
    IngestReport,
    NewDocument,
)
from colonnade.knowledge.parsers import ParserRegistry
from colonnade.knowledge.ports import Embedder, KnowledgeStore, Parser, Source, SourceItem

__all__ = [
    "Changed",
    "Ingestor",
    "ProgressCallback",
    "Steps",
    "build_document",
    "building_index",
    "embedding_text",
]

ProgressCallback = Callable[[str, int, int | None], None]
"""Called as (event, completed, total): events are 'listed', 'file', 'done'."""

PARSER_VERSION = 1


def embedding_text(title: str, heading_path: tuple[str, ...] | list[str], text: str) -> str:
    """What the embedder sees for a chunk: its title and headings give it context."""
    head = " > ".join(h for h in heading_path if h and h != title)
    return f"{title}\n{head}\n{text}" if head else f"{title}\n{text}"


def building_index(store: KnowledgeStore, model_id: str) -> IndexInfo | None:
    """The newest index version being built for ``model_id``, if any."""
    building = [i for i in store.list_indexes() if i.status == "building" and i.model == model_id]
    return building[-1] if building else None


@dataclass(slots=True)
class _Prepared:
    item: SourceItem
    doc: NewDocument | None = None
    existed: bool = False
    failure: FileFailure | None = None
    unchanged: bool = False


@dataclass(slots=True, frozen=True)
class Steps:
    """The stages between a file's bytes and its chunks: parse, clean, chunk, within limits."""

    parsers: ParserRegistry
    cleaner: Cleaner
    chunker: StructureChunker
    limits: ContentLimits


def build_document(
    steps: Steps,
    item: SourceItem,
    data: bytes,
    sidecar: dict[str, object],
    hashes: tuple[str, str],
    tenant_collection: tuple[str, str],
    *,
    parser: Parser | None = None,
) -> NewDocument:
    """Parse, clean and chunk one file into a document (no store, no embedder: it runs
    wherever the work is sent). ``hashes`` are its content hash and fingerprint."""
    tenant, collection = tenant_collection
    parser = parser or steps.parsers.for_name(item.name)
    limits = steps.limits
    with using_limits(limits), time_budget(limits.max_seconds_per_document, item.name):
        parsed = parser.parse(data, item.name)
        check_metadata({**parsed.metadata, **sidecar}, item.name)
        blocks = steps.cleaner.clean(parsed.blocks)
        if not blocks:
            raise DocumentError("empty", f"{item.name} has no text after cleaning")
        text, chunks = steps.chunker.chunk(blocks)
    if len(chunks) > limits.max_chunks_per_document:
        raise DocumentError(
            "over_budget",
            f"{item.name} makes {len(chunks):,} chunks, over its budget of "
            f"{limits.max_chunks_per_document:,}: split it, or raise "
            "ingestion.max_chunks_per_document",
        )
    metadata, acl = split_acl({**parsed.metadata, **sidecar}, item.name)
    title = str(metadata.pop("title", "") or parsed.title or item.name)
    return NewDocument(
        collection=collection,
        source_uri=item.uri,
        title=title,
        doc_type=parsed.doc_type,
        content_hash=hashes[0],
        fingerprint=hashes[1],
        size_bytes=len(data),
        modified_at=item.modified_at,
        language=detect_language(text),
        text=text,
        chunks=chunks,
        metadata=metadata,
        acl=acl,
        tenant=tenant,
    )


@dataclass(slots=True, frozen=True)
class Changed:
    """A file to (re)index: its bytes, metadata, hashes and whether it replaces a document."""

    item: SourceItem
    data: bytes
    sidecar: dict[str, object]
    hashes: tuple[str, str]
    existed: bool
    parser: Parser | None = None


class Ingestor:
    def __init__(
        self,
        store: KnowledgeStore,
        embedder: Embedder,
        parsers: ParserRegistry,
        chunker: StructureChunker,
        *,
        max_file_bytes: int,
        cleaner: Cleaner | None = None,
        embed_batch: int = 256,
        limits: ContentLimits | None = None,
    ) -> None:
        self.embed_batch = embed_batch
        self.limits = limits or ContentLimits()
        self.store = store
        self.embedder = embedder
        self.parsers = parsers
        self.chunker = chunker
        self.cleaner = cleaner or Cleaner()
        self.max_file_bytes = max_file_bytes
        self.steps = Steps(parsers, self.cleaner, chunker, self.limits)
        self.fingerprint = fingerprint(
            parser_version=PARSER_VERSION,
            chunk_tokens=chunker.max_tokens,
            overlap=chunker.overlap,
            counter=type(chunker.counter).__name__,
            model=embedder.model_id,
        )

    def index_id(self) -> int:
        """The index version this embedder writes to, created on first use."""
        active = self.store.active_index()
        if active is None:
            try:
                return self.store.create_index(
                    self.embedder.model_id, self.embedder.dimension, activate=True
                ).id
            except StoreError:  # another worker made the first index meanwhile
                active = self.store.active_index()
                if active is None:
                    raise
        if active.model != self.embedder.model_id:
            building = building_index(self.store, self.embedder.model_id)
            if building is not None:
                return building.id
            raise IndexModelMismatch(
                f"the index was built by {active.model} but the embedder is "
                f"{self.embedder.model_id}: run `colonnade reindex` to build a new index "
                "version, or set the embedding settings back",
                index_model=active.model,
                embedder_model=self.embedder.model_id,
            )
        return active.id

    def ingest(
        self,
        source: Source,
        collection: str,
        progress: ProgressCallback | None = None,
        *,
        tenant: str = DEFAULT_TENANT,
        force: bool = False,
    ) -> IngestReport:
        """``force`` processes unchanged files again (a re-ingest); otherwise they are skipped."""
        started = time.perf_counter()
        report = IngestReport(collection=collection)
        self.store.ensure_collection(collection, tenant=tenant)
        index_id = self.index_id()
        items = list(source.items())
        for path, reason in getattr(source, "unreadable", []):
            report.failed.append(FileFailure(path, "unreadable", f"cannot list {path}: {reason}"))
        report.seen = len(items)
        if progress:
            progress("listed", 0, len(items))
        seen_uris: set[str] = set()
        pending: list[_Prepared] = []
        # parse the next files on a worker thread while the embedder runs
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as pool:
            for done, prepared in enumerate(
                self._prepare_ahead(pool, source, (tenant, collection, force), items)
            ):
                seen_uris.add(prepared.item.uri)
                if prepared.failure:
                    report.failed.append(prepared.failure)
                elif prepared.unchanged:
                    report.skipped += 1
                elif prepared.doc is not None:
                    pending.append(prepared)
                    if sum(len(p.doc.chunks) for p in pending if p.doc) >= self.embed_batch:
                        self._write(pending, index_id, report)
                        pending = []
                if progress:
                    progress("file", done + 1, len(items))
            self._write(pending, index_id, report)
        report.deleted += self.remove_vanished(source, collection, seen_uris, tenant=tenant)
        report.seconds = time.perf_counter() - started
        if progress:
            progress("done", len(items), len(items))
        return report

    def remove_vanished(
        self, source: Source, collection: str, seen: set[str], *, tenant: str = DEFAULT_TENANT
    ) -> int:
        """Delete the documents of ``collection`` under the source's scope that a complete
        listing no longer holds (``seen`` is the URIs it listed); how many went. A source
        that lists only part of what it holds deletes nothing."""
        if not (source.complete_listing and source.scope):
            return 0
        deleted = 0
        for doc in self.store.list_documents(
            collection, prefix=source.scope, limit=10**9, tenant=tenant
        ):
            if doc.source_uri not in seen and self.store.delete_document(doc.id):
                deleted += 1
        return deleted

    def _prepare_ahead(
        self,
        pool: ThreadPoolExecutor,
        source: Source,
        collection: tuple[str, str, bool],
        items: list[SourceItem],
    ) -> Iterator[_Prepared]:
        window: list[Future[_Prepared]] = []
        it = iter(items)
        for item in it:
            window.append(pool.submit(self._prepare, source, collection, item))
            if len(window) >= 4:
                yield window.pop(0).result()
        for future in window:
            yield future.result()

    def _prepare(
        self, source: Source, collection: tuple[str, str, bool], item: SourceItem
    ) -> _Prepared:
        try:
            with using_limits(self.limits):
                return self._prepare_one(source, collection, item)
        except DocumentError as exc:
            return _Prepared(item, failure=FileFailure(item.uri, exc.reason, exc.message))
        except OverBudget:  # landed as the budget's block ended: the same verdict
            over = over_budget(item.name, self.limits.max_seconds_per_document)
            return _Prepared(item, failure=FileFailure(item.uri, over.reason, over.message))
        except Exception as exc:  # a parser library failing in a way it does not document
            return _Prepared(
                item,
                failure=FileFailure(
                    item.uri, "parse_error", f"{item.name}: {type(exc).__name__}: {exc}"
                ),
            )

    def _prepare_one(
        self, source: Source, tenant_collection: tuple[str, str, bool], item: SourceItem
    ) -> _Prepared:
        tenant, collection, force = tenant_collection
        checked = self.check(source, (tenant, collection), item, force=force)
        if isinstance(checked, _Prepared):
            return checked
        doc = build_document(
            self.steps,
            item,
            checked.data,
            checked.sidecar,
            checked.hashes,
            (tenant, collection),
            parser=checked.parser,
        )
        return _Prepared(item, doc=doc, existed=checked.existed)

    def check(
        self,
        source: Source,
        tenant_collection: tuple[str, str],
        item: SourceItem,
        *,
        force: bool = False,
    ) -> _Prepared | Changed:
        """Read ``item`` unless its version says it is unchanged; ``_Prepared(unchanged)``
        when the indexed document is already this content, processed this way (never with
        ``force``: a re-ingest processes it again)."""
        tenant, collection = tenant_collection
        if item.size_bytes > self.max_file_bytes:
            raise DocumentError(
                "too_large",
                f"{item.name} is {item.size_bytes:,} bytes, over the limit of "
                f"{self.max_file_bytes:,} (raise ingestion.max_file_bytes to allow it)",
            )
        parser = self.parsers.for_name(item.name)
        sidecar = source.sidecar_metadata(item)
        sidecar_hash = hashlib.sha256(repr(sorted(sidecar.items())).encode()).hexdigest()[:8]
        doc_fingerprint = f"{self.fingerprint}:{sidecar_hash}"
        if item.version is not None:  # the source vouches for its content by a version
            version = hashlib.sha256(item.version.encode()).hexdigest()[:8]
            doc_fingerprint = f"{doc_fingerprint}:{version}"
        existing = self.store.find_document(collection, item.uri, tenant=tenant)
        versioned = item.version is not None and existing is not None
        if (
            not force
            and versioned
            and existing is not None
            and existing.fingerprint == doc_fingerprint
        ):
            return _Prepared(item, unchanged=True)  # not even read
        data = source.read(item)
        if not data:
            raise DocumentError("empty", f"{item.name} is empty")
        content_hash = hashlib.sha256(data).hexdigest()
        if (
            not force
            and existing is not None
            and existing.content_hash == content_hash
            and existing.fingerprint == doc_fingerprint
        ):
            return _Prepared(item, unchanged=True)
        return Changed(
            item, data, sidecar, (content_hash, doc_fingerprint), existing is not None, parser
        )

    def _write(self, prepared: list[_Prepared], index_id: int, report: IngestReport) -> None:
        """Embed the chunks of several documents in one call, then write each atomically."""
        docs = [(p.doc, p.existed) for p in prepared if p.doc is not None]
        if not docs:
            return
        texts = [embedding_text(d.title, c.heading_path, c.text) for d, _ in docs for c in d.chunks]
        vectors = self.embedder.embed_documents(texts)
        offset = 0
        for doc, existed in docs:
            n = len(doc.chunks)
            self.store.write_document(doc, vectors[offset : offset + n], index_id)
            offset += n
            report.chunks += n
            if existed:
                report.updated += 1
            else:
                report.added += 1
