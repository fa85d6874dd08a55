"""identity: API keys: hash only, tenant and roles, expiry and revocation.

Revision ID: identity_0001
"""

from __future__ import annotations

from alembic import op

revision = "identity_0001"
down_revision = None
branch_labels = ("identity",)
depends_on = None

STATEMENTS = [
    """CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                tenant TEXT NOT NULL,
                roles JSONB NOT NULL,
                secret_hash TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                expires_at TIMESTAMPTZ,
                revoked_at TIMESTAMPTZ,
                last_used_at TIMESTAMPTZ)""",
    "CREATE INDEX api_keys_tenant ON api_keys(tenant, created_at)",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS api_keys CASCADE")
