"""audit: hash-chained audit records and the chain's head.

Revision ID: audit_0001
"""

from __future__ import annotations

from alembic import op

GENESIS = "0" * 64

revision = "audit_0001"
down_revision = None
branch_labels = ("audit",)
depends_on = None

STATEMENTS = [
    """CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                tenant TEXT NOT NULL,
                action TEXT NOT NULL,
                record TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL)""",
    "CREATE INDEX audit_tenant ON audit_log(tenant, seq)",
    "CREATE INDEX audit_at ON audit_log(at)",
    """CREATE TABLE audit_head (
                id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
                seq BIGINT NOT NULL,
                hash TEXT NOT NULL,
                anchor_seq BIGINT NOT NULL,
                anchor_hash TEXT NOT NULL)""",
    f"INSERT INTO audit_head VALUES (true, 0, '{GENESIS}', 0, '{GENESIS}')",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS audit_head CASCADE")
    op.execute("DROP TABLE IF EXISTS audit_log CASCADE")
