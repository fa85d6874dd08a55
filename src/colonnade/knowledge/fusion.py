"""Reciprocal rank fusion (Cormack et al., 2009), weighted per list."""

from __future__ import annotations

from collections.abc import Sequence

from colonnade.knowledge.models import ScoredChunk

__all__ = ["reciprocal_rank_fusion"]


def reciprocal_rank_fusion(
    ranked: Sequence[Sequence[ScoredChunk]], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[ScoredChunk]:
    """Fuse ranked lists: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1."""
    weights = weights or [1.0] * len(ranked)
    if len(weights) != len(ranked):
        raise ValueError("one weight per ranked list")
    scores: dict[int, float] = {}
    for results, weight in zip(ranked, weights, strict=True):
        for rank, hit in enumerate(results, start=1):
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight / (k + rank)
    fused = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [ScoredChunk(chunk_id, score) for chunk_id, score in fused]
