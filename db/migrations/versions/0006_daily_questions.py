"""Daily questions: who gets one, where, at what local time, and when the next is due.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_INDEX = "ix_daily_questions_platform_next_due_at"


def upgrade() -> None:
    """Create the daily_questions table and the index the sweepers read it by."""
    op.create_table(
        "daily_questions",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("local_time", sa.String(5), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace_id", "user_id", name="pk_daily_questions"),
    )
    op.create_index(DUE_INDEX, "daily_questions", ["platform", "next_due_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index(DUE_INDEX, table_name="daily_questions")
    op.drop_table("daily_questions")
