"""``POST /v1/search``: hybrid search with filters, without generation."""

from __future__ import annotations

from fastapi import APIRouter

from colonnade.api.deps import ContainerDep, Searcher
from colonnade.api.problems import problems
from colonnade.api.schemas import SearchHitOut, SearchRequest, SearchResponse
from colonnade.knowledge.models import Filters

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["search"])


@router.post(
    "/search",
    summary="Search the documents you may read",
    response_model=SearchResponse,
    responses=problems(401, 403, 409, 413, 422, 429),
)
def search(body: SearchRequest, principal: Searcher, container: ContainerDep) -> SearchResponse:
    """Only documents the caller may open are searched: the ACL applies before ranking."""
    filters = (
        body.filters.to_filters(principal)
        if body.filters
        else Filters(tenant=principal.tenant, access=principal.access)
    )
    result = container.retriever.search(
        body.query, filters=filters, top_k=body.top_k, mode=body.mode
    )
    return SearchResponse(
        query=result.query,
        mode=result.mode,
        hits=[SearchHitOut.model_validate(h) for h in result.hits],
        timings_ms={k: round(v, 2) for k, v in result.timings_ms.items()},
    )
