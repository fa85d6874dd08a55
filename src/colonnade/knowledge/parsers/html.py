"""HTML via BeautifulSoup: headings, paragraphs, lists and tables in document order."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from colonnade.errors import DocumentError
from colonnade.knowledge.models import Block, ParsedDocument
from colonnade.knowledge.parsers.tables import table_blocks
from colonnade.knowledge.parsers.text import decode_text

__all__ = ["HtmlParser"]

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = ("p", "li", "pre", "blockquote", "table", "dt", "dd", "figcaption")
_DROP = ("script", "style", "noscript", "nav", "template", "svg", "form")


def table_rows(table: Tag) -> list[list[str]]:
    rows = []
    for tr in table.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(("th", "td"))]
        if any(cells):
            rows.append(cells)
    return rows


class HtmlParser:
    doc_type: str = "html"
    extensions: tuple[str, ...] = (".html", ".htm", ".xhtml")

    def parse(self, data: bytes, name: str) -> ParsedDocument:
        soup = BeautifulSoup(decode_text(data, name), "html.parser")
        for tag in soup.find_all(_DROP):
            tag.decompose()
        meta: dict[str, object] = {}
        for m in soup.find_all("meta"):
            key, value = m.get("name"), m.get("content")
            if isinstance(key, str) and isinstance(value, str):
                meta[key.lower()] = value
        root = soup.body or soup
        blocks: list[Block] = []
        stack: list[tuple[int, str]] = []
        h1 = root.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else ""
        if not title and soup.title:
            title = soup.title.get_text(strip=True)
        for el in root.find_all((*_HEADINGS, *_BLOCKS)):
            if el.name in _HEADINGS:
                level = int(el.name[1])
                text = el.get_text(" ", strip=True)
                stack = [(lv, h) for lv, h in stack if lv < level] + [(level, text)]
                if not title and level == 1:
                    title = text
                blocks.append(Block(text, tuple(h for _, h in stack), is_heading=True))
                continue
            if el.find_parent(_BLOCKS) is not None:
                continue  # nested inside a block we already take whole
            if el.name == "table":
                blocks.extend(table_blocks(table_rows(el), tuple(h for _, h in stack)))
                continue
            text = el.get_text(" ", strip=True)
            if el.name == "pre":
                text = el.get_text()
            if text.strip():
                blocks.append(Block(text, tuple(h for _, h in stack)))
        if not blocks:
            text = root.get_text("\n", strip=True)
            if not text:
                raise DocumentError("empty", f"{name} has no text")
            blocks = [Block(text)]
        return ParsedDocument(
            title=title or name.rsplit(".", 1)[0],
            blocks=blocks,
            doc_type=self.doc_type,
            metadata=meta,
        )
