"""Embedders behind the ``Embedder`` port: a local ONNX model and any OpenAI-compatible API."""

from __future__ import annotations

from colonnade.knowledge.embedders.onnx_minilm import MiniLMEmbedder, WordPieceCounter
from colonnade.knowledge.embedders.openai_compatible import OpenAICompatibleEmbedder
from colonnade.knowledge.ports import Embedder
from colonnade.settings import EmbeddingSettings

__all__ = ["MiniLMEmbedder", "OpenAICompatibleEmbedder", "WordPieceCounter", "build_embedder"]


def build_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.provider == "local":
        return MiniLMEmbedder(
            threads=settings.threads,
            batch_size=settings.batch_size,
            max_tokens=settings.max_tokens,
        )
    return OpenAICompatibleEmbedder(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        dimensions=settings.dimensions,
        timeout_s=settings.timeout_s,
        azure=settings.provider == "azure_openai",
        api_version=settings.api_version,
    )
