"""The contract every Embedder adapter passes: subclass and provide an ``embedder`` fixture."""

from __future__ import annotations

import numpy as np

from colonnade.knowledge.ports import Embedder


class EmbedderContract:
    def test_is_an_embedder(self, embedder: Embedder) -> None:
        assert isinstance(embedder, Embedder)
        assert embedder.model_id
        assert embedder.dimension > 0

    def test_shapes_and_unit_length(self, embedder: Embedder) -> None:
        vectors = embedder.embed_documents(["alpha beta", "gamma delta epsilon", "zeta"])
        assert vectors.shape == (3, embedder.dimension)
        assert vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)

    def test_empty_batch(self, embedder: Embedder) -> None:
        assert embedder.embed_documents([]).shape == (0, embedder.dimension)

    def test_batch_keeps_order_and_matches_single(self, embedder: Embedder) -> None:
        texts = [f"document number {i} about {'cats' if i % 2 else 'rockets'}" for i in range(37)]
        batch = embedder.embed_documents(texts)
        for i in (0, 17, 36):
            np.testing.assert_allclose(batch[i], embedder.embed_query(texts[i]), atol=2e-3)

    def test_related_text_is_closer(self, embedder: Embedder) -> None:
        q = embedder.embed_query("How many vacation days do employees get?")
        near, far = embedder.embed_documents(
            [
                "Employees receive 25 days of paid annual leave.",
                "The database fails over in 2 minutes.",
            ]
        )
        assert float(q @ near) > float(q @ far)
