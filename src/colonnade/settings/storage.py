"""Where the embedded default keeps its state."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

__all__ = ["StorageSettings"]


class StorageSettings(BaseModel):
    """Where the embedded default keeps its state."""

    data_dir: Path = Path(".colonnade")
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path/to.db or postgresql://user@host/db; "
        "defaults to DATA_DIR/colonnade.db",
    )
    pool_size: int = Field(
        default=10, ge=1, le=1000, description="PostgreSQL connections per process"
    )

    def is_postgres(self) -> bool:
        return (self.database_url or "").startswith(("postgresql://", "postgres://"))

    def sqlite_path(self) -> Path:
        if self.database_url is None or self.is_postgres():
            # with PostgreSQL, only the stores without a PostgreSQL adapter use this file
            return self.data_dir / "colonnade.db"
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(
                f"unsupported database_url {self.database_url!r}: use sqlite:///PATH "
                "or postgresql://USER@HOST/DATABASE"
            )
        return Path(self.database_url[len(prefix) :])
