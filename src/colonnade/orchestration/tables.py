"""Tables in passages, as the extractive answerer reads them: the rows of a Markdown table
with their header, the whole table around a row, and the row a table keeps for everything
it does not list ("Any other city", "Hotel night, rest of Europe")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from colonnade.knowledge.ports import Vectors

__all__ = [
    "OTHER_ROW",
    "TABLE_RULE",
    "Row",
    "TextVectors",
    "catch_all",
    "first_cell",
    "keyed_by_names",
    "markdown_row",
    "table_headers",
    "table_of",
]

TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
# the regions a catch-all row may be bounded by ("rest of Europe"); a place named in a
# question belongs to the one nearest it in meaning (the embedder's knowledge of the world)
REGIONS = (
    "Europe",
    "Asia",
    "Africa",
    "North America",
    "South America",
    "Latin America",
    "Oceania",
    "Australia",
    "Middle East",
)
REGION = re.compile(r"\b(" + "|".join(REGIONS) + r")\b", re.IGNORECASE)
# a table's row for everything it does not list: "Any other city", "Hotel night, rest of
# Europe", "Elsewhere", "All other countries"
OTHER_ROW = re.compile(
    r"^other\b|\b(?:any|all) other\b|\brest of\b|\belsewhere\b|\bother (?:countries|cities)\b",
    re.IGNORECASE,
)


class Row(Protocol):
    """A sentence of a passage: which hit it is from, and its table's header if a row."""

    @property
    def hit(self) -> int: ...

    @property
    def table_header(self) -> str | None: ...

    @property
    def sentence(self) -> str: ...


class TextVectors(Protocol):
    def embed(self, texts: list[str]) -> Vectors: ...

    def query(self, text: str) -> Vectors: ...


def table_of(text: str, start: int) -> str:
    """The whole Markdown table (header, rule, rows) around the line starting at ``start``."""
    lines = text.split("\n")
    offset, index = 0, 0
    for i, line in enumerate(lines):
        if offset <= start <= offset + len(line):
            index = i
            break
        offset += len(line) + 1
    first = last = index
    while first > 0 and "|" in lines[first - 1]:
        first -= 1
    while last + 1 < len(lines) and "|" in lines[last + 1]:
        last += 1
    return "\n".join(line.strip() for line in lines[first : last + 1])


def markdown_row(line: str, suffix: str = "") -> str:
    """``a | b`` (or ``| a | b |``) as a Markdown table row; ``suffix`` ends the last cell."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    cells[-1] += suffix
    return "| " + " | ".join(cells) + " |"


def table_headers(text: str) -> dict[int, str]:
    """For each line that is a row of a table (cells split by ``|``), the table's header line.

    Keys are the character offsets where rows start; a header row maps to itself.
    """
    headers: dict[int, str] = {}
    header: str | None = None
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if "|" in stripped and not TABLE_RULE.match(stripped):
            header = header or stripped
            headers[offset + len(line) - len(line.lstrip())] = header
        elif not TABLE_RULE.match(stripped):
            header = None
        offset += len(line) + 1
    return headers


def first_cell(sentence: str) -> str:
    return sentence.strip("| ").split("|", 1)[0].strip()


def catch_all(names: list[str], vectors: TextVectors) -> Callable[[str], bool]:
    """Whether a table's row for everything else ("Any other city", "Hotel night, rest
    of Europe") covers the places the question names that the documents do not: an
    unbounded one does; one bounded by a region only for places nearest that region
    (Munich is under "rest of Europe", Singapore is not)."""
    known: dict[str, bool] = {}

    def covers(cell: str) -> bool:
        if OTHER_ROW.search(cell) is None:
            return False
        bound = REGION.search(cell)
        if bound is None:
            return True
        region = bound.group(1).lower()
        if region not in known:
            regions = vectors.embed(list(REGIONS))
            nearest = {REGIONS[int(np.argmax(regions @ vectors.query(n)))].lower() for n in names}
            known[region] = nearest == {region}
        return known[region]

    return covers


def keyed_by_names(candidates: Sequence[Row], best: int, covers: Callable[[str], bool]) -> bool:
    """Whether the best sentence is a row of a table whose rows are named (countries,
    cities, sites: a capitalised first cell), and no row for everything else covers the
    names asked about."""
    row = candidates[best]
    if row.table_header is None or covers(first_cell(row.sentence)):
        return False
    table = [
        first_cell(c.sentence)
        for c in candidates
        if c.hit == row.hit and c.table_header == row.table_header
    ]
    if any(covers(cell) for cell in table):
        return False
    named = [cell for cell in table if cell[:1].isupper() and not any(ch.isdigit() for ch in cell)]
    return len(named) >= 2 and len(named) == len(table)
