"""Embeddings from any OpenAI-compatible ``/v1/embeddings``: Azure OpenAI, OpenAI, vLLM, Ollama."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import openai

from colonnade.errors import EmbeddingError
from colonnade.integrations import build_openai_client
from colonnade.knowledge.ports import Vectors

__all__ = ["OpenAICompatibleEmbedder"]


class OpenAICompatibleEmbedder:
    """Batches inputs, keeps the order of the answer, normalises to unit length."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None,
        api_key: str | None,
        dimensions: int | None = None,
        batch_size: int = 128,
        timeout_s: float = 30.0,
        max_retries: int = 2,
        azure: bool = False,
        api_version: str = "2024-10-21",
        client: Any = None,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self._dimensions = dimensions
        self._provider = "azure_openai" if azure else "openai"
        self._client = client or build_openai_client(
            base_url=base_url,
            api_key=api_key,
            azure=azure,
            api_version=api_version,
            timeout_s=timeout_s,
            max_retries=max_retries,
        )
        self._probed: int | None = None

    @property
    def model_id(self) -> str:
        suffix = f":{self._dimensions}" if self._dimensions else ""
        return f"{self._provider}:{self.model}{suffix}"

    @property
    def dimension(self) -> int:
        if self._dimensions:
            return self._dimensions
        if self._probed is None:
            self._probed = int(self._call(["dimension probe"]).shape[1])
        return self._probed

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            self._call(list(texts[i : i + self.batch_size]))
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._call([text])[0]
        return vector

    def _call(self, batch: list[str]) -> Vectors:
        kwargs: dict[str, Any] = {"model": self.model, "input": batch}
        if self._dimensions:
            kwargs["dimensions"] = self._dimensions
        try:
            response = self._client.embeddings.create(**kwargs)
        except openai.APIStatusError as exc:
            raise EmbeddingError(
                f"embedding endpoint answered {exc.status_code}: {exc.message}",
                provider=self._provider,
                retryable=exc.status_code == 429 or exc.status_code >= 500,
                status_code=exc.status_code,
            ) from exc
        except openai.APIConnectionError as exc:
            raise EmbeddingError(
                f"cannot reach the embedding endpoint ({exc}): check embeddings.base_url",
                provider=self._provider,
                retryable=True,
            ) from exc
        data = sorted(response.data, key=lambda d: d.index)
        if len(data) != len(batch):
            raise EmbeddingError(
                f"embedding endpoint returned {len(data)} vectors for {len(batch)} inputs",
                provider=self._provider,
            )
        vectors = np.asarray([d.embedding for d in data], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: Vectors = vectors / np.maximum(norms, 1e-12)
        return normalised
