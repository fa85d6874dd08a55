"""Adopting SQLite files made before Alembic: the baseline revisions run the ordered
statement lists each component was built from (tracked in ``schema_versions``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from colonnade.storage.sqlite import Migration, migrate

__all__ = ["adopt"]


def adopt(bind: Any, component: str, migrations: Sequence[Migration]) -> int:
    """Bring ``component`` to the last of ``migrations`` on the raw sqlite3 connection."""
    raw = bind.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    factory = raw.row_factory
    raw.row_factory = sqlite3.Row
    try:
        return migrate(raw, component, migrations)
    finally:
        raw.row_factory = factory
