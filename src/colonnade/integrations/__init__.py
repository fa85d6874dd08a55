"""Clients for outside services, shared by the layers that call them."""

from colonnade.integrations.openai_client import build_openai_client

__all__ = ["build_openai_client"]
