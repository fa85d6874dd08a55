"""One way to build the official OpenAI SDK client, for OpenAI-compatible and Azure endpoints."""

from __future__ import annotations

from typing import Any

import openai

__all__ = ["build_openai_client"]


def build_openai_client(
    *,
    base_url: str | None,
    api_key: str | None,
    azure: bool,
    api_version: str,
    timeout_s: float,
    max_retries: int = 2,
) -> Any:
    """``AzureOpenAI`` for an Azure resource endpoint, ``OpenAI`` for anything else."""
    if azure:
        return openai.AzureOpenAI(
            azure_endpoint=base_url or "",
            api_key=api_key,
            api_version=api_version,
            timeout=timeout_s,
            max_retries=max_retries,
        )
    return openai.OpenAI(
        base_url=base_url, api_key=api_key or "unused", timeout=timeout_s, max_retries=max_retries
    )
