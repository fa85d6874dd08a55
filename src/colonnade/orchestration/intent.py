"""Understanding the request: a question about documents, or small talk.

Rules, not a model: greetings, thanks and questions about the assistant itself
are answered without retrieval; everything else goes to the documents. Small talk
is only small talk when it carries no content words: "ok and in munich" starts like
thanks but asks about Munich. The
prediction and tool intents join here when those layers exist.
"""

from __future__ import annotations

import re

from colonnade.orchestration.models import Intent

__all__ = ["CHIT_CHAT_REPLIES", "classify_intent"]

_GREETING = re.compile(
    r"^(hi|hello|hey|hiya|good (morning|afternoon|evening)|greetings|yo)\b[\s!.,]*"
    r"(there|colonnade|assistant)?[\s!.,]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"^(thanks|thank you|thx|cheers|great|perfect|ok(ay)?|got it|cool)\b[\w\s!.,]{0,24}$",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"^(who|what) are you\??$|^what can you (do|help( me)? with)\??$|^help\??$", re.IGNORECASE
)
_BYE = re.compile(r"^(bye|goodbye|see you|ciao)\b[\s!.,]*$", re.IGNORECASE)

CHIT_CHAT_REPLIES = {
    "greeting": "Hello! Ask me anything about your organisation's documents; "
    "I answer from the sources you can access and cite them.",
    "thanks": "You're welcome. Ask another question whenever you like.",
    "about": "I am Colonnade, an assistant that answers questions from your organisation's "
    "documents. Every answer cites the passages it comes from; when the documents say "
    "nothing about a question, I tell you so.",
    "bye": "Goodbye!",
}


_SMALL_TALK_WORDS = frozenset(
    """hi hello hey hiya good morning afternoon evening greetings yo there colonnade assistant
    thanks thank you thx cheers great perfect ok okay got cool awesome nice lovely brilliant
    much lot lots very so really that was this is helpful helps appreciated appreciate bye
    goodbye see later ciao who what are can do help me with you it a the for and again all
    right alright fine excellent wonderful""".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def _content_words(text: str) -> bool:
    return any(w not in _SMALL_TALK_WORDS for w in _WORD.findall(text.lower()))


def classify_intent(question: str) -> tuple[Intent, str | None]:
    """The intent and, for small talk, which canned reply fits."""
    text = " ".join(question.split())
    if _content_words(text) or re.search(r"\d", text):
        return Intent.documents, None
    for kind, pattern in (
        ("greeting", _GREETING),
        ("thanks", _THANKS),
        ("about", _ABOUT),
        ("bye", _BYE),
    ):
        if pattern.match(text):
            return Intent.chit_chat, kind
    return Intent.documents, None
