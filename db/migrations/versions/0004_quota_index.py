"""An index for the abuse limits: a workspace's interviews by when they were last written.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The open-interview count, the answers of the last minute and the day's token total each read only the
# interviews of one platform and workspace written lately (db/quotas.py).
INDEX = "ix_interviews_platform_workspace_id_updated_at"


def upgrade() -> None:
    """Create the index."""
    op.create_index(INDEX, "interviews", ["platform", "workspace_id", "updated_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index(INDEX, table_name="interviews")
