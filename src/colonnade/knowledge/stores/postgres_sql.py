"""SQL fragments of the PostgreSQL knowledge store: filters and ACLs, as the SQLite store's."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from colonnade.errors import InvalidInput
from colonnade.knowledge.models import Access, Filters

__all__ = ["FROM_DOCS", "acl_only", "pg_filter_sql"]

FROM_DOCS = "FROM documents d JOIN collections col ON col.id = d.collection_id"


def pg_filter_sql(filters: Filters) -> tuple[list[str], list[Any]]:
    """WHERE clauses over ``d`` (documents) and ``col`` (collections), as the SQLite store's."""
    clauses: list[str] = ["col.tenant = %s"]
    params: list[Any] = [filters.tenant]
    access = filters.access
    if access is not None and not access.everything:
        clauses.append(
            "(d.acl = '{}'::jsonb OR d.acl -> 'users' ? %s OR d.acl -> 'groups' ?| %s::text[])"
        )
        params.extend([access.user, list(access.groups)])
    if filters.collections:
        clauses.append("col.name = ANY(%s::text[])")
        params.append(list(filters.collections))
    if filters.doc_types:
        clauses.append("d.doc_type = ANY(%s::text[])")
        params.append(list(filters.doc_types))
    if filters.languages:
        clauses.append("d.language = ANY(%s::text[])")
        params.append(list(filters.languages))
    if filters.document_ids is not None:
        clauses.append("d.id = ANY(%s::text[])")
        params.append(list(filters.document_ids))
    if filters.source_prefix:
        clauses.append("starts_with(d.source_uri, %s)")
        params.append(filters.source_prefix)
    if filters.modified_after:
        clauses.append("d.modified_at >= %s")
        params.append(filters.modified_after)
    if filters.modified_before:
        clauses.append("d.modified_at < %s")
        params.append(filters.modified_before)
    for key, value in filters.metadata.items():
        if not key.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise InvalidInput(f"metadata filter key {key!r} may hold only letters, digits, _-.")
        clauses.append("d.metadata @> %s")
        params.append(Jsonb({key: value}))
    return clauses, params


def acl_only(access: Access | None, tenant: str) -> tuple[list[str], list[Any]]:
    return pg_filter_sql(Filters(tenant=tenant, access=access))
