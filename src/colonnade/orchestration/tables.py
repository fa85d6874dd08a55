"""Tables in passages, as the extractive answerer reads them: the rows of a Markdown table
with their header, the whole table around a row, and the row a table keeps for everything
it does not list ("Any other city", "Hotel night, rest of Europe")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from colonnade.knowledge.ports import Vectors
from colonnade.orchestration.places import place
from colonnade.orchestration.question_analysis import names_label, question_numbers, range_holds
from colonnade.orchestration.vocabulary import stem, words

__all__ = [
    "OTHER_ROW",
    "TABLE_RULE",
    "Row",
    "TextVectors",
    "catch_all",
    "cells_of",
    "column_rows",
    "first_cell",
    "keyed_by_names",
    "limit_rows",
    "markdown_row",
    "names_place",
    "rows_asked_for",
    "rows_continued",
    "rows_of_places",
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
    """A sentence of a passage: which hit and document it is from, and its table's header if
    a row."""

    @property
    def hit(self) -> int: ...

    @property
    def table_header(self) -> str | None: ...

    @property
    def sentence(self) -> str: ...

    @property
    def document(self) -> str: ...


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


def cells_of(line: str) -> list[str]:
    """The cells of a table row or header, ``a | b`` or ``| a | b |``."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def markdown_row(line: str, suffix: str = "") -> str:
    """``a | b`` (or ``| a | b |``) as a Markdown table row; ``suffix`` ends the last cell."""
    cells = cells_of(line)
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


def catch_all(
    names: list[str], vectors: TextVectors, cells: Sequence[str] = ()
) -> Callable[[str], bool]:
    """Whether a table's row covers the places the question names that the documents do
    not: the row of the place's country ("Germany" for Hamburg, found in the gazetteer); else
    a row for everything else ("Any other city", "Hotel night, rest of Europe"), unbounded,
    or bounded by a region only for places in it (Munich is under "rest of Europe", Singapore
    is not). ``cells`` are the first cells of the rows at hand: a place whose country has a
    row there is not under the row for everything else."""
    known: dict[str, bool] = {}
    # a place with a row of its own ("Munich and Frankfurt", "France") is under no other
    own_row = {n for n in names if any(names_place(n, cell) for cell in cells)}
    places = [p for p in (place(n) for n in names if n not in own_row) if p is not None]
    listed = {p.name for p in places if any(p.country_named_in(cell) for cell in cells)}
    rest = [n for n in names if n not in listed and n not in own_row]

    def covers(cell: str) -> bool:
        if any(p.country_named_in(cell) for p in places):
            return True
        if not rest or OTHER_ROW.search(cell) is None:
            return False
        bound = REGION.search(cell)
        if bound is None:
            return True
        region = bound.group(1).lower()
        if region not in known:
            known[region] = all(_region_of(n, vectors) == region for n in rest)
        return known[region]

    return covers


def rows_of_places(
    asked: Sequence[str], candidates: Sequence[Row], vectors: TextVectors
) -> list[bool]:
    """For each candidate, whether it is the row of a table for a place asked about: the
    place's own row, else its country's, else the table's row for everything else. Each table
    is read alone: Munich's row of hotel limits does not keep the per diem table's Germany
    row from answering for Munich."""
    placed = [False] * len(candidates)
    for rows in _tables(candidates).values():
        cells = [first_cell(candidates[i].sentence) for i in rows]
        covers = catch_all(list(asked), vectors, cells)
        for i, cell in zip(rows, cells, strict=True):
            placed[i] = any(names_place(n, cell) for n in asked) or covers(cell)
    return placed


def _tables(
    candidates: Sequence[Row], document: str | None = None
) -> dict[tuple[int, str], list[int]]:
    """The rows of each table (a hit and its header row) among the candidates, of one
    document if given."""
    tables: dict[tuple[int, str], list[int]] = {}
    for i, c in enumerate(candidates):
        if c.table_header is not None and document in (None, c.document):
            tables.setdefault((c.hit, c.table_header), []).append(i)
    return tables


COLUMN_ROWS = 6  # a table answers a question on its column with every row up to this many


def column_rows(
    candidates: Sequence[Row],
    best: int,
    chosen: Sequence[int],
    stems: set[str],
    typed: Callable[[str], bool],
    stems_of: Callable[[str], set[str]],
) -> list[int]:
    """The rows of a table of the best sentence's document whose column the question names
    and asks a value of ("how long is parental leave?" and a table "Role | Leave | Pay" whose
    Leave cells are durations, most of them): every case the table lists, ``COLUMN_ROWS`` at
    most; none when the best sentence is itself a row or a row of the table is chosen already
    (the question named its row: "the weekly hours in summer"). Measured on the tuning halves: no
    question gained or lost; the handbook's "how long is parental leave?" gets both carers."""
    if candidates[best].table_header is not None:
        return []
    for (_, header), rows in _tables(candidates, candidates[best].document).items():
        if len(rows) > COLUMN_ROWS or set(rows) & set(chosen):
            continue
        table = [cells_of(candidates[i].sentence) for i in rows]
        for j, name in enumerate(cells_of(header)[1:], 1):
            if not stems_of(name) & stems:
                continue
            typed_cells = sum(j < len(cells) and typed(cells[j]) for cells in table)
            if typed_cells * 2 > len(rows):
                return rows
    return []


def names_place(name: str, cell: str) -> bool:
    """Whether a cell names the place as a whole word: "Munich and Frankfurt" names Munich."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", cell, re.IGNORECASE) is not None


def _region_of(name: str, vectors: TextVectors) -> str:
    """The region a place is in: its continent from the gazetteer, else the region nearest
    it in meaning (the embedder's knowledge of the world)."""
    found = place(name)
    if found is not None and found.continent:
        return found.continent
    regions = vectors.embed(list(REGIONS))
    return REGIONS[int(np.argmax(regions @ vectors.query(name)))].lower()


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


def rows_continued(
    candidates: Sequence[Row], previous_answer: str, own: set[str], stems: Callable[[str], set[str]]
) -> set[int]:
    """The table rows the last answer quoted, when a follow-up goes on about them: "and for
    the late shift?" after the team leaders' row asks for that row's other column, "how long
    do I have to return those?" for the row just quoted. Not when the follow-up names another
    row of the table: its own words (``own``, stemmed by ``stems``) in another row's cells,
    leaving out the words of the table's header, which name columns ("late shift
    allowance")."""
    if not previous_answer:
        return set()
    quoted = {
        i
        for i, c in enumerate(candidates)
        if c.table_header is not None and f"| {first_cell(c.sentence)} |" in previous_answer
    }
    kept: set[int] = set()
    for table in {(candidates[i].hit, candidates[i].table_header) for i in quoted}:
        rows = [i for i, c in enumerate(candidates) if (c.hit, c.table_header) == table]
        header = stems(str(table[1]))
        asked = own - header
        if any(stems(candidates[i].sentence) & asked for i in rows if i not in quoted):
            continue  # "and on Pocket Pals?", "and health data?": another row, named
        kept.update(i for i in rows if i in quoted)
    return kept


# a column of upper limits: "Goodwill payment up to", "Approval limit", "Maximum spend"
_LIMIT_COLUMN = re.compile(r"\bup to\b|\bmax(imum)?\b|\blimits?\b|\bceiling\b", re.I)
_BEYOND = re.compile(r"\b(above|over|more than|beyond)\b", re.I)


def limit_rows(rows: Sequence[tuple[str, str]], value: float) -> set[int]:
    """Of the rows of one table, (header, row) each, the one a value falls under when a
    column holds upper limits ("Role | Goodwill payment up to": £700 is the row with the
    smallest limit of at least £700), or the row beyond the last limit ("Any amount above
    £2,500") for a value above them all; none when no column holds limits."""
    if not rows:
        return set()
    header = cells_of(rows[0][0])
    columns = [j for j, name in enumerate(header) if j and _LIMIT_COLUMN.search(name)]
    best: tuple[float, int] | None = None
    beyond: tuple[float, int] | None = None  # "Any amount above £2,500"
    for j in columns:
        for i, (_, row) in enumerate(rows):
            cells = cells_of(row)
            amounts = question_numbers(cells[j]) if j < len(cells) else []
            if not amounts:
                continue
            limit = amounts[0]
            if _BEYOND.search(cells[j]):
                if value > limit and (beyond is None or limit > beyond[0]):
                    beyond = (limit, i)
            elif limit >= value and (best is None or limit < best[0]):
                best = (limit, i)
    found = best or beyond
    return {found[1]} if found is not None else set()


def held_by_limits(numbers: Sequence[float], candidates: Sequence[Row]) -> set[int]:
    """For a question on who approves an amount (the first of ``numbers``): in each table of
    upper limits by role ("Role | Goodwill payment up to"), the candidate row the amount
    falls under (see ``limit_rows``)."""
    if not numbers:
        return set()
    tables: dict[tuple[int, str], list[int]] = {}
    for i, c in enumerate(candidates):
        if c.table_header is not None:
            tables.setdefault((c.hit, c.table_header), []).append(i)
    held: set[int] = set()
    for (_, header), members in tables.items():
        rows = [(header, candidates[i].sentence) for i in members]
        held.update(members[k] for k in limit_rows(rows, numbers[0]))
    return held


def rows_asked_for(
    question: str, asked: set[str], rows: Sequence[Row], chosen: list[int], keep: set[int]
) -> list[int]:
    """When the question names a row of a table ("on Sundays", "for a van", "5 years"), the
    chosen rows it names, not their neighbours that merely score close; ``asked``: the
    question's stems, read in the collection's words; ``keep``: rows that stay regardless."""
    numbers = question_numbers(question)

    def named(i: int) -> int:
        first = first_cell(rows[i].sentence)
        stems = {stem(w) for w in words(first)}
        return len(stems & asked) + 2 * (
            any(range_holds(first, n) for n in numbers) or names_label(first, question)
        )

    # the best-scored row quoted (beneath a sentence that introduces its table, too)
    first = next((i for i in chosen if rows[i].table_header), None)
    if first is None:
        return chosen
    table = (rows[first].hit, rows[first].table_header)
    same = [i for i in chosen if (rows[i].hit, rows[i].table_header) == table]
    most = max(named(i) for i in same)
    if not most:
        return chosen
    if most < 2:
        # rows named by words only ("fraud" in "You suspect a colleague of fraud"): the
        # best-scored row stays beside them; a number or a label names rows outright
        keep = keep | {first}
    return [i for i in chosen if i not in same or named(i) == most or i in keep]
