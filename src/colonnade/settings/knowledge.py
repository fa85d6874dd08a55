"""The knowledge layer: embeddings, ingestion and retrieval."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

__all__ = ["BlobSettings", "EmbeddingSettings", "IngestionSettings", "RetrievalSettings"]


class EmbeddingSettings(BaseModel):
    """The model that turns chunks and queries into vectors."""

    provider: Literal["local", "openai", "azure_openai"] = "local"
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = Field(default=16, ge=1, le=2048)
    threads: int = Field(default=0, ge=0, description="0 = every core")
    max_tokens: int = Field(default=256, ge=16)
    base_url: str | None = None
    api_key: SecretStr | None = None
    api_version: str = "2024-10-21"
    dimensions: int | None = Field(default=None, ge=1)
    timeout_s: float = Field(default=30.0, gt=0)


class BlobSettings(BaseModel):
    """How ``colonnade ingest --blob URL`` signs in to Azure Blob Storage."""

    auth: Literal["auto", "connection_string", "sas", "identity"] = Field(
        default="auto",
        description="auto: the connection string if set, else the SAS token (or one in the "
        "URL), else workload identity / managed identity through azure-identity",
    )
    connection_string: SecretStr | None = Field(
        default=None, description="COLONNADE_INGESTION__BLOB__CONNECTION_STRING"
    )
    sas_token: SecretStr | None = Field(
        default=None, description="a container SAS with read and list permissions"
    )
    acl_users_key: str = Field(
        default="acl_users", description="blob metadata naming the users who may read it"
    )
    acl_groups_key: str = Field(
        default="acl_groups", description="blob metadata naming the groups who may read it"
    )
    timeout_s: float = Field(default=60.0, gt=0)


class IngestionSettings(BaseModel):
    """How documents become chunks."""

    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    chunk_tokens: int = Field(default=200, ge=16)
    chunk_overlap: int = Field(default=40, ge=0)
    include: list[str] = Field(default_factory=lambda: ["**/*"])
    exclude: list[str] = Field(
        default_factory=lambda: ["**/.*", "**/.*/**", "**/*.meta.json", "**/~$*"]
    )
    max_seconds_per_document: float = Field(
        default=120.0, ge=0, description="parse + clean + chunk time per document; 0 = no limit"
    )
    max_chunks_per_document: int = Field(default=10_000, ge=1)
    max_unzipped_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1, description="DOCX/XLSX/PPTX inflated, all members"
    )
    max_zip_ratio: float = Field(default=100.0, gt=1, description="per member, over 1 MiB")
    max_zip_members: int = Field(default=5_000, ge=1)
    max_metadata_bytes: int = Field(default=64 * 1024, ge=256, description="per document")
    max_metadata_depth: int = Field(default=32, ge=2)
    max_metadata_nodes: int = Field(default=10_000, ge=10)
    queue_url: str | None = Field(
        default=None,
        description="redis://… for an ingestion queue shared by worker processes; "
        "unset: jobs run on a worker inside serve",
    )
    claim_idle_s: float = Field(
        default=300.0,
        gt=0,
        description="a job a worker took and has not finished for this long goes to another",
    )
    blob: BlobSettings = Field(default_factory=BlobSettings)

    @model_validator(mode="after")
    def _overlap_below_size(self) -> IngestionSettings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError(
                f"ingestion.chunk_overlap ({self.chunk_overlap}) must be smaller than "
                f"ingestion.chunk_tokens ({self.chunk_tokens})"
            )
        return self


class RetrievalSettings(BaseModel):
    """Hybrid search: BM25 + vectors fused by reciprocal rank fusion."""

    top_k: int = Field(default=8, ge=1, le=1000)
    candidates: int = Field(default=100, ge=1, le=5000)
    rrf_k: int = Field(default=60, ge=1)
    keyword_weight: float = Field(default=1.0, ge=0)
    vector_weight: float = Field(default=1.0, ge=0)
    title_weight: float = Field(default=3.0, ge=0)
    heading_weight: float = Field(default=2.0, ge=0)
    feedback_chunks: int = Field(
        default=3,
        ge=0,
        description="hybrid: re-run vector search from the query moved towards the top "
        "chunks of the first pass (Rocchio pseudo-relevance feedback); 0 turns it off",
    )
    feedback_weight: float = Field(default=1.0, ge=0)
    ann_threshold: int = Field(
        default=100_000, ge=0, description="vectors above which an HNSW index is used"
    )
    ann_expansion: int = Field(default=128, ge=8)
