"""Slides and tables: PPTX (python-pptx), XLSX (openpyxl) and CSV (stdlib).

Rows stay a table: blocks of rows under the header row, as Markdown tables.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence

from colonnade.errors import DocumentError
from colonnade.knowledge.limits import guard_zip
from colonnade.knowledge.models import Block, ParsedDocument
from colonnade.knowledge.parsers.tables import table_blocks
from colonnade.knowledge.parsers.text import decode_text

__all__ = ["CsvParser", "PptxParser", "XlsxParser", "rows_to_blocks"]


def rows_to_blocks(rows: Iterable[Sequence[object]], heading: tuple[str, ...]) -> list[Block]:
    """Rows as Markdown table blocks, each under the header row."""
    return table_blocks(rows, heading)


class CsvParser:
    doc_type: str = "csv"
    extensions: tuple[str, ...] = (".csv", ".tsv")

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        text = decode_text(data, name)
        dialect: type[csv.Dialect] | csv.Dialect = (
            csv.excel_tab if name.lower().endswith(".tsv") else csv.excel
        )
        blocks = rows_to_blocks(csv.reader(io.StringIO(text), dialect), ())
        if not blocks:
            raise DocumentError("empty", f"{name} has a header but no rows")
        return ParsedDocument(title=name.rsplit(".", 1)[0], blocks=blocks, doc_type=self.doc_type)


class XlsxParser:
    doc_type: str = "xlsx"
    extensions: tuple[str, ...] = (".xlsx",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        import openpyxl

        guard_zip(data, name)
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise DocumentError("corrupt", f"{name} is not a readable XLSX file ({exc})") from exc
        blocks: list[Block] = []
        for sheet in book.worksheets:
            heading = (str(sheet.title),)
            blocks.append(Block(str(sheet.title), heading, is_heading=True))
            blocks.extend(rows_to_blocks(sheet.iter_rows(values_only=True), heading))
        book.close()
        if not any(not b.is_heading for b in blocks):
            raise DocumentError("empty", f"{name} has no rows")
        return ParsedDocument(title=name.rsplit(".", 1)[0], blocks=blocks, doc_type=self.doc_type)


class PptxParser:
    doc_type: str = "pptx"
    extensions: tuple[str, ...] = (".pptx",)

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        import pptx
        from pptx.exc import PackageNotFoundError

        guard_zip(data, name)
        try:
            deck = pptx.Presentation(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise DocumentError("corrupt", f"{name} is not a readable PPTX file ({exc})") from exc
        blocks: list[Block] = []
        title = ""
        for number, slide in enumerate(deck.slides, start=1):
            slide_title = ""
            if slide.shapes.title is not None and slide.shapes.title.has_text_frame:
                slide_title = slide.shapes.title.text_frame.text.strip()
            heading = (slide_title or f"Slide {number}",)
            title = title or slide_title
            blocks.append(Block(heading[0], heading, page=number, is_heading=True))
            for shape in slide.shapes:
                if shape == slide.shapes.title or not shape.has_text_frame:
                    continue
                text = shape.text_frame.text.strip()
                if text:
                    blocks.append(Block(text, heading, page=number))
        if not any(not b.is_heading for b in blocks):
            raise DocumentError("empty", f"{name} has no text")
        return ParsedDocument(
            title=title or name.rsplit(".", 1)[0], blocks=blocks, doc_type=self.doc_type
        )
