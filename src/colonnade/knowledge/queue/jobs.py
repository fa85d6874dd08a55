"""An ingestion job: the files to apply, carried whole so any worker can apply them."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from colonnade.errors import InvalidInput
from colonnade.knowledge.ports import Source, SourceItem

__all__ = ["IngestJob", "JobFile", "JobSource", "job_from_source"]


@dataclass(frozen=True, slots=True)
class JobFile:
    uri: str
    name: str
    data: bytes
    modified_at: datetime | None = None
    metadata: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class IngestJob:
    collection: str
    files: list[JobFile]
    tenant: str = "default"
    # a folder's scope and whether the job lists all of it: absent files are deleted
    scope: str = ""
    complete_listing: bool = False
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    enqueued_at: float = field(default_factory=time.time)
    actor: str = ""  # who queued it, for the ingest history

    def queued_status(self) -> dict[str, Any]:
        return {
            "state": "queued",
            "tenant": self.tenant,
            "collection": self.collection,
            "total": len(self.files),
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "collection": self.collection,
                "tenant": self.tenant,
                "scope": self.scope,
                "complete_listing": self.complete_listing,
                "enqueued_at": self.enqueued_at,
                "actor": self.actor,
                "files": [
                    {
                        "uri": f.uri,
                        "name": f.name,
                        "data": base64.b64encode(f.data).decode(),
                        "modified_at": f.modified_at.isoformat() if f.modified_at else None,
                        "metadata": f.metadata,
                    }
                    for f in self.files
                ],
            },
            default=str,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> IngestJob:
        raw: dict[str, Any] = json.loads(text)
        return cls(
            id=raw["id"],
            collection=raw["collection"],
            tenant=raw["tenant"],
            scope=raw["scope"],
            complete_listing=raw["complete_listing"],
            enqueued_at=raw["enqueued_at"],
            actor=raw.get("actor", ""),  # absent from jobs queued by an older Colonnade
            files=[
                JobFile(
                    f["uri"],
                    f["name"],
                    base64.b64decode(f["data"]),
                    datetime.fromisoformat(f["modified_at"]) if f["modified_at"] else None,
                    f["metadata"],
                )
                for f in raw["files"]
            ],
        )


class JobSource:
    """A job's files as a ``Source`` for the pipeline."""

    def __init__(self, job: IngestJob) -> None:
        self.job = job
        self._files = {f.uri: f for f in job.files}

    @property
    def scope(self) -> str:
        return self.job.scope

    @property
    def complete_listing(self) -> bool:
        return self.job.complete_listing

    def items(self) -> Iterator[SourceItem]:
        for f in self.job.files:
            yield SourceItem(f.uri, f.name, len(f.data), f.modified_at)

    def read(self, item: SourceItem) -> bytes:
        return self._files[item.uri].data

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        return dict(self._files[item.uri].metadata)


def job_from_source(
    source: Source,
    collection: str,
    *,
    tenant: str = "default",
    max_file_bytes: int,
    actor: str = "",
) -> IngestJob:
    """Read every file of ``source`` into one job (too-large files are refused up front)."""
    files: list[JobFile] = []
    for item in source.items():
        if item.size_bytes > max_file_bytes:
            raise InvalidInput(
                f"{item.uri} is {item.size_bytes} bytes, over ingestion.max_file_bytes "
                f"({max_file_bytes}): leave it out or raise the limit"
            )
        files.append(
            JobFile(
                item.uri,
                item.name,
                source.read(item),
                item.modified_at,
                source.sidecar_metadata(item),
            )
        )
    return IngestJob(
        collection=collection,
        files=files,
        tenant=tenant,
        scope=source.scope,
        complete_listing=source.complete_listing,
        actor=actor,
    )
