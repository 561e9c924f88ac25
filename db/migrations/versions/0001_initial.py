"""Initial schema: interviews, turns, processed_events, llm_usage.

Revision ID: 0001
Revises:
Create Date: 2025-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from db/tables.py: a migration must not change when the models do.
OPEN_STATUS = sa.text("status IN ('active', 'paused')")


def _datetime() -> sa.DateTime:
    """The timestamp type of every *_at column."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables and their indexes."""
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("thread_key", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("planned_questions", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(32), nullable=True),
        sa.Column("language", sa.String(32), nullable=True),
        sa.Column("created_at", _datetime(), nullable=False),
        sa.Column("updated_at", _datetime(), nullable=False),
        sa.Column("ended_at", _datetime(), nullable=True),
        sa.Column("overall_score", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("state", sa.JSON(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_interviews"),
    )
    op.create_index(
        "uq_interviews_open_conversation",
        "interviews",
        ["platform", "workspace_id", "channel_id", "thread_key", "user_id"],
        unique=True,
        sqlite_where=OPEN_STATUS,
        postgresql_where=OPEN_STATUS,
    )
    op.create_index("ix_interviews_user_id_created_at", "interviews", ["user_id", "created_at"])
    op.create_index("ix_interviews_created_at", "interviews", ["created_at"])

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interview_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=True),
        sa.Column("asked_at", _datetime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("answered_at", _datetime(), nullable=True),
        sa.Column("answer_event_id", sa.String(255), nullable=True),
        sa.Column("audio_seconds", sa.Float(), nullable=True),
        sa.Column("skipped", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("hint_requested", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("grade", sa.JSON(), nullable=True),
        sa.Column("graded_at", _datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_turns"),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name="fk_turns_interview_id_interviews",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("interview_id", "seq", name="uq_turns_interview_id_seq"),
    )

    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("created_at", _datetime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id", name="pk_processed_events"),
    )

    op.create_table(
        "llm_usage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interview_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("cached_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", _datetime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_llm_usage"),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name="fk_llm_usage_interview_id_interviews",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_llm_usage_interview_id", "llm_usage", ["interview_id"])


def downgrade() -> None:
    """Drop everything upgrade created, children first."""
    op.drop_index("ix_llm_usage_interview_id", table_name="llm_usage")
    op.drop_table("llm_usage")
    op.drop_table("processed_events")
    op.drop_table("turns")
    op.drop_index("ix_interviews_created_at", table_name="interviews")
    op.drop_index("ix_interviews_user_id_created_at", table_name="interviews")
    op.drop_index("uq_interviews_open_conversation", table_name="interviews")
    op.drop_table("interviews")
