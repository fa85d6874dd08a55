"""PDF as a reader sees it: paragraphs, headings and tables, page numbers kept.

pypdf checks the file (damaged, encrypted) and reads its metadata; pdfplumber reads the
layout: tables with their cell boundaries, and lines with their font size and position.
Lines are reflowed into paragraphs (a line break inside a paragraph becomes a space, a
word hyphenated across lines is joined), lines set larger or bold and short become headings,
and running headers and footers repeated on most pages are dropped.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from colonnade.errors import DocumentError
from colonnade.knowledge.cleaning import furniture_key, repeated_lines
from colonnade.knowledge.models import Block, ParsedDocument
from colonnade.knowledge.parsers.tables import table_blocks

__all__ = ["PdfParser", "reflow"]

logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_BULLET = re.compile(r"^([•▪◦·\-–*]|\d{1,2}[.)]|[a-z][.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;]$")


@dataclass(slots=True)
class _Line:
    text: str
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(slots=True)
class _Item:
    top: float
    kind: str  # "line" or "table"
    line: _Line | None = None
    rows: list[list[Any]] | None = None


def reflow(lines: list[str]) -> str:
    """Join the lines of one paragraph: spaces between lines, hyphenated words mended."""
    text = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if not text:
            text = line
        elif re.search(r"[^\W\d_]-$", text) and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return text


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_items(page: Any) -> list[_Item]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items = [_Item(t.bbox[1], "table", rows=t.extract()) for t in tables]
    text_page = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars or not line["text"].strip():
            continue
        size = Counter(round(float(c["size"]), 1) for c in chars).most_common(1)[0][0]
        bold = sum("bold" in str(c.get("fontname", "")).lower() for c in chars) > len(chars) / 2
        items.append(
            _Item(
                float(line["top"]),
                "line",
                line=_Line(line["text"].strip(), line["top"], line["bottom"], size, bold),
            )
        )
    items.sort(key=lambda it: it.top)
    return items


def _is_heading(line: _Line, body: float) -> bool:
    text = line.text
    if len(text) > 90 or _SENTENCE_END.search(text) or _BULLET.match(text):
        return False
    return line.size > body * 1.08 or (line.bold and line.size >= body * 0.95)


def _flush(
    paragraph: list[str], stack: list[tuple[int, str]], page: int, blocks: list[Block]
) -> None:
    text = reflow(paragraph)
    if text:
        blocks.append(Block(text, tuple(h for _, h in stack), page=page))
    paragraph.clear()


class PdfParser:
    doc_type: str = "pdf"
    extensions: tuple[str, ...] = (".pdf",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        if not data.strip():
            raise DocumentError("empty", f"{name} is empty")
        if not data.lstrip().startswith(b"%PDF"):
            raise DocumentError("corrupt", f"{name} is not a PDF file (no %PDF header)")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentError(
                    "encrypted", f"{name} is password-protected: ingest an unprotected copy"
                )
            info = reader.metadata
            title = str(info.title) if info is not None and info.title else ""
            pages = self._layout(data)
        except DocumentError:
            raise
        except FileNotDecryptedError as exc:
            raise DocumentError(
                "encrypted", f"{name} is password-protected: ingest an unprotected copy"
            ) from exc
        except Exception as exc:  # pdfminer raises its own tree and plain exceptions alike
            if isinstance(exc, PdfReadError | PyPdfError) or "pdf" in type(exc).__module__:
                raise DocumentError(
                    "corrupt", f"{name} is damaged and cannot be read ({exc})"
                ) from exc
            if isinstance(exc, ValueError | KeyError | TypeError | OSError):
                raise DocumentError(
                    "corrupt", f"{name} is damaged and cannot be read ({exc})"
                ) from exc
            raise
        blocks, first_heading = self._blocks(pages)
        if not blocks:
            raise DocumentError(
                "empty", f"{name} has no extractable text (a scan? OCR is not enabled)"
            )
        if not title:
            title = first_heading or blocks[0].text.split("\n", 1)[0][:120]
        return ParsedDocument(title=title, blocks=blocks, doc_type=self.doc_type)

    @staticmethod
    def _layout(data: bytes) -> list[list[_Item]]:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_page_items(page) for page in pdf.pages]

    def _blocks(self, pages: list[list[_Item]]) -> tuple[list[Block], str]:
        furniture = repeated_lines(
            [[it.line.text for it in items if it.line is not None] for items in pages]
        )
        sizes: Counter[float] = Counter()
        for items in pages:
            for it in items:
                if it.line is not None:
                    sizes[it.line.size] += len(it.line.text)
        body = sizes.most_common(1)[0][0] if sizes else 0.0
        heading_sizes = sorted({s for s in sizes if s > body * 1.08}, reverse=True)
        blocks: list[Block] = []
        stack: list[tuple[int, str]] = []
        first_heading = ""
        for number, items in enumerate(pages, start=1):
            lines = [it.line.text for it in items if it.line is not None]
            edges = set(range(2)) | set(range(len(lines) - 2, len(lines)))
            paragraph: list[str] = []
            previous: _Line | None = None
            index = -1

            for it in items:
                if it.rows is not None:
                    _flush(paragraph, stack, number, blocks)
                    blocks.extend(table_blocks(it.rows, tuple(h for _, h in stack), page=number))
                    previous = None
                    continue
                line = it.line
                assert line is not None
                index += 1
                if index in edges and furniture_key(line.text) in furniture:
                    continue
                if _is_heading(line, body):
                    _flush(paragraph, stack, number, blocks)
                    level = (
                        heading_sizes.index(line.size) + 1
                        if line.size in heading_sizes
                        else len(heading_sizes) + 1
                    )
                    stack = [(lv, h) for lv, h in stack if lv < level] + [(level, line.text)]
                    first_heading = first_heading or line.text
                    blocks.append(
                        Block(line.text, tuple(h for _, h in stack), number, is_heading=True)
                    )
                    previous = None
                    continue
                if previous is not None:
                    height = max(previous.bottom - previous.top, 1.0)
                    gap = line.top - previous.bottom
                    if gap > 0.8 * height or _BULLET.match(line.text):
                        _flush(paragraph, stack, number, blocks)
                paragraph.append(line.text)
                previous = line
            _flush(paragraph, stack, number, blocks)
        return blocks, first_heading
