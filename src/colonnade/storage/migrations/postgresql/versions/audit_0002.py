"""audit: the keyed chain of the SQLite trail (scheme, a chain per tenant) and a sealed head.

``at`` becomes the ISO text that each record's MAC covers, as on SQLite.

Revision ID: audit_0002
"""

from __future__ import annotations

from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None

STATEMENTS = [
    "ALTER TABLE audit_log ALTER COLUMN at TYPE TEXT USING"
    " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') || '+00:00'",
    "ALTER TABLE audit_log ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE audit_log ADD COLUMN tseq BIGINT",
    "ALTER TABLE audit_log ADD COLUMN tprev TEXT",
    "CREATE INDEX audit_tenant_tseq ON audit_log(tenant, tseq)",
    "CREATE TABLE audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "ALTER TABLE audit_head ADD COLUMN sealed TEXT",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("ALTER TABLE audit_head DROP COLUMN sealed")
    op.execute("DROP TABLE IF EXISTS audit_meta")
    op.execute("DROP INDEX IF EXISTS audit_tenant_tseq")
    for column in ("tprev", "tseq", "scheme"):
        op.execute(f"ALTER TABLE audit_log DROP COLUMN {column}")
    op.execute("ALTER TABLE audit_log ALTER COLUMN at TYPE TIMESTAMPTZ USING at::timestamptz")
