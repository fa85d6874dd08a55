"""``GET /v1/documents/{id}/original``: the file a document was ingested from, to those
who may read the document (its tenant, and its ACL unless they are an admin)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse

from colonnade.api.deps import ContainerDep, Reader
from colonnade.api.problems import problems
from colonnade.errors import NotFound
from colonnade.knowledge.parsers import default_parsers

__all__ = ["install"]

router = APIRouter(tags=["documents"])

# an original is shown as it is, never run: no scripts, no requests from its page
_SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _media_types() -> list[str]:
    """What the route may answer: the media type of each file type that can be ingested
    (guessed as the route guesses it), and octet-stream for a name it cannot place."""
    found = {mimetypes.guess_type(f"file{ext}")[0] for ext in default_parsers().extensions}
    return sorted({m for m in found if m} | {"application/octet-stream"})


_FILE = {
    "description": "the file as it was ingested, with its own media type",
    "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in _media_types()},
}


@router.get(
    "/v1/documents/{document_id}/original",
    response_class=FileResponse,
    responses={200: _FILE, **problems(401, 403, 404)},
    summary="The original file of a document you may read (open a PDF at a page with #page=N)",
)
def original(document_id: str, principal: Reader, container: ContainerDep) -> FileResponse:
    access = None if principal.can("admin") else principal.access
    doc = container.store.get_document(document_id, tenant=principal.tenant, access=access)
    if doc is None:  # another tenant's, or one the ACL hides: the same answer as none
        raise NotFound(f"document {document_id} not found")
    uri = urlparse(doc.source_uri)
    if uri.scheme != "file":
        raise NotFound(
            f"the original of {doc.title!r} is not kept ({uri.scheme}: documents are stored "
            "as their text); ingest it from a folder to serve the file"
        )
    path = Path(unquote(uri.path))
    if not path.is_file():
        raise NotFound(f"the original of {doc.title!r} is no longer at {path}: re-ingest it")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": "private, no-store"}
    if media_type != "application/pdf":  # the browser's PDF viewer needs its plugin
        headers["Content-Security-Policy"] = _SANDBOX
    return FileResponse(
        path,
        media_type=media_type,
        headers=headers,
        content_disposition_type="inline",
        filename=path.name,
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
