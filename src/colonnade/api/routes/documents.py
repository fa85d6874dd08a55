"""``/v1/documents`` and ``/v1/collections``: upload runs the ingestion pipeline."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from colonnade.api.deps import ContainerDep, PrincipalDep
from colonnade.api.problems import problems
from colonnade.api.schemas import CollectionOut, DocumentOut, FailedFile, IngestResponse
from colonnade.errors import InvalidInput, NotFound
from colonnade.knowledge.sources import UploadSource

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["documents"])


def _metadata(raw: str | None) -> dict[str, object]:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InvalidInput(f"metadata is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInput('metadata must be a JSON object, e.g. {"department": "hr"}')
    return data


@router.post(
    "/documents",
    status_code=201,
    response_model=IngestResponse,
    responses=problems(401, 409, 413, 422),
    summary="Upload documents into a collection (parsed, chunked, embedded, indexed)",
)
def upload_documents(
    principal: PrincipalDep,
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
) -> IngestResponse:
    """A file that cannot be ingested is listed in ``failed``; when none can, the answer is
    422. Uploading a file of the same name into the same collection replaces it."""
    source = UploadSource([(f.filename or "", f.file.read()) for f in files], _metadata(metadata))
    report = container.ingestor.ingest(source, collection)
    failed = [FailedFile.model_validate(f) for f in report.failed]
    if failed and report.added + report.updated + report.skipped == 0:
        raise InvalidInput(
            "no document could be ingested: " + "; ".join(f.message for f in failed),
            failed=[f.model_dump() for f in failed],
        )
    docs = [
        d
        for item in source.items()
        if (d := container.store.find_document(collection, item.uri)) is not None
    ]
    return IngestResponse(
        collection=collection,
        added=report.added,
        updated=report.updated,
        skipped=report.skipped,
        chunks=report.chunks,
        seconds=round(report.seconds, 3),
        documents=[DocumentOut.model_validate(d) for d in docs],
        failed=failed,
    )


@router.get("/documents", response_model=list[DocumentOut], responses=problems(401, 422))
def list_documents(
    principal: PrincipalDep,
    container: ContainerDep,
    collection: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> list[DocumentOut]:
    return [
        DocumentOut.model_validate(d)
        for d in container.store.list_documents(collection, limit=limit)
    ]


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=problems(401, 404))
def get_document(document_id: str, principal: PrincipalDep, container: ContainerDep) -> DocumentOut:
    doc = container.store.get_document(document_id)
    if doc is None:
        raise NotFound(f"document {document_id} not found")
    return DocumentOut.model_validate(doc)


@router.delete(
    "/documents/{document_id}",
    status_code=204,
    response_class=Response,
    responses=problems(401, 404),
)
def delete_document(document_id: str, principal: PrincipalDep, container: ContainerDep) -> Response:
    """Remove the document, its chunks and vectors from the index."""
    if not container.store.delete_document(document_id):
        raise NotFound(f"document {document_id} not found")
    return Response(status_code=204)


@router.get("/collections", response_model=list[CollectionOut], responses=problems(401))
def list_collections(principal: PrincipalDep, container: ContainerDep) -> list[CollectionOut]:
    return [CollectionOut.model_validate(c) for c in container.store.list_collections()]
