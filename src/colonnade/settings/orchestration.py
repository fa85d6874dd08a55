"""How the assistant turns a question into an answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["AssistantSettings"]


class AssistantSettings(BaseModel):
    """How a question becomes an answer."""

    top_k: int = Field(
        default=5, ge=1, le=50, description="retrieved chunks given to the generator"
    )
    min_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="extractive: below this answerability probability the answer is a plain "
        "refusal; unset, the calibrated threshold (orchestration/answerability.json) decides",
    )
    max_sentences: int = Field(
        default=4,
        ge=1,
        le=20,
        description="extractive: sentences chosen by score for an answer, at most; a sentence "
        "one of them cannot be read without, a tied document's sentence, each part of a "
        "multi-part question and a table's rows may add to them",
    )
    sentence_cache: int = Field(
        default=50_000, ge=0, description="extractive: sentence vectors kept in memory (LRU)"
    )
    max_question_chars: int = Field(default=4000, ge=16)
