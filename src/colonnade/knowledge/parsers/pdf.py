"""PDF via pypdf: one block per paragraph, page numbers kept, headers and footers removed."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from colonnade.errors import DocumentError
from colonnade.knowledge.cleaning import remove_repeated_lines
from colonnade.knowledge.models import Block, ParsedDocument
from colonnade.knowledge.parsers.text import paragraphs

__all__ = ["PdfParser"]

logging.getLogger("pypdf").setLevel(logging.ERROR)


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
            pages = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata
            title = str(info.title) if info is not None and info.title else ""
        except DocumentError:
            raise
        except FileNotDecryptedError as exc:
            raise DocumentError(
                "encrypted", f"{name} is password-protected: ingest an unprotected copy"
            ) from exc
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
            raise DocumentError("corrupt", f"{name} is damaged and cannot be read ({exc})") from exc
        pages = remove_repeated_lines(pages)
        blocks = [
            Block(text=para, page=number)
            for number, page_text in enumerate(pages, start=1)
            for para in paragraphs(page_text.replace("\n \n", "\n\n"))
        ]
        if not blocks:
            raise DocumentError(
                "empty", f"{name} has no extractable text (a scan? OCR is not enabled)"
            )
        if not title:
            title = blocks[0].text.split("\n", 1)[0][:120]
        return ParsedDocument(title=title, blocks=blocks, doc_type=self.doc_type)
