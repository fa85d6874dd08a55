"""llm: model calls and shadow comparisons (the baseline).

Files made before Alembic carry their llm schema's version in ``schema_versions``;
this revision brings such a file, or a new one, to that schema's last version with
the ordered statements it was built from; later changes are Alembic revisions.

Revision ID: llm_0001
"""

from __future__ import annotations

from alembic import op

from colonnade.llm.accounting import MIGRATIONS
from colonnade.storage.migrations.legacy import adopt

revision = "llm_0001"
down_revision = None
branch_labels = ("llm",)
depends_on = None


def upgrade() -> None:
    adopt(op.get_bind(), "llm", MIGRATIONS)


def downgrade() -> None:
    raise NotImplementedError("a baseline cannot be undone: restore a backup")
