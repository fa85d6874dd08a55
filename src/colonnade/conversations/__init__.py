"""Conversations: ordered turns owned by a user, retention and erasure."""

from colonnade.conversations.models import Conversation, Turn
from colonnade.conversations.ports import ConversationStore
from colonnade.conversations.sqlite import SQLiteConversationStore

__all__ = ["Conversation", "ConversationStore", "SQLiteConversationStore", "Turn"]
