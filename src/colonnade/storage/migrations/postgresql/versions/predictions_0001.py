"""predictions: logged predictions.

Revision ID: predictions_0001
"""

from __future__ import annotations

from alembic import op

revision = "predictions_0001"
down_revision = None
branch_labels = ("predictions",)
depends_on = None

STATEMENTS = [
    """CREATE TABLE predictions (
                id BIGSERIAL PRIMARY KEY,
                at DOUBLE PRECISION NOT NULL,
                model TEXT NOT NULL,
                version TEXT NOT NULL,
                step TEXT NOT NULL,
                features JSONB NOT NULL,
                probability DOUBLE PRECISION)""",
    "CREATE INDEX predictions_model ON predictions (model, id)",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS predictions CASCADE")
