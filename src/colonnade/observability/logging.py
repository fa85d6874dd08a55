"""Structured key-value logs (structlog): console in development, JSON in production."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

__all__ = ["configure_logging", "get_logger"]


class _CurrentStderr:
    """A structlog logger that writes to whatever ``sys.stderr`` is at the time of the call.

    ``PrintLoggerFactory(file=sys.stderr)`` keeps the stream it saw when logging
    was configured; a stream swapped and closed since (a test runner's capture,
    a daemonised server) would make every later log line raise.
    """

    def msg(self, message: str) -> None:
        stream = sys.stderr
        if stream is not None and not stream.closed:
            print(message, file=stream, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _current_stderr(*_args: Any) -> _CurrentStderr:
    return _CurrentStderr()


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    """Configure structlog once at start-up; logs go to stderr."""
    from colonnade.observability.tracing import add_trace_ids

    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_trace_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # tracebacks without local variables: a frame's locals hold request headers, keys, tokens
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    if json:
        processors.append(structlog.processors.format_exc_info)
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_current_stderr,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    """The one way to log: key-value events, merged with the request's bound context."""
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
