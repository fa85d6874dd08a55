"""identity: API keys (the baseline).

Files made before Alembic carry their identity schema's version in ``schema_versions``;
this revision brings such a file, or a new one, to that schema's last version with
the ordered statements it was built from; later changes are Alembic revisions.

Revision ID: identity_0001
"""

from __future__ import annotations

from alembic import op

from colonnade.identity.api_keys import MIGRATIONS
from colonnade.storage.migrations.legacy import adopt

revision = "identity_0001"
down_revision = None
branch_labels = ("identity",)
depends_on = None


def upgrade() -> None:
    adopt(op.get_bind(), "identity", MIGRATIONS)


def downgrade() -> None:
    raise NotImplementedError("a baseline cannot be undone: restore a backup")
