"""Failures a user can fix, told in one line instead of a traceback."""

from __future__ import annotations

import sqlite3

__all__ = ["expected_failure"]


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def expected_failure(exc: BaseException) -> str | None:
    """What to tell the user about ``exc`` (or anything it was raised from); None: a bug."""
    import httpx
    import redis.exceptions

    for err in _chain(exc):
        if isinstance(err, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return (
                f"cannot reach Redis ({err}): start it, or fix the redis:// URL "
                "(--redis, security.limits.storage_url, security.cache.url)"
            )
        if isinstance(err, httpx.ConnectError | httpx.ConnectTimeout):
            where = err.request.url if err._request is not None else "the server"
            return f"cannot reach {where}: start it, or fix its URL in the settings"
        if isinstance(err, sqlite3.OperationalError) and "unable to open" in str(err):
            return f"cannot open the database ({err}): check --data-dir and its permissions"
        if isinstance(err, PermissionError):
            return f"permission denied: {err.filename or err}"
    return None
