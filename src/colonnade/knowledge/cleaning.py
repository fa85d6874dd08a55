"""Text cleaning: Unicode normalisation, control characters, whitespace, repeated page furniture."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from colonnade.knowledge.models import Block

__all__ = [
    "Cleaner",
    "furniture_key",
    "normalize_text",
    "remove_repeated_lines",
    "repeated_lines",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"[-–\s]*(page\s*)?#(\s*(of|/)\s*#)?[-–\s]*", re.IGNORECASE)


def furniture_key(line: str) -> str:
    """Page numbers compare equal across pages ("Page 3 of 9"); other lines must repeat exactly."""
    line = line.strip()
    numbered = _DIGITS.sub("#", line)
    return numbered if _PAGE_NUMBER.fullmatch(numbered) else line


def normalize_text(text: str) -> str:
    """NFKC, no control characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def remove_repeated_lines(pages: list[str], *, edge: int = 2, share: float = 0.6) -> list[str]:
    """Drop headers and footers: lines at the top or bottom of most pages.

    Page numbers ("Page 3 of 9", "- 3 -") count as repeats; other lines must match exactly.
    """
    if len(pages) < 3:
        return pages
    split = [[ln for ln in p.split("\n") if ln.strip()] for p in pages]
    furniture = repeated_lines(split, edge=edge, share=share)
    out = []
    for lines in split:
        keep = []
        for i, ln in enumerate(lines):
            at_edge = i < edge or i >= len(lines) - edge
            if at_edge and furniture_key(ln) in furniture:
                continue
            keep.append(ln)
        out.append("\n".join(keep))
    return out


def repeated_lines(pages: list[list[str]], *, edge: int = 2, share: float = 0.6) -> set[str]:
    """Keys (see :func:`furniture_key`) of lines at the top or bottom of most pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({furniture_key(ln) for ln in lines[:edge] + lines[-edge:]})
    threshold = max(2, int(share * len(pages) + 0.999))
    return {k for k, n in counts.items() if n >= threshold}


class Cleaner:
    """Normalises every block and drops the ones left empty."""

    def clean(self, blocks: list[Block]) -> list[Block]:
        out = []
        for block in blocks:
            text = normalize_text(block.text)
            if text:
                out.append(
                    Block(
                        text=text,
                        heading_path=tuple(normalize_text(h) for h in block.heading_path),
                        page=block.page,
                        is_heading=block.is_heading,
                    )
                )
        return out
