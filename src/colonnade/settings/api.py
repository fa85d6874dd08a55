"""The Intelligence API server."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

__all__ = ["ApiSettings"]


class ApiSettings(BaseModel):
    """The Intelligence API server."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    api_key: SecretStr | None = Field(
        default=None,
        description="the single local API key; without it one is generated on first start "
        "and kept in DATA_DIR/api_key",
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="JSON request bodies")
    max_json_depth: int = Field(default=64, ge=4, description="nesting of JSON request bodies")
    max_embedding_inputs: int = Field(
        default=256, ge=1, description="inputs per POST /v1/embeddings request"
    )
