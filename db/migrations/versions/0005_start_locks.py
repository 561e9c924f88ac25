"""Start locks (one start at a time per person and channel) and an index to find a thread's interview.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Who a thread's interview belongs to, whatever its status (core: the candidate-only rule).
THREAD_INDEX = "ix_interviews_platform_channel_id_thread_key_created_at"


def upgrade() -> None:
    """Create the start_locks table and the thread index."""
    op.create_table(
        "start_locks",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace_id", "channel_id", "user_id", name="pk_start_locks"),
    )
    op.create_index(THREAD_INDEX, "interviews", ["platform", "channel_id", "thread_key", "created_at"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index(THREAD_INDEX, table_name="interviews")
    op.drop_table("start_locks")
