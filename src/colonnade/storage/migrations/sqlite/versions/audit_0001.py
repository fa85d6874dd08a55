"""audit: hash-chained audit records (the baseline).

Files made before Alembic carry their audit schema's version in ``schema_versions``;
this revision brings such a file, or a new one, to that schema's last version with
the ordered statements it was built from; later changes are Alembic revisions.

Revision ID: audit_0001
"""

from __future__ import annotations

from alembic import op

from colonnade.observability.audit_sqlite import MIGRATIONS
from colonnade.storage.migrations.legacy import adopt

revision = "audit_0001"
down_revision = None
branch_labels = ("audit",)
depends_on = None


def upgrade() -> None:
    adopt(op.get_bind(), "audit", MIGRATIONS)


def downgrade() -> None:
    raise NotImplementedError("a baseline cannot be undone: restore a backup")
