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
        description="sqlite:///path/to.db; defaults to DATA_DIR/colonnade.db",
    )

    def sqlite_path(self) -> Path:
        if self.database_url is None:
            return self.data_dir / "colonnade.db"
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(
                f"unsupported database_url {self.database_url!r}: use sqlite:///PATH "
                "(the PostgreSQL adapter is configured separately)"
            )
        return Path(self.database_url[len(prefix) :])
