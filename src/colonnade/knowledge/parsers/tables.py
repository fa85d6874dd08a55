"""Tables as tables: a header and rows, written as Markdown tables every parser shares.

A long table is split into blocks of ``rows_per_block`` rows and each block repeats the
header, so a chunk of rows always reads with the column names above it and the answerer
can quote a row under its header.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from colonnade.knowledge.models import Block

__all__ = ["ROWS_PER_BLOCK", "markdown_table", "table_blocks"]

ROWS_PER_BLOCK = 12


def _cell(value: object) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text.replace("|", "/")


def markdown_table(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """``| a | b |`` lines: the header, a rule, then the rows (padded to the header's width)."""
    head = [_cell(h) for h in header]
    width = len(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    for row in rows:
        cells = [_cell(v) for v in row][:width] if width else [_cell(v) for v in row]
        cells += [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table_blocks(
    rows: Iterable[Sequence[object]],
    heading: tuple[str, ...] = (),
    *,
    page: int | None = None,
    rows_per_block: int = ROWS_PER_BLOCK,
) -> list[Block]:
    """The first non-empty row is the header; blocks of rows follow, each under that header."""
    header: list[str] | None = None
    body: list[list[str]] = []
    for row in rows:
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            header = [c or f"column {i + 1}" for i, c in enumerate(cells)]
        else:
            body.append(cells)
    if header is None:
        return []
    if not body:
        return [Block(markdown_table(header, []), heading, page=page)]
    return [
        Block(markdown_table(header, body[i : i + rows_per_block]), heading, page=page)
        for i in range(0, len(body), rows_per_block)
    ]
