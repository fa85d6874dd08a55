"""Parsers by file type, each a small class behind the ``Parser`` port."""

from __future__ import annotations

from pathlib import PurePosixPath

from colonnade.errors import DocumentError
from colonnade.knowledge.parsers.docx import DocxParser
from colonnade.knowledge.parsers.html import HtmlParser
from colonnade.knowledge.parsers.markdown import MarkdownParser
from colonnade.knowledge.parsers.pdf import PdfParser
from colonnade.knowledge.parsers.tabular import CsvParser, PptxParser, XlsxParser
from colonnade.knowledge.parsers.text import PlainTextParser
from colonnade.knowledge.ports import Parser

__all__ = ["ParserRegistry", "default_parsers"]


class ParserRegistry:
    """Picks a parser by file extension."""

    def __init__(self, parsers: list[Parser]) -> None:
        self._by_ext: dict[str, Parser] = {}
        for parser in parsers:
            for ext in parser.extensions:
                self._by_ext[ext] = parser

    def for_name(self, name: str) -> Parser:
        ext = PurePosixPath(name).suffix.lower()
        parser = self._by_ext.get(ext)
        if parser is None:
            known = ", ".join(sorted(self._by_ext))
            raise DocumentError(
                "unsupported", f"no parser for '{ext or name}' files (supported: {known})"
            )
        return parser

    def supports(self, name: str) -> bool:
        return PurePosixPath(name).suffix.lower() in self._by_ext

    @property
    def extensions(self) -> list[str]:
        return sorted(self._by_ext)


def default_parsers() -> ParserRegistry:
    return ParserRegistry(
        [
            PlainTextParser(),
            MarkdownParser(),
            HtmlParser(),
            PdfParser(),
            DocxParser(),
            PptxParser(),
            XlsxParser(),
            CsvParser(),
        ]
    )
