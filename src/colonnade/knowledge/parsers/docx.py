"""DOCX via python-docx: heading styles become the heading path; tables keep their rows."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from colonnade.errors import DocumentError
from colonnade.knowledge.limits import guard_zip
from colonnade.knowledge.models import Block, ParsedDocument
from colonnade.knowledge.parsers.tables import table_blocks

__all__ = ["DocxParser"]


def _heading_level(paragraph: Paragraph) -> int | None:
    style = paragraph.style.name if paragraph.style is not None else ""
    if style == "Title":
        return 0
    if style and style.startswith("Heading"):
        digits = style.removeprefix("Heading").strip()
        return int(digits) if digits.isdigit() else 1
    return None


class DocxParser:
    doc_type: str = "docx"
    extensions: tuple[str, ...] = (".docx",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        if not data.strip():
            raise DocumentError("empty", f"{name} is empty")
        guard_zip(data, name)
        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise DocumentError("corrupt", f"{name} is not a readable DOCX file ({exc})") from exc
        title = document.core_properties.title or ""
        blocks: list[Block] = []
        stack: list[tuple[int, str]] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = [[c.text.strip() for c in row.cells] for row in item.rows]
                blocks.extend(table_blocks(rows, tuple(h for _, h in stack)))
                continue
            text = item.text.strip()
            if not text:
                continue
            level = _heading_level(item)
            if level is None:
                blocks.append(Block(text, tuple(h for _, h in stack)))
                continue
            if level == 0 or (not title and level == 1):
                title = title or text
            stack = [(lv, h) for lv, h in stack if lv < level] + [(level, text)]
            blocks.append(Block(text, tuple(h for _, h in stack), is_heading=True))
        if not blocks:
            raise DocumentError("empty", f"{name} has no text")
        return ParsedDocument(
            title=title or name.rsplit(".", 1)[0], blocks=blocks, doc_type=self.doc_type
        )
