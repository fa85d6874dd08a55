"""Limits on what one document may cost before and while it is parsed.

Zip-based formats (DOCX, XLSX, PPTX) are inspected before their parser opens
them: the central directory's member count, declared sizes and per-member
compression ratios, then every member is inflated in bounded pieces, so a
member whose header lies about its size is caught by what it really inflates
to. Nested archives are inspected the same way, counted against the same
total. OOXML never carries a DTD, so an XML member declaring entities is
refused (billion-laughs). Metadata (front matter, sidecars, upload fields) is
bounded in depth and serialized size, scanned without recursion.

The limits in force come from ``ingestion`` settings; the ingestor sets them
for the document it prepares (a context variable, so parsers keep their
``parse(data, name)`` signature) and parsers call :func:`guard_zip` first.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml

from colonnade.errors import DocumentError

__all__ = [
    "ContentLimits",
    "check_metadata",
    "content_limits",
    "current_limits",
    "guard_zip",
    "json_depth",
    "load_yaml",
    "using_limits",
]

_PIECE = 1 << 20  # inflate 1 MiB at a time
_ENTITY = b"<!ENTITY"
_NESTED_DEPTH = 3  # archives inside archives inspected this deep; deeper ones are refused


@dataclass(frozen=True, slots=True)
class ContentLimits:
    """What one document may expand to; the defaults are generous for real office files."""

    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_zip_ratio: float = 100.0
    max_zip_members: int = 5_000
    ratio_floor_bytes: int = 1024 * 1024  # members inflating to less are not ratio-checked
    max_metadata_bytes: int = 64 * 1024
    max_metadata_depth: int = 32
    max_metadata_nodes: int = 10_000
    max_seconds_per_document: float = 120.0
    max_chunks_per_document: int = 10_000


def content_limits(settings: Any) -> ContentLimits:
    """The limits named in ``ingestion`` settings (an ``IngestionSettings``)."""
    fields = ContentLimits.__dataclass_fields__
    return ContentLimits(**{k: getattr(settings, k) for k in fields if hasattr(settings, k)})


_DEFAULT = ContentLimits()
_LIMITS: ContextVar[ContentLimits | None] = ContextVar("colonnade_content_limits", default=None)


def current_limits() -> ContentLimits:
    return _LIMITS.get() or _DEFAULT


@contextmanager
def using_limits(limits: ContentLimits) -> Iterator[None]:
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


def _bomb(name: str, why: str, setting: str) -> DocumentError:
    return DocumentError(
        "too_large",
        f"{name} was refused before parsing: {why} (a decompression bomb? "
        f"raise ingestion.{setting} if the file is genuine)",
    )


def guard_zip(data: bytes, name: str) -> None:
    """Refuse a zip package that would inflate past the limits; a no-op for non-zips
    (the parser then reports the file as unreadable)."""
    if not data.startswith(b"PK"):
        return
    _guard(data, name, current_limits(), [0], depth=0)


def _guard(data: bytes, name: str, limits: ContentLimits, total: list[int], depth: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip after all: the parser reports it as corrupt
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_zip_members:
            raise _bomb(
                name,
                f"it holds {len(members):,} archive members, over {limits.max_zip_members:,}",
                "max_zip_members",
            )
        declared = sum(m.file_size for m in members)
        if total[0] + declared > limits.max_unzipped_bytes:
            raise _bomb(
                name,
                f"it declares {declared:,} bytes uncompressed, over {limits.max_unzipped_bytes:,}",
                "max_unzipped_bytes",
            )
        for member in members:
            _check_ratio(name, member.filename, member.file_size, member.compress_size, limits)
        for member in members:
            if not member.is_dir():
                _inflate(archive, member, name, limits, total, depth)


def _check_ratio(name: str, member: str, size: int, packed: int, limits: ContentLimits) -> None:
    if size > limits.ratio_floor_bytes and size > limits.max_zip_ratio * max(packed, 1):
        raise _bomb(
            name,
            f"its member {member} inflates {size / max(packed, 1):,.0f} times, over "
            f"{limits.max_zip_ratio:g}",
            "max_zip_ratio",
        )


def _inflate(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    name: str,
    limits: ContentLimits,
    total: list[int],
    depth: int,
) -> None:
    """Inflate one member in bounded pieces: what it really expands to, whatever its
    header says. Keeps the member only when it is itself an archive to inspect."""
    size = 0
    head = b""
    nested: list[bytes] | None = None
    tail = b""
    try:
        with archive.open(member) as stream:
            # zipfile stops at the declared size and then fails the CRC check, so a header
            # that under-declares is caught there; one that over-declares is bounded here
            while piece := stream.read(_PIECE):
                if not head:
                    head = piece[:4]
                    nested = [] if head.startswith(b"PK\x03\x04") else None
                size += len(piece)
                total[0] += len(piece)
                if total[0] > limits.max_unzipped_bytes:
                    raise _bomb(
                        name,
                        f"it inflates to over {limits.max_unzipped_bytes:,} bytes",
                        "max_unzipped_bytes",
                    )
                _check_ratio(name, member.filename, size, member.compress_size, limits)
                if _ENTITY in tail + piece[: len(_ENTITY)] or _ENTITY in piece:
                    raise DocumentError(
                        "corrupt",
                        f"{name}: {member.filename} declares XML entities, which office "
                        "files never do (an entity-expansion bomb?)",
                    )
                tail = piece[-len(_ENTITY) :]
                if nested is not None:
                    nested.append(piece)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise DocumentError(
            "corrupt", f"{name} is a damaged archive: {member.filename} ({exc})"
        ) from exc
    if nested is not None:
        if depth + 1 >= _NESTED_DEPTH:
            raise _bomb(name, "it nests archives more than three deep", "max_zip_members")
        _guard(b"".join(nested), name, limits, total, depth + 1)


def json_depth(text: str | bytes, limit: int) -> int:
    """How deep the arrays and objects of a JSON text nest, measured without parsing it
    (and so without recursion); anything over ``limit`` may be reported as ``limit + 1``.

    Strings are cut out first, then only the brackets are kept: both steps and the
    running sum (numpy) run in C, so a 1 MiB body costs milliseconds."""
    raw = text.encode() if isinstance(text, str) else text
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return min(limit, raw.count(b"[") + raw.count(b"{"))
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    if len(brackets) <= limit:
        return len(brackets)
    steps = np.frombuffer(brackets.translate(_STEP), dtype=np.int8)  # [{ -> 1, ]} -> -1
    deepest = int(np.cumsum(steps, dtype=np.int64).max())
    return min(deepest, limit + 1)


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, unrolled
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def _measure(value: Any, name: str) -> tuple[int, int, int]:
    """(depth, values, bytes) of ``value`` as it would be written out, shared parts counted
    every time they appear; iterative, memoised by identity, refusing cycles."""
    done: dict[int, tuple[int, int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, expanded = stack.pop()
        if not isinstance(item, dict | list | tuple | set):
            continue
        key = id(item)
        children = list(item.items()) if isinstance(item, dict) else list(item)
        if expanded:
            active.discard(key)
            depth, count, size = 1, 1, 2
            for child in children:
                parts = child if isinstance(item, dict) else (child,)
                for part in parts:
                    if isinstance(part, dict | list | tuple | set):
                        d, c, b = done[id(part)]
                    else:
                        d, c, b = 0, 1, len(str(part)) + 3
                    depth, count, size = max(depth, d + 1), count + c, size + b
            done[key] = (depth, count, size)
            continue
        if key in done:
            continue
        if key in active:
            raise DocumentError("bad_metadata", f"{name}: metadata refers to itself")
        active.add(key)
        stack.append((item, True))
        for child in children:
            for part in child if isinstance(item, dict) else (child,):
                if isinstance(part, dict | list | tuple | set) and id(part) not in done:
                    stack.append((part, False))
    if isinstance(value, dict | list | tuple | set):
        return done[id(value)]
    return 0, 1, len(str(value))


def check_metadata(metadata: dict[str, Any], name: str) -> None:
    """Refuse metadata nested too deep, with too many values or too big once written out
    (aliases and shared values expanded), saying what to fix."""
    limits = current_limits()
    depth, count, size = _measure(metadata, name)
    if depth > limits.max_metadata_depth:
        raise DocumentError(
            "bad_metadata",
            f"{name}: metadata nests {depth:,} levels deep, over {limits.max_metadata_depth}: "
            "flatten it (ingestion.max_metadata_depth)",
        )
    if count > limits.max_metadata_nodes:
        raise DocumentError(
            "bad_metadata",
            f"{name}: metadata expands to {count:,} values, over "
            f"{limits.max_metadata_nodes:,}: keep metadata to a few fields "
            "(ingestion.max_metadata_nodes)",
        )
    if size > limits.max_metadata_bytes:
        raise DocumentError(
            "bad_metadata",
            f"{name}: metadata is about {size:,} bytes written out, over the limit of "
            f"{limits.max_metadata_bytes:,}: keep metadata to a few short fields "
            "(ingestion.max_metadata_bytes)",
        )


def load_yaml(text: str, name: str) -> Any:
    """``yaml.safe_load`` that first measures the composed node graph with every alias and
    merge key expanded, so an alias bomb, a self-referring anchor or a merge-key doubling
    chain is refused before PyYAML builds anything from it."""
    limits = current_limits()
    # flow collections ([ and {) deeper than allowed are refused before PyYAML's scanner,
    # which slows down with every open level
    if json_depth(text, limits.max_metadata_depth) > limits.max_metadata_depth:
        raise DocumentError(
            "bad_metadata",
            f"{name}: front matter nests deeper than {limits.max_metadata_depth} levels: "
            "flatten it (ingestion.max_metadata_depth)",
        )
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError as exc:  # PyYAML composes nested collections recursively
            raise DocumentError(
                "bad_metadata",
                f"{name}: front matter nests too deep to read: flatten it "
                "(ingestion.max_metadata_depth)",
            ) from exc
        if node is None:
            return None
        _check_nodes(node, name, limits)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, name: str, limits: ContentLimits) -> None:
    done: dict[int, tuple[int, int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            return [part for pair in node.value for part in pair]
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return []

    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if expanded:
            active.discard(key)
            depth, count, size = 1, 1, len(node.value) if isinstance(node.value, str) else 2
            for child in children(node):
                d, c, b = done[id(child)]
                depth, count, size = max(depth, d + 1), count + c, size + b
            done[key] = (depth, count, size)
            if count > limits.max_metadata_nodes or size > limits.max_metadata_bytes:
                raise DocumentError(
                    "bad_metadata",
                    f"{name}: front matter expands to over {limits.max_metadata_nodes:,} "
                    f"values or {limits.max_metadata_bytes:,} bytes (YAML aliases?): write "
                    "the values out once (ingestion.max_metadata_nodes, max_metadata_bytes)",
                )
            if depth > limits.max_metadata_depth:
                raise DocumentError(
                    "bad_metadata",
                    f"{name}: front matter nests deeper than {limits.max_metadata_depth} "
                    "levels: flatten it (ingestion.max_metadata_depth)",
                )
            continue
        if key in done:
            continue
        if key in active:
            raise DocumentError(
                "bad_metadata", f"{name}: front matter refers to itself (a recursive YAML alias)"
            )
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children(node) if id(child) not in done)
