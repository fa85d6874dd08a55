"""llm: model calls and shadow comparisons.

Revision ID: llm_0001
"""

from __future__ import annotations

from alembic import op

revision = "llm_0001"
down_revision = None
branch_labels = ("llm",)
depends_on = None

STATEMENTS = [
    """CREATE TABLE llm_calls (
                id BIGSERIAL PRIMARY KEY,
                at DOUBLE PRECISION NOT NULL,
                request_id TEXT,
                tenant TEXT,
                route TEXT NOT NULL,
                deployment TEXT NOT NULL,
                path TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                stream INTEGER NOT NULL,
                shadow INTEGER NOT NULL DEFAULT 0,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                estimated INTEGER NOT NULL,
                cost_usd DOUBLE PRECISION NOT NULL,
                latency_ms DOUBLE PRECISION NOT NULL,
                classification TEXT NOT NULL)""",
    "CREATE INDEX llm_calls_at ON llm_calls(at)",
    """CREATE TABLE llm_shadow (
                id BIGSERIAL PRIMARY KEY,
                at DOUBLE PRECISION NOT NULL,
                request_id TEXT,
                route TEXT NOT NULL,
                primary_deployment TEXT NOT NULL,
                candidate_deployment TEXT NOT NULL,
                primary_text TEXT NOT NULL,
                candidate_text TEXT,
                candidate_error TEXT,
                primary_ms DOUBLE PRECISION NOT NULL,
                candidate_ms DOUBLE PRECISION)""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS llm_shadow CASCADE")
    op.execute("DROP TABLE IF EXISTS llm_calls CASCADE")
