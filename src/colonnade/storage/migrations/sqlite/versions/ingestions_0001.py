"""ingestions: the ingest report history, one compact record per finished ingestion.

Revision ID: ingestions_0001
"""

from __future__ import annotations

from alembic import op

revision = "ingestions_0001"
down_revision = None
branch_labels = ("ingestions",)
depends_on = None

STATEMENTS = [
    """CREATE TABLE ingest_history (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                tenant TEXT NOT NULL,
                collection TEXT NOT NULL,
                actor TEXT NOT NULL,
                kind TEXT NOT NULL,
                job_id TEXT,
                started_at TEXT NOT NULL,
                finished_at TEXT NOT NULL,
                added INTEGER NOT NULL,
                updated INTEGER NOT NULL,
                skipped INTEGER NOT NULL,
                deleted INTEGER NOT NULL,
                failed INTEGER NOT NULL,
                failures TEXT NOT NULL DEFAULT '[]')""",
    "CREATE INDEX ingest_history_tenant ON ingest_history(tenant, finished_at)",
    "CREATE INDEX ingest_history_collection ON ingest_history(tenant, collection, finished_at)",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS ingest_history")
