"""Markdown via markdown-it-py: headings become the heading path, blocks keep their source text."""

from __future__ import annotations

from typing import Any

import yaml
from markdown_it import MarkdownIt

from colonnade.errors import DocumentError
from colonnade.knowledge.limits import load_yaml
from colonnade.knowledge.models import Block, ParsedDocument
from colonnade.knowledge.parsers.text import decode_text

__all__ = ["MarkdownParser", "split_front_matter"]


def split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """YAML front matter between ``---`` lines at the top, and the rest."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end == -1:
        return {}, text
    try:
        meta = load_yaml(text[3:end], name) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(
            "bad_metadata", f"{name}: front matter is not valid YAML ({exc})"
        ) from exc
    if not isinstance(meta, dict):
        raise DocumentError("bad_metadata", f"{name}: front matter must be a YAML mapping")
    rest = text[end + 4 :]
    return meta, rest.split("\n", 1)[1] if "\n" in rest else ""


class MarkdownParser:
    doc_type: str = "markdown"
    extensions: tuple[str, ...] = (".md", ".markdown", ".mdx")

    def __init__(self) -> None:
        self._md = MarkdownIt("commonmark").enable("table")

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        meta, text = split_front_matter(decode_text(data, name), name)
        lines = text.split("\n")
        tokens = self._md.parse(text)
        blocks: list[Block] = []
        stack: list[tuple[int, str]] = []
        title: str | None = str(meta["title"]) if "title" in meta else None
        for i, tok in enumerate(tokens):
            if tok.level != 0 or tok.nesting == -1 or tok.map is None or tok.type == "hr":
                continue
            if tok.type == "heading_open":
                level = int(tok.tag[1:])
                heading = tokens[i + 1].content.strip()
                stack = [(lv, h) for lv, h in stack if lv < level] + [(level, heading)]
                if title is None and level == 1:
                    title = heading
                blocks.append(Block(heading, tuple(h for _, h in stack), is_heading=True))
                continue
            start, end = tok.map
            body = "\n".join(lines[start:end]).strip()
            if body:
                blocks.append(Block(body, tuple(h for _, h in stack)))
        if not blocks:
            raise DocumentError("empty", f"{name} has no text")
        return ParsedDocument(
            title=title or name.rsplit(".", 1)[0],
            blocks=blocks,
            doc_type=self.doc_type,
            metadata=meta,
        )
