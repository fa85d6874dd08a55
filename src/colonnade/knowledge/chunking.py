"""Structure-aware chunking: sections first, then paragraphs, then sentences, token-bounded.

Every chunk is an exact span of the document text (``text[start:end]``), so a
citation can point at characters. Chunks never cross a heading; consecutive
chunks of one section overlap by whole sentences up to ``overlap`` tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from colonnade.knowledge.models import Block, Chunk
from colonnade.knowledge.ports import TokenCounter

__all__ = ["RegexTokenCounter", "StructureChunker", "assemble_text"]

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
_WORD = re.compile(r"\w+|[^\w\s]")


class RegexTokenCounter:
    """Counts words and punctuation; a close, cheap stand-in for a WordPiece count."""

    def count(self, text: str) -> int:
        return int(len(_WORD.findall(text)) * 1.15) + 1


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    tokens: int
    page: int | None


def assemble_text(blocks: list[Block]) -> tuple[str, list[tuple[int, int]]]:
    """Join blocks with blank lines; return the text and each block's span."""
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    pos = 0
    for block in blocks:
        spans.append((pos, pos + len(block.text)))
        parts.append(block.text)
        pos += len(block.text) + 2
    return "\n\n".join(parts), spans


class StructureChunker:
    def __init__(self, counter: TokenCounter, max_tokens: int = 200, overlap: int = 40) -> None:
        if overlap >= max_tokens:
            raise ValueError("overlap must be smaller than max_tokens")
        self.counter = counter
        self.max_tokens = max_tokens
        self.overlap = overlap

    def chunk(self, blocks: list[Block]) -> tuple[str, list[Chunk]]:
        text, spans = assemble_text(blocks)
        sections: list[tuple[tuple[str, ...], list[_Unit]]] = []
        current: tuple[str, ...] | None = None
        for block, (start, end) in zip(blocks, spans, strict=True):
            if block.is_heading:
                current = None
                continue
            if current != block.heading_path or not sections:
                current = block.heading_path
                sections.append((current, []))
            sections[-1][1].extend(self._units(text, start, end, block.page))
        chunks: list[Chunk] = []
        for heading_path, units in sections:
            self._pack(text, heading_path, units, chunks)
        if not chunks and text.strip():  # a document made of headings only
            chunks.append(
                Chunk(0, text, (), blocks[0].page, 0, len(text), self.counter.count(text))
            )
        return text, chunks

    def _units(self, text: str, start: int, end: int, page: int | None) -> list[_Unit]:
        tokens = self.counter.count(text[start:end])
        if tokens <= self.max_tokens:
            return [_Unit(start, end, tokens, page)]
        units: list[_Unit] = []
        pos = start
        for match in _SENTENCE_END.finditer(text, start, end):
            if match.start() > pos:
                units.extend(self._words(text, pos, match.start(), page))
            pos = match.end()
        if pos < end:
            units.extend(self._words(text, pos, end, page))
        return units

    def _words(self, text: str, start: int, end: int, page: int | None) -> list[_Unit]:
        tokens = self.counter.count(text[start:end])
        if tokens <= self.max_tokens:
            return [_Unit(start, end, tokens, page)]
        words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
        per = max(1, int(len(words) * self.max_tokens / tokens * 0.9))
        units = []
        for i in range(0, len(words), per):
            group = words[i : i + per]
            s, e = start + group[0][0], start + group[-1][1]
            units.append(_Unit(s, e, self.counter.count(text[s:e]), page))
        return units

    def _pack(
        self, text: str, heading_path: tuple[str, ...], units: list[_Unit], out: list[Chunk]
    ) -> None:
        i = 0
        while i < len(units):
            taken = [units[i]]
            budget = units[i].tokens
            j = i + 1
            while j < len(units) and budget + units[j].tokens <= self.max_tokens:
                taken.append(units[j])
                budget += units[j].tokens
                j += 1
            start, end = taken[0].start, taken[-1].end
            out.append(
                Chunk(
                    ordinal=len(out),
                    text=text[start:end],
                    heading_path=heading_path,
                    page=taken[0].page,
                    start_char=start,
                    end_char=end,
                    token_count=self.counter.count(text[start:end]),
                )
            )
            if j >= len(units):
                break
            # step back over whole units to overlap, but always move forward
            back = j
            carried = 0
            while back - 1 > i and carried + units[back - 1].tokens <= self.overlap:
                back -= 1
                carried += units[back].tokens
            i = back
