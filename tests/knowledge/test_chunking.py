from __future__ import annotations

import itertools

from colonnade.knowledge.chunking import RegexTokenCounter, StructureChunker
from colonnade.knowledge.models import Block

counter = RegexTokenCounter()


def sentences(n: int, tag: str) -> str:
    return " ".join(f"Sentence {i} of {tag} talks about topic {i}." for i in range(n))


def test_chunks_are_exact_spans_within_budget() -> None:
    blocks = [
        Block("Guide", ("Guide",), is_heading=True),
        Block(sentences(60, "intro"), ("Guide",)),
        Block("Details", ("Guide", "Details"), is_heading=True),
        Block("Short paragraph.", ("Guide", "Details")),
        Block(sentences(5, "details"), ("Guide", "Details"), page=2),
    ]
    chunker = StructureChunker(counter, max_tokens=60, overlap=15)
    text, chunks = chunker.chunk(blocks)
    assert len(chunks) > 3
    for c in chunks:
        assert text[c.start_char : c.end_char] == c.text
        assert c.token_count <= 60
    # never across a heading
    assert {c.heading_path for c in chunks} == {("Guide",), ("Guide", "Details")}
    details = [c for c in chunks if c.heading_path == ("Guide", "Details")]
    assert details[0].text.startswith("Short paragraph.")
    intro = [c for c in chunks if c.heading_path == ("Guide",)]
    # consecutive chunks of one section overlap
    assert all(a.end_char > b.start_char for a, b in itertools.pairwise(intro))
    assert all(b.start_char > a.start_char for a, b in itertools.pairwise(intro))


def test_small_paragraphs_are_packed_together() -> None:
    blocks = [Block(f"Paragraph {i}.", ("H",)) for i in range(5)]
    _, chunks = StructureChunker(counter, max_tokens=100, overlap=10).chunk(blocks)
    assert len(chunks) == 1
    assert (
        chunks[0].text
        == "Paragraph 0.\n\nParagraph 1.\n\nParagraph 2.\n\nParagraph 3.\n\nParagraph 4."
    )


def test_a_giant_word_run_is_split() -> None:
    blocks = [Block("word " * 1000)]
    _, chunks = StructureChunker(counter, max_tokens=50, overlap=0).chunk(blocks)
    assert len(chunks) >= 20
    assert all(c.token_count <= 50 for c in chunks)
