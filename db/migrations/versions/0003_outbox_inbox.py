"""The outbox (replies stored before they are sent) and the inbox (events stored before they are acknowledged).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _datetime() -> sa.DateTime:
    """The timestamp type of every *_at column."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create outbox and inbox with their indexes."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(255), nullable=True),
        sa.Column("interview_id", sa.String(36), nullable=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("thread_key", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.Column("created_at", _datetime(), nullable=False),
        sa.Column("lease_until", _datetime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sent_at", _datetime(), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name="fk_outbox_interview_id_interviews", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_interview_id", "outbox", ["interview_id"])
    op.create_index("ix_outbox_platform_sent_at_lease_until", "outbox", ["platform", "sent_at", "lease_until"])
    op.create_table(
        "inbox",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("received_at", _datetime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("done_at", _datetime(), nullable=True),
        sa.PrimaryKeyConstraint("platform", "event_key", name="pk_inbox"),
    )
    op.create_index("ix_inbox_user_id", "inbox", ["user_id"])
    op.create_index("ix_inbox_platform_done_at_received_at", "inbox", ["platform", "done_at", "received_at"])


def downgrade() -> None:
    """Drop inbox and outbox."""
    op.drop_index("ix_inbox_platform_done_at_received_at", table_name="inbox")
    op.drop_index("ix_inbox_user_id", table_name="inbox")
    op.drop_table("inbox")
    op.drop_index("ix_outbox_platform_sent_at_lease_until", table_name="outbox")
    op.drop_index("ix_outbox_interview_id", table_name="outbox")
    op.drop_table("outbox")
