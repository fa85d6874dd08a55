"""Logs, metrics and traces shared by every layer."""

from colonnade.observability.logging import configure_logging, get_logger

__all__ = ["configure_logging", "get_logger"]
