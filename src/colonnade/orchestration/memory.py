"""Memory for long conversations: the last N turns verbatim and a running summary.

Turns that slide out of the verbatim window are folded into a summary kept on
the conversation. The embedded default folds extractively (the question and
the first sentence of its answer, citation markers removed, oldest dropped
first past a size bound); with an LLM configured the summariser asks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from colonnade.conversations import Conversation, ConversationStore, Turn

__all__ = ["ConversationMemory", "Summariser", "extractive_summary"]

Summariser = Callable[[str, list[Turn]], str]
_MARKER = re.compile(r"\s*\[\d+\]")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.S)


def _gist(answer: str) -> str:
    text = " ".join(_MARKER.sub("", answer).split())
    match = _FIRST_SENTENCE.match(text)
    return match.group(1) if match else text[:200]


def extractive_summary(previous: str, turns: list[Turn], *, max_chars: int = 1500) -> str:
    """Append one line per turn; past ``max_chars`` the oldest lines go first."""
    lines = [line for line in previous.splitlines() if line.strip()]
    lines += [f"Q: {' '.join(t.question.split())} A: {_gist(t.answer)}" for t in turns]
    while lines and sum(len(line) + 1 for line in lines) > max_chars:
        lines.pop(0)
    return "\n".join(lines)


class ConversationMemory:
    def __init__(
        self,
        store: ConversationStore,
        *,
        window: int = 6,
        summariser: Summariser | None = None,
    ) -> None:
        self.store = store
        self.window = window
        self.summariser: Summariser = summariser or extractive_summary

    def load(self, conversation_id: str, owner: str) -> Conversation:
        """The conversation with its last ``window`` turns and its summary."""
        return self.store.get(conversation_id, owner, last_turns=self.window)

    def fold(self, conversation_id: str, owner: str) -> None:
        """After a turn: summarise the turns that left the verbatim window since the last fold."""
        head = self.store.get(conversation_id, owner, last_turns=0)
        keep_from = head.turn_count - self.window + 1  # ordinals >= keep_from stay verbatim
        if keep_from - 1 <= head.summary_upto:
            return
        recent = self.store.get(
            conversation_id, owner, last_turns=head.turn_count - head.summary_upto
        )
        leaving = [t for t in recent.turns if head.summary_upto < t.ordinal < keep_from]
        if leaving:
            summary = self.summariser(head.summary, leaving)
            self.store.set_summary(conversation_id, owner, summary, leaving[-1].ordinal)
