"""Test doubles that implement the knowledge ports (no mocks)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from colonnade.knowledge.ports import Vectors


class HashingEmbedder:
    """A deterministic bag-of-words embedder: a second, different 'model' for tests."""

    def __init__(self, dimension: int = 64, name: str = "test/hashing-64") -> None:
        self._dimension = dimension
        self._name = name
        self.calls = 0

    @property
    def model_id(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _one(self, text: str) -> Vectors:
        v = np.zeros(self._dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            v[h % self._dimension] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            n = 1.0
        return v / n

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.vstack([self._one(t) for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._one(text)


class FailingEmbedder(HashingEmbedder):
    """Fails on the n-th call: to stop a run halfway."""

    def __init__(self, fail_on_call: int) -> None:
        super().__init__()
        self.fail_on_call = fail_on_call

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if self.calls + 1 == self.fail_on_call:
            self.calls += 1
            raise RuntimeError("embedding backend died")
        return super().embed_documents(texts)
