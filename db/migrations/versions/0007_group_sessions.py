"""Study groups: one session per thread, kept whole as JSON under a version for compare-and-set, and its members.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_INDEX = "ix_group_sessions_platform_due_at"
MEMBER_INDEX = "ix_group_members_platform_user_id"


def upgrade() -> None:
    """Create group_sessions and group_members, with the indexes sweepers and erasure read them by."""
    op.create_table(
        "group_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("thread_key", sa.String(128), nullable=False),
        sa.Column("host_id", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_group_sessions"),
        sa.UniqueConstraint("platform", "workspace_id", "channel_id", "thread_key", name="uq_group_sessions_thread"),
    )
    op.create_index(DUE_INDEX, "group_sessions", ["platform", "due_at"])
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["group_sessions.id"], name="fk_group_members_group_id_group_sessions", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_group_members"),
    )
    op.create_index(MEMBER_INDEX, "group_members", ["platform", "user_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index(MEMBER_INDEX, table_name="group_members")
    op.drop_table("group_members")
    op.drop_index(DUE_INDEX, table_name="group_sessions")
    op.drop_table("group_sessions")
