"""Turning a question into keyword terms (shared by every store's BM25 search)."""

from __future__ import annotations

import re

__all__ = ["STOP_WORDS", "keyword_terms"]

# English function words: they add nothing to BM25 but widen the candidate set.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves far must""".split()
)
_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def keyword_terms(query: str, *, limit: int = 64) -> list[str]:
    """Lower-cased distinct words of the query without stop words, in order."""
    seen: dict[str, None] = {}
    for match in _TERM.finditer(query.lower()):
        term = match.group(0)
        if term not in STOP_WORDS:
            seen.setdefault(term, None)
    return list(seen)[:limit]
