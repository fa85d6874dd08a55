"""Words every layer shares, defined once below all of them: how sensitive data is, and
who is asking (what retrieval trims by)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CLASSIFICATIONS", "Access", "Classification"]

Classification = Literal["public", "internal", "confidential"]
CLASSIFICATIONS: tuple[Classification, ...] = ("public", "internal", "confidential")


@dataclass(slots=True, frozen=True)
class Access:
    """Who is searching: a document with an ACL is visible only to its users and groups.

    A document without an ACL is visible to everyone in its tenant. ``everything`` is for
    operators' tools (reindexing, evaluation), never for a person's question.
    """

    user: str
    groups: tuple[str, ...] = ()
    everything: bool = False
