"""Shared storage plumbing: SQLite connections and ordered schema migrations; the response
caches (``colonnade.storage.cache``) in process or in Redis."""

from colonnade.storage.sqlite import (
    ConnectionPerThread,
    Migration,
    connect,
    migrate,
    transaction,
)

__all__ = ["ConnectionPerThread", "Migration", "connect", "migrate", "transaction"]
