"""History never shows more than a new question would.

A turn rests on documents: those it cited and those retrieved for it. When the reader can
no longer open one of them (an ACL changed, the document was removed or replaced), the
turn's answer is withheld: its text, citations and details are dropped and it is marked
``withheld``. The running summary, which may quote any summarised turn, is then rebuilt
from the turns that remain visible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from colonnade.conversations.models import Conversation, Turn

__all__ = ["WITHHELD", "sources_of", "trim_history"]

WITHHELD = "withheld"
Visible = Callable[[set[str]], set[str]]  # document ids -> those the reader may open now
Summarise = Callable[[str, list[Turn]], str]


def sources_of(turn: Turn) -> set[str]:
    found = {c.get("document_id") for c in turn.citations}
    found.update(turn.metadata.get("sources") or [])
    return {d for d in found if isinstance(d, str) and d}


def _withhold(turn: Turn) -> Turn:
    return dataclasses.replace(
        turn, answer="", citations=[], metadata={WITHHELD: True}, generator=""
    )


def trim_history(
    conversation: Conversation,
    visible: Visible,
    summarise: Summarise,
    *,
    all_turns: Iterable[Turn] | None = None,
) -> Conversation:
    """The conversation as its reader may see it now.

    ``all_turns`` are every turn of the conversation when ``conversation`` holds only the
    latest few: the summary covers the older ones and is rebuilt if any of them is hidden.
    """
    everything = list(all_turns) if all_turns is not None else conversation.turns
    wanted = set().union(*(sources_of(t) for t in everything)) if everything else set()
    open_now = visible(wanted) if wanted else set()
    hidden = {t.ordinal for t in everything if not sources_of(t) <= open_now}
    if not hidden:
        return conversation
    turns = [_withhold(t) if t.ordinal in hidden else t for t in conversation.turns]
    summary = conversation.summary
    if any(o <= conversation.summary_upto for o in hidden):
        kept = [
            t
            for t in everything
            if t.ordinal <= conversation.summary_upto and t.ordinal not in hidden
        ]
        summary = summarise("", kept) if kept else ""
    return dataclasses.replace(conversation, turns=turns, summary=summary)
