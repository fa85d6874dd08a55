"""conversations: conversations with a running summary, and their turns.

Revision ID: conversations_0001
"""

from __future__ import annotations

from alembic import op

revision = "conversations_0001"
down_revision = None
branch_labels = ("conversations",)
depends_on = None

STATEMENTS = [
    """CREATE TABLE conversations (
                id TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                title TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                summary TEXT NOT NULL DEFAULT '',
                summary_upto INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX conversations_owner ON conversations(owner, updated_at)",
    "CREATE INDEX conversations_updated ON conversations(updated_at)",
    """CREATE TABLE turns (
                conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                question TEXT NOT NULL,
                answer TEXT NOT NULL,
                citations JSONB NOT NULL DEFAULT '[]',
                generator TEXT NOT NULL DEFAULT '',
                metadata JSONB NOT NULL DEFAULT '{}',
                created_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (conversation_id, ordinal))""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS turns CASCADE")
    op.execute("DROP TABLE IF EXISTS conversations CASCADE")
