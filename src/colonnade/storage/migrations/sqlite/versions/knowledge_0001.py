"""knowledge: collections, documents, chunks, FTS5 keyword index, versioned vectors (the baseline).

Files made before Alembic carry their knowledge schema's version in ``schema_versions``;
this revision brings such a file, or a new one, to that schema's last version with
the ordered statements it was built from; later changes are Alembic revisions.

Revision ID: knowledge_0001
"""

from __future__ import annotations

from alembic import op

from colonnade.knowledge.stores.sqlite_schema import MIGRATIONS
from colonnade.storage.migrations.legacy import adopt

revision = "knowledge_0001"
down_revision = None
branch_labels = ("knowledge",)
depends_on = None


def upgrade() -> None:
    adopt(op.get_bind(), "knowledge", MIGRATIONS)


def downgrade() -> None:
    raise NotImplementedError("a baseline cannot be undone: restore a backup")
