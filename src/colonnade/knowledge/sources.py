"""Sources of documents: a folder (recursive, glob include/exclude) or single files.

Connectors for Blob storage, S3 or SharePoint implement the same ``Source`` port.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath

from colonnade.errors import DocumentError, InvalidInput
from colonnade.knowledge.limits import current_limits, json_depth
from colonnade.knowledge.ports import SourceItem

__all__ = ["FileSource", "FolderSource", "UploadSource", "glob_match", "open_source"]

SIDECAR_SUFFIX = ".meta.json"


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(relative_path: str, pattern: str) -> bool:
    """Match a POSIX relative path against a glob where ``**`` spans folders."""
    return _glob_regex(pattern).match(relative_path) is not None


def _item(path: Path, stat: os.stat_result) -> SourceItem:
    return SourceItem(
        uri=path.resolve().as_uri(),
        name=path.name,
        size_bytes=stat.st_size,
        modified_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
    )


def _path_of(item: SourceItem) -> Path:
    return Path(item.uri.removeprefix("file://"))


class _FileSystemSource:
    def read(self, item: SourceItem) -> bytes:
        path = _path_of(item)
        try:
            return path.read_bytes()
        except PermissionError as exc:
            raise DocumentError("unreadable", f"permission denied reading {path}") from exc
        except FileNotFoundError as exc:
            raise DocumentError("unreadable", f"{path} disappeared during ingestion") from exc
        except OSError as exc:
            raise DocumentError("unreadable", f"cannot read {path}: {exc.strerror}") from exc

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        """Metadata from ``<file>.meta.json`` beside the file, if present."""
        sidecar = _path_of(item).with_name(item.name + SIDECAR_SUFFIX)
        if not sidecar.is_file():
            return {}
        try:
            raw = sidecar.read_text(encoding="utf-8")
            limits = current_limits()
            if json_depth(raw, limits.max_metadata_depth) > limits.max_metadata_depth:
                raise DocumentError(
                    "bad_metadata",
                    f"{sidecar.name} nests deeper than {limits.max_metadata_depth} levels: "
                    "flatten it (ingestion.max_metadata_depth)",
                )
            data = json.loads(raw)
        except (OSError, ValueError) as exc:
            raise DocumentError(
                "bad_metadata", f"{sidecar.name} is not valid JSON: fix or remove it ({exc})"
            ) from exc
        if not isinstance(data, dict):
            raise DocumentError("bad_metadata", f"{sidecar.name} must hold a JSON object")
        return data


class FolderSource(_FileSystemSource):
    """Every file under a folder whose relative path matches include and not exclude."""

    def __init__(
        self, root: Path, include: Sequence[str] = ("**/*",), exclude: Sequence[str] = ()
    ) -> None:
        if not root.is_dir():
            raise InvalidInput(f"{root} is not a folder")
        self.root = root.resolve()
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.unreadable: list[tuple[str, str]] = []

    @property
    def scope(self) -> str:
        return self.root.as_uri() + "/"

    @property
    def complete_listing(self) -> bool:
        return not self.unreadable

    def _wanted(self, rel: str) -> bool:
        if not any(glob_match(rel, p) for p in self.include):
            return False
        return not any(glob_match(rel, p) for p in self.exclude)

    def items(self) -> Iterator[SourceItem]:
        self.unreadable = []

        def on_error(exc: OSError) -> None:
            self.unreadable.append((str(exc.filename), exc.strerror or str(exc)))

        for dirpath, dirnames, filenames in os.walk(self.root, onerror=on_error):
            dirnames.sort()
            base = Path(dirpath)
            for name in sorted(filenames):
                path = base / name
                rel = path.relative_to(self.root).as_posix()
                if not self._wanted(rel):
                    continue
                try:
                    stat = path.stat()
                except OSError as exc:
                    self.unreadable.append((str(path), exc.strerror or str(exc)))
                    continue
                if not path.is_file():
                    continue
                yield _item(path, stat)


class FileSource(_FileSystemSource):
    """Explicit files; never deletes anything it does not list."""

    def __init__(self, paths: Sequence[Path]) -> None:
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise InvalidInput(f"not a file: {', '.join(missing)}")
        self.paths = [p.resolve() for p in paths]

    @property
    def scope(self) -> str:
        return ""

    @property
    def complete_listing(self) -> bool:
        return False

    def items(self) -> Iterator[SourceItem]:
        for path in self.paths:
            yield _item(path, path.stat())


class UploadSource:
    """Files sent over the API, held in memory; ``upload://NAME`` so a re-upload updates."""

    def __init__(
        self,
        files: Sequence[tuple[str, bytes]],
        metadata: dict[str, object] | None = None,
        *,
        modified_at: datetime | None = None,
    ) -> None:
        self._data: dict[str, bytes] = {}
        for name, data in files:
            safe = PurePosixPath(name.replace("\\", "/")).name
            if not safe or safe in (".", ".."):
                raise InvalidInput(f"upload {name!r} has no usable file name")
            self._data[safe] = data
        self.metadata = dict(metadata or {})
        self.modified_at = modified_at or datetime.now(UTC)
        self.uris: dict[str, str] = {}  # name -> source URI, where not upload://NAME

    @property
    def names(self) -> list[str]:
        return list(self._data)

    @property
    def scope(self) -> str:
        return ""

    @property
    def complete_listing(self) -> bool:
        return False

    def items(self) -> Iterator[SourceItem]:
        for name, data in self._data.items():
            uri = self.uris.get(name, f"upload://{name}")
            yield SourceItem(uri, name, len(data), self.modified_at)

    def read(self, item: SourceItem) -> bytes:
        return self._data[item.name]

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        return dict(self.metadata)


def open_source(
    path: Path, include: Sequence[str] = ("**/*",), exclude: Sequence[str] = ()
) -> FolderSource | FileSource:
    """A folder source for a directory, a file source for a file."""
    if path.is_dir():
        return FolderSource(path, include, exclude)
    if path.is_file():
        return FileSource([path])
    raise InvalidInput(f"{path} does not exist: give a folder or a file to ingest")
