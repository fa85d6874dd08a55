"""Shared storage plumbing: SQLite connections and ordered schema migrations."""

from colonnade.storage.sqlite import (
    ConnectionPerThread,
    Migration,
    connect,
    migrate,
    transaction,
)

__all__ = ["ConnectionPerThread", "Migration", "connect", "migrate", "transaction"]
