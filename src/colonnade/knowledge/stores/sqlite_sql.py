"""SQL fragments of the SQLite knowledge store: filters, ACLs and document rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from colonnade.errors import InvalidInput
from colonnade.knowledge.models import Access, DocumentInfo, Filters
from colonnade.knowledge.stores.rows import DOC_COLUMNS, document_info

__all__ = ["DOC_COLUMNS", "acl_sql", "doc_info", "dt", "filter_sql", "now"]


def now() -> str:
    return datetime.now(UTC).isoformat()


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def doc_info(row: sqlite3.Row) -> DocumentInfo:
    return document_info(row, decode=json.loads, moment=dt)


def filter_sql(filters: Filters) -> tuple[list[str], list[Any]]:
    """WHERE clauses over ``d`` (documents) and ``col`` (collections)."""
    clauses: list[str] = ["col.tenant = ?"]
    params: list[Any] = [filters.tenant]

    def any_of(column: str, values: Sequence[Any]) -> None:
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if filters.access is not None and not filters.access.everything:
        clause, values = acl_sql(filters.access)
        clauses.append(clause)
        params.extend(values)
    if filters.collections:
        any_of("col.name", filters.collections)
    if filters.doc_types:
        any_of("d.doc_type", filters.doc_types)
    if filters.languages:
        any_of("d.language", filters.languages)
    if filters.document_ids is not None:
        if not filters.document_ids:
            clauses.append("0")
        else:
            any_of("d.id", filters.document_ids)
    if filters.source_prefix:
        clauses.append("substr(d.source_uri, 1, ?) = ?")
        params.extend([len(filters.source_prefix), filters.source_prefix])
    if filters.modified_after:
        clauses.append("d.modified_at >= ?")
        params.append(filters.modified_after.isoformat())
    if filters.modified_before:
        clauses.append("d.modified_at < ?")
        params.append(filters.modified_before.isoformat())
    for key, value in filters.metadata.items():
        if not key.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise InvalidInput(f"metadata filter key {key!r} may hold only letters, digits, _-.")
        clauses.append(f"json_extract(d.metadata, '$.\"{key}\"') = ?")
        params.append(int(value) if isinstance(value, bool) else value)
    return clauses, params


def acl_sql(access: Access) -> tuple[str, list[Any]]:
    """A document without an ACL is open to its tenant; one with an ACL to its users and groups."""
    clause = "(d.acl = '{}' OR EXISTS (SELECT 1 FROM json_each(d.acl, '$.users') WHERE value = ?)"
    params: list[Any] = [access.user]
    if access.groups:
        marks = ",".join("?" * len(access.groups))
        clause += (
            f" OR EXISTS (SELECT 1 FROM json_each(d.acl, '$.groups') WHERE value IN ({marks}))"
        )
        params.extend(access.groups)
    return clause + ")", params
