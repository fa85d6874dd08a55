"""Re-ingest documents from the files they were ingested from, through the whole pipeline.

A re-ingest parses, chunks and embeds again even when a file is unchanged (after a parser
or chunking change, or to repair a document). Only files are kept where they were: an
uploaded document is stored as its text, so the report asks for it to be uploaded again,
and a file that is gone is named with what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from colonnade.knowledge.models import DEFAULT_TENANT, DocumentInfo, FileFailure, IngestReport
from colonnade.knowledge.pipeline import Ingestor, ProgressCallback
from colonnade.knowledge.sources import FileSource
from colonnade.knowledge.uploads import public_uri

__all__ = ["reingest"]


def _kept_file(doc: DocumentInfo) -> tuple[Path | None, FileFailure | None]:
    uri = urlparse(doc.source_uri)
    if uri.scheme != "file":
        shown = public_uri(doc.source_uri)
        return None, FileFailure(
            shown,
            "not_kept",
            f"{shown.rsplit('/', 1)[-1]} was uploaded and only its text is kept: upload it again",
        )
    path = Path(unquote(uri.path))
    if not path.is_file():
        return None, FileFailure(
            doc.source_uri,
            "missing",
            f"{path} is no longer there: put it back, or delete the document",
        )
    return path, None


def reingest(
    ingestor: Ingestor,
    documents: Sequence[DocumentInfo],
    collection: str,
    *,
    tenant: str = DEFAULT_TENANT,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Run ``documents`` of ``collection`` through the pipeline again from their files."""
    paths: list[Path] = []
    failures: list[FileFailure] = []
    for doc in documents:
        if doc.collection != collection:
            raise ValueError(f"{doc.id} is in {doc.collection!r}, not {collection!r}")
        path, failure = _kept_file(doc)
        if path is not None:
            paths.append(path)
        if failure is not None:
            failures.append(failure)
    if paths:
        report = ingestor.ingest(FileSource(paths), collection, progress, tenant=tenant, force=True)
    else:
        report = IngestReport(collection=collection)
    report.failed[:0] = failures
    report.seen += len(failures)
    return report
