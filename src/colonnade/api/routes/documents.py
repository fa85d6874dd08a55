"""``/v1/documents`` and ``/v1/collections``: upload runs the ingestion pipeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from colonnade.api.deps import Admin, CollectionManager, ContainerDep, Ingester, Reader
from colonnade.api.governance import audit
from colonnade.api.problems import problems
from colonnade.api.schemas import (
    AccessExplanation,
    CollectionOut,
    DocumentOut,
    FailedFile,
    IngestionStatus,
    IngestJobOut,
    IngestRecordOut,
    IngestResponse,
)
from colonnade.errors import InvalidInput, NotFound
from colonnade.identity import Principal
from colonnade.knowledge.history import IngestKind, record_report
from colonnade.knowledge.limits import ContentLimits, content_limits, json_depth
from colonnade.knowledge.models import Access, DocumentInfo, IngestReport
from colonnade.knowledge.reingestion import reingest
from colonnade.knowledge.sources import UploadSource
from colonnade.knowledge.uploads import parse_metadata, public_uri, upload_uris

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["documents"])


def _out(doc: DocumentInfo) -> DocumentOut:
    out = DocumentOut.model_validate(doc)
    out.source_uri = public_uri(out.source_uri)
    return out


def _bound_metadata(raw: str | None, limits: ContentLimits) -> None:
    """Depth and size measured on the raw text, before any recursive parser sees it."""
    if not raw:
        return
    if json_depth(raw, limits.max_metadata_depth) > limits.max_metadata_depth:
        raise InvalidInput(
            f"metadata nests over {limits.max_metadata_depth} levels deep: "
            'flatten it to a JSON object of fields, e.g. {"department": "hr"} '
            "(ingestion.max_metadata_depth)"
        )
    if len(raw.encode()) > limits.max_metadata_bytes:
        raise InvalidInput(
            f"metadata is {len(raw.encode()):,} bytes, over the limit of "
            f"{limits.max_metadata_bytes:,}: send a few short fields "
            "(ingestion.max_metadata_bytes)"
        )


@router.post(
    "/documents",
    status_code=201,
    response_model=IngestResponse | IngestJobOut,
    responses={
        **problems(401, 403, 409, 413, 422, 429),
        202: {"model": IngestJobOut, "description": "queued (wait=false)"},
    },
    summary="Upload documents into a collection (parsed, chunked, embedded, indexed)",
)
def upload_documents(
    request: Request,
    principal: Ingester,
    container: ContainerDep,
    files: Annotated[list[UploadFile], File(description="one or more documents")],
    collection: Annotated[str, Form(description="created if missing")] = "default",
    metadata: Annotated[
        str | None,
        Form(
            description='JSON object applied to every file, e.g. {"department": "hr", '
            '"acl": {"groups": ["hr"]}}'
        ),
    ] = None,
    wait: Annotated[
        bool,
        Form(
            description="false: queue the upload and answer 202 at once with a job id; "
            "GET /v1/ingestions/{id} shows progress and the report"
        ),
    ] = True,
) -> IngestResponse | Response:
    """A file that cannot be ingested is listed in ``failed``; when none can, the answer is
    422. Uploading a file of the same name into the same collection replaces it."""
    _bound_metadata(metadata, content_limits(container.settings.ingestion))
    source = UploadSource(
        [(f.filename or "", f.file.read()) for f in files], parse_metadata(metadata)
    )
    # a write never touches, nor reveals, a document its author cannot open
    source.uris = upload_uris(
        container.store,
        collection,
        source.names,
        tenant=principal.tenant,
        user=principal.user,
        access=_access(principal),
    )
    if not wait:
        return _enqueue(request, principal, container, source, collection)
    report = container.ingestor.ingest(source, collection, tenant=principal.tenant)
    docs = [
        d
        for item in source.items()
        if (d := container.store.find_document(collection, item.uri, tenant=principal.tenant))
        is not None
    ]
    return _reported(request, principal, "ingest", report, docs)


_DONE = {"ingest": "ingested", "reingest": "re-ingested"}


def _reported(
    request: Request, principal: Principal, action: str, report: IngestReport, docs: list[Any]
) -> IngestResponse:
    """The ingest report as the API answers it (422 when not one file could be ingested),
    recorded in the ingest history first."""
    container = request.app.state.container
    kind: IngestKind = "upload" if action == "ingest" else "reingest"
    record_report(
        container.ingest_history, report, tenant=principal.tenant, actor=principal.user, kind=kind
    )
    failed = [FailedFile.model_validate(f) for f in report.failed]
    if failed and report.added + report.updated + report.skipped == 0:
        raise InvalidInput(
            f"no document could be {_DONE[action]}: " + "; ".join(f.message for f in failed),
            failed=[f.model_dump() for f in failed],
        )
    audit(
        request,
        action,
        principal,
        collection=report.collection,
        documents=[{"id": d.id, "version": d.content_hash[:16]} for d in docs],
        failed=len(failed) or None,
    )
    return IngestResponse(
        collection=report.collection,
        added=report.added,
        updated=report.updated,
        skipped=report.skipped,
        chunks=report.chunks,
        seconds=round(report.seconds, 3),
        documents=[_out(d) for d in docs],
        failed=failed,
    )


def _enqueue(
    request: Request, principal: Principal, container: Any, source: UploadSource, collection: str
) -> Response:
    from colonnade.knowledge.queue import job_from_source

    container.store.ensure_collection(collection, tenant=principal.tenant)
    job = job_from_source(
        source,
        collection,
        tenant=principal.tenant,
        max_file_bytes=container.settings.ingestion.max_file_bytes,
        actor=principal.user,
    )
    container.ingest_queue.enqueue(job)
    if container.ingest_worker is not None:  # the embedded default: a worker in this process
        container.ingest_worker.ensure_running()
    audit(request, "ingest_queued", principal, collection=collection, job_id=job.id)
    url = f"/v1/ingestions/{job.id}"
    body = IngestJobOut(job_id=job.id, status_url=url, files=len(job.files))
    return Response(
        body.model_dump_json(),
        status_code=202,
        media_type="application/json",
        headers={"Location": url},
    )


@router.get(
    "/ingestions",
    response_model=list[IngestRecordOut],
    responses=problems(401, 403, 422, 429),
    summary="Ingest report history: the tenant's finished ingestions, newest first",
)
def ingestion_history(
    principal: Ingester,
    container: ContainerDep,
    collection: Annotated[str | None, Query(description="only this collection")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="at most this many")] = 50,
) -> list[IngestRecordOut]:
    """Uploads, queued jobs, re-ingests and ``colonnade ingest`` runs of the caller's tenant,
    from every replica; another tenant's never appear."""
    records = container.ingest_history.recent(principal.tenant, collection=collection, limit=limit)
    return [IngestRecordOut.model_validate(r) for r in records]


@router.get(
    "/ingestions/{job_id}",
    response_model=IngestionStatus,
    responses=problems(401, 403, 404, 429),
    summary="Progress and report of a queued upload",
)
def ingestion_status(principal: Ingester, container: ContainerDep, job_id: str) -> IngestionStatus:
    status = container.ingest_queue.status(job_id)
    if status is None or status.get("tenant") != principal.tenant:
        raise NotFound(f"ingestion job {job_id} not found (statuses are kept for seven days)")
    return IngestionStatus(
        job_id=job_id,
        state=status["state"],
        collection=status["collection"],
        total=status["total"],
        done=status.get("done", 0),
        attempt=status.get("attempt", 0),
        report=status.get("report"),
        error=status.get("error"),
    )


def _access(principal: Principal) -> Access | None:
    """Admins manage every document of their tenant; everyone else sees what the ACL allows."""
    return None if principal.can("admin") else principal.access


def _document(container: Any, document_id: str, principal: Principal) -> DocumentInfo:
    doc = container.store.get_document(
        document_id, tenant=principal.tenant, access=_access(principal)
    )
    if doc is None:  # another tenant's, or one the ACL hides: the same answer as none
        raise NotFound(f"document {document_id} not found")
    return doc  # type: ignore[no-any-return]


@router.get(
    "/documents",
    summary="The documents you may read",
    response_model=list[DocumentOut],
    responses=problems(401, 403, 422, 429),
)
def list_documents(
    principal: Reader,
    container: ContainerDep,
    collection: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> list[DocumentOut]:
    """The documents of the caller's tenant it may open."""
    return [
        _out(d)
        for d in container.store.list_documents(
            collection, limit=limit, tenant=principal.tenant, access=_access(principal)
        )
    ]


@router.get(
    "/documents/{document_id}",
    summary="A document you may read",
    response_model=DocumentOut,
    responses=problems(401, 403, 404, 429),
)
def get_document(document_id: str, principal: Reader, container: ContainerDep) -> DocumentOut:
    return _out(_document(container, document_id, principal))


@router.get(
    "/documents/{document_id}/access",
    response_model=AccessExplanation,
    responses=problems(401, 403, 404, 429),
    summary="Why a principal can or cannot see a document (admin)",
)
def explain_access(
    document_id: str,
    request: Request,
    principal: Admin,
    container: ContainerDep,
    user: Annotated[str, Query(alias="principal", min_length=1, max_length=256)],
    groups: Annotated[
        str, Query(max_length=4096, description="comma-separated groups of that principal")
    ] = "",
) -> AccessExplanation:
    doc = _document(container, document_id, principal)
    member_of = sorted({g.strip() for g in groups.split(",") if g.strip()})
    users, allowed_groups = doc.acl.get("users"), doc.acl.get("groups")
    if not doc.acl:
        allowed, reason = (
            True,
            f"the document has no ACL: everyone in tenant {principal.tenant} may see it",
        )
    elif users and user in users:
        allowed, reason = True, f"{user} is listed in the document's allowed users"
    elif allowed_groups and (shared := sorted(set(allowed_groups) & set(member_of))):
        allowed, reason = True, f"{user} is in the allowed group(s) {', '.join(shared)}"
    else:
        allowed, reason = (
            False,
            (
                f"{user} is not among the allowed users and none of the groups "
                f"({', '.join(member_of) or 'none given'}) is allowed"
            ),
        )
    audit(request, "admin.access_explained", principal, document_id=document_id, subject=user)
    return AccessExplanation(
        document_id=doc.id,
        principal=user,
        groups=member_of,
        tenant=principal.tenant,
        allowed=allowed,
        reason=reason,
        acl=doc.acl,
    )


@router.delete(
    "/documents/{document_id}",
    summary="Delete a document",
    status_code=204,
    response_class=Response,
    responses=problems(401, 403, 404, 429),
)
def delete_document(
    document_id: str, request: Request, principal: CollectionManager, container: ContainerDep
) -> Response:
    """Remove the document, its chunks and vectors from the index."""
    doc = _document(container, document_id, principal)
    container.store.delete_document(doc.id)
    audit(request, "delete_document", principal, document_id=doc.id, collection=doc.collection)
    return Response(status_code=204)


@router.get(
    "/collections",
    summary="The tenant's collections",
    response_model=list[CollectionOut],
    responses=problems(401, 403, 429),
)
def list_collections(principal: Reader, container: ContainerDep) -> list[CollectionOut]:
    return [
        CollectionOut.model_validate(c)
        for c in container.store.list_collections(
            tenant=principal.tenant, access=_access(principal)
        )
    ]


@router.delete(
    "/collections/{name}",
    summary="Delete a collection",
    status_code=204,
    response_class=Response,
    responses=problems(401, 403, 404, 429),
)
def delete_collection(
    name: str, request: Request, principal: CollectionManager, container: ContainerDep
) -> Response:
    """Remove a collection with every document in it."""
    removed = container.store.delete_collection(name, tenant=principal.tenant)
    audit(request, "delete_collection", principal, collection=name, documents=removed)
    return Response(status_code=204)


@router.post(
    "/documents/{document_id}/reingest",
    response_model=IngestResponse,
    responses=problems(401, 403, 404, 422, 429),
    summary="Run a document through the ingestion pipeline again, from its file",
)
def reingest_document(
    document_id: str, request: Request, principal: Ingester, container: ContainerDep
) -> IngestResponse:
    """Parsed, chunked and embedded again even when unchanged; an uploaded document's
    original is not kept (422: upload it again)."""
    doc = _document(container, document_id, principal)
    report = reingest(container.ingestor, [doc], doc.collection, tenant=principal.tenant)
    return _reported(
        request, principal, "reingest", report, _current(container, [doc], principal.tenant)
    )


@router.post(
    "/collections/{name}/reingest",
    response_model=IngestResponse,
    responses=problems(401, 403, 404, 422, 429),
    summary="Run every document of a collection through the ingestion pipeline again",
)
def reingest_collection(
    name: str, request: Request, principal: Ingester, container: ContainerDep
) -> IngestResponse:
    """The documents the caller may open, from their files; the report lists those whose
    original is not kept or is gone."""
    docs = container.store.list_documents(
        name, limit=1_000_000, tenant=principal.tenant, access=_access(principal)
    )
    if not docs:
        raise NotFound(
            f"collection {name!r} has no documents you may open: see GET /v1/collections"
        )
    report = reingest(container.ingestor, docs, name, tenant=principal.tenant)
    return _reported(
        request, principal, "reingest", report, _current(container, docs, principal.tenant)
    )


def _current(container: Any, docs: list[DocumentInfo], tenant: str) -> list[DocumentInfo]:
    """The documents as they are after the re-ingest (passages counted again)."""
    found = (container.store.get_document(d.id, tenant=tenant) for d in docs)
    return [d for d in found if d is not None]
