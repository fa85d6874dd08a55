"""Shared storage plumbing: SQLite connections and ordered schema migrations."""

from colonnade.storage.sqlite import Migration, connect, migrate, transaction

__all__ = ["Migration", "connect", "migrate", "transaction"]
