"""Large-corpus ingestion with parsing and embedding spread over an ``Executor`` (Dask).

``DistributedIngestor.ingest`` keeps the pipeline's rules and report: this process lists
the source, reads each file and skips the unchanged ones against the store (the work
that needs the source and the store), then sends the changed files in groups to the
executor, where each group is parsed, cleaned, chunked and embedded by a pipeline built
once per worker from the same settings; the documents come back in order and are
written here, each in its own transaction, and files a complete listing no longer
holds are deleted (``Ingestor.remove_vanished``, as the local run deletes them). The
result equals the local ``Ingestor``'s: the same stages, the same settings, the same
model; ``force`` re-processes unchanged files here as it does there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from colonnade.compute import Executor
from colonnade.errors import DocumentError
from colonnade.knowledge.budget import OverBudget, over_budget
from colonnade.knowledge.chunking import RegexTokenCounter, StructureChunker
from colonnade.knowledge.cleaning import Cleaner
from colonnade.knowledge.embedders import WordPieceCounter, build_embedder
from colonnade.knowledge.limits import content_limits
from colonnade.knowledge.models import DEFAULT_TENANT, FileFailure, IngestReport, NewDocument
from colonnade.knowledge.parsers import default_parsers
from colonnade.knowledge.pipeline import (
    Changed,
    Ingestor,
    ProgressCallback,
    Steps,
    _Prepared,
    build_document,
    embedding_text,
)
from colonnade.knowledge.ports import Embedder, Source, SourceItem
from colonnade.settings import EmbeddingSettings, IngestionSettings

__all__ = ["DistributedIngestor", "worker_steps"]

FILES_PER_TASK = 8


_BUILT: dict[tuple[str, str], tuple[Steps, Embedder]] = {}
_BUILDING = threading.Lock()


def worker_steps(ing: IngestionSettings, emb: EmbeddingSettings) -> tuple[Steps, Embedder]:
    """The stages and the embedder a worker builds once for these settings."""
    key = (ing.model_dump_json(), emb.model_dump_json())
    with _BUILDING:
        if key not in _BUILT:
            counter = WordPieceCounter() if emb.provider == "local" else RegexTokenCounter()
            steps = Steps(
                default_parsers(),
                Cleaner(),
                StructureChunker(counter, ing.chunk_tokens, ing.chunk_overlap),
                content_limits(ing),
            )
            _BUILT[key] = (steps, build_embedder(emb))
        return _BUILT[key]


@dataclass(slots=True, frozen=True)
class _Task:
    ingestion: IngestionSettings  # pickled with their secrets' values
    embeddings: EmbeddingSettings
    tenant_collection: tuple[str, str]
    files: list[Changed]


@dataclass(slots=True, frozen=True)
class _Done:
    changed: Changed
    doc: NewDocument | None = None
    vectors: np.ndarray | None = None
    failure: FileFailure | None = None


def _failure(changed: Changed, exc: Exception, limit_s: float) -> FileFailure:
    item = changed.item
    if isinstance(exc, DocumentError):
        return FileFailure(item.uri, exc.reason, exc.message)
    if isinstance(exc, OverBudget):
        over = over_budget(item.name, limit_s)
        return FileFailure(item.uri, over.reason, over.message)
    return FileFailure(item.uri, "parse_error", f"{item.name}: {type(exc).__name__}: {exc}")


def run_task(task: _Task) -> list[_Done]:
    """On a worker: parse, clean, chunk and embed one group of files."""
    steps, embedder = worker_steps(task.ingestion, task.embeddings)
    done: list[_Done] = []
    for changed in task.files:
        try:
            doc = build_document(
                steps,
                changed.item,
                changed.data,
                changed.sidecar,
                changed.hashes,
                task.tenant_collection,
            )
        except Exception as exc:  # one bad file is a line in the report
            done.append(
                _Done(
                    changed, failure=_failure(changed, exc, steps.limits.max_seconds_per_document)
                )
            )
            continue
        done.append(_Done(changed, doc=doc))
    texts = [
        embedding_text(d.doc.title, c.heading_path, c.text)
        for d in done
        if d.doc is not None
        for c in d.doc.chunks
    ]
    vectors = embedder.embed_documents(texts) if texts else None
    out, offset = [], 0
    for d in done:
        if d.doc is None or vectors is None:
            out.append(d)
            continue
        n = len(d.doc.chunks)
        out.append(_Done(d.changed, doc=d.doc, vectors=vectors[offset : offset + n]))
        offset += n
    return out


class DistributedIngestor:
    """The ``Ingestor``'s ``ingest`` with parsing and embedding on an executor."""

    def __init__(
        self,
        ingestor: Ingestor,
        executor: Executor,
        ingestion: IngestionSettings,
        embeddings: EmbeddingSettings,
    ) -> None:
        self.ingestor = ingestor
        self.executor = executor
        self.settings = (ingestion, embeddings)

    def _tasks(
        self,
        source: Source,
        tc: tuple[str, str],
        report: IngestReport,
        seen: set[str],
        progress: ProgressCallback | None,
        items: list[SourceItem],
        force: bool,
    ) -> Iterator[_Task]:
        group: list[Changed] = []
        for n, item in enumerate(items):
            seen.add(item.uri)
            try:
                checked = self.ingestor.check(source, tc, item, force=force)
            except DocumentError as exc:
                report.failed.append(FileFailure(item.uri, exc.reason, exc.message))
                checked = None
            if isinstance(checked, _Prepared):
                report.skipped += 1
            elif isinstance(checked, Changed):
                group.append(checked)
            if progress:
                progress("file", n + 1, len(items))
            if len(group) >= FILES_PER_TASK:
                yield _Task(*self.settings, tc, group)
                group = []
        if group:
            yield _Task(*self.settings, tc, group)

    def ingest(
        self,
        source: Source,
        collection: str,
        progress: ProgressCallback | None = None,
        *,
        tenant: str = DEFAULT_TENANT,
        force: bool = False,
    ) -> IngestReport:
        """As ``Ingestor.ingest``: ``force`` processes unchanged files again."""
        started = time.perf_counter()
        ing = self.ingestor
        report = IngestReport(collection=collection)
        ing.store.ensure_collection(collection, tenant=tenant)
        index_id = ing.index_id()
        items = list(source.items())
        for path, reason in getattr(source, "unreadable", []):
            report.failed.append(FileFailure(path, "unreadable", f"cannot list {path}: {reason}"))
        report.seen = len(items)
        if progress:
            progress("listed", 0, len(items))
        seen: set[str] = set()
        tasks = self._tasks(source, (tenant, collection), report, seen, progress, items, force)
        for results in self.executor.map(run_task, tasks):
            for done in results:
                if done.failure is not None:
                    report.failed.append(done.failure)
                    continue
                assert done.doc is not None
                assert done.vectors is not None
                ing.store.write_document(done.doc, done.vectors, index_id)
                report.chunks += len(done.doc.chunks)
                if done.changed.existed:
                    report.updated += 1
                else:
                    report.added += 1
        report.deleted += ing.remove_vanished(source, collection, seen, tenant=tenant)
        report.seconds = time.perf_counter() - started
        if progress:
            progress("done", len(items), len(items))
        return report
