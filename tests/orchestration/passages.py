"""Search hits made from plain text, for answerer tests on collections of their own."""

from __future__ import annotations

from colonnade.knowledge.models import SearchHit


def passage(n: int, text: str, collection: str = "garden", **ranks: int) -> SearchHit:
    """Hit ``n``: its title is the text's first line; ``keyword``/``vector`` ranks if given."""
    return SearchHit(
        chunk_id=n,
        document_id=f"d{n}",
        collection=collection,
        title=text.split("\n", 1)[0],
        source_uri=f"file:///{collection}/{n}.md",
        doc_type="markdown",
        heading_path=(),
        page=None,
        start_char=0,
        end_char=len(text),
        text=text,
        score=1.0,
        keyword_rank=ranks.get("keyword"),
        vector_rank=ranks.get("vector"),
    )
