"""Plain text, and the text decoding every text-based parser shares."""

from __future__ import annotations

import re

from colonnade.errors import DocumentError
from colonnade.knowledge.models import Block, ParsedDocument

__all__ = ["PlainTextParser", "decode_text", "paragraphs"]

_PARAGRAPH = re.compile(r"\n\s*\n")


def decode_text(data: bytes, name: str) -> str:
    """Decode text, refusing binary content hidden under a text extension."""
    if not data.strip():
        raise DocumentError("empty", f"{name} is empty")
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("binary", f"{name} holds binary data, not text: check its extension")
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise DocumentError("binary", f"{name} holds binary data, not text: check its extension")
    if not text.strip():
        raise DocumentError("empty", f"{name} has no text")
    return text


def paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH.split(text) if p.strip()]


class PlainTextParser:
    doc_type: str = "text"
    extensions: tuple[str, ...] = (".txt", ".text", ".rst", ".log")

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        text = decode_text(data, name)
        blocks = [Block(p) for p in paragraphs(text)]
        title = blocks[0].text.split("\n", 1)[0][:120] if blocks else name
        return ParsedDocument(title=title, blocks=blocks, doc_type=self.doc_type)
