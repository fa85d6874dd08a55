"""conversations: conversations, turns and their running summary (the baseline).

Files made before Alembic carry their conversations schema's version in ``schema_versions``;
this revision brings such a file, or a new one, to that schema's last version with
the ordered statements it was built from; later changes are Alembic revisions.

Revision ID: conversations_0001
"""

from __future__ import annotations

from alembic import op

from colonnade.conversations.sqlite import MIGRATIONS
from colonnade.storage.migrations.legacy import adopt

revision = "conversations_0001"
down_revision = None
branch_labels = ("conversations",)
depends_on = None


def upgrade() -> None:
    adopt(op.get_bind(), "conversations", MIGRATIONS)


def downgrade() -> None:
    raise NotImplementedError(
        "the conversations baseline cannot be undone: restore a backup instead"
    )
