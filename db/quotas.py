"""The store's reads behind the abuse limits (core/quotas.py): small, and each served by an index."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, func, select

from db.executor import in_db_thread
from db.statements import INTERVIEWS, IS_OPEN, TURNS, USAGE

# Every write to a turn bumps its interview's updated_at, so an interview last written before `since` holds no
# answer given since: that bound lets ix_interviews_platform_workspace_id_updated_at skip the old ones.
# Usage is recorded by the turn that wrote the interview, or by a grade or summary finishing minutes after it;
# a day's margin keeps every one of those rows in while still skipping the workspace's old interviews.
USAGE_LAG = timedelta(days=1)

_OF_PERSON = (
    INTERVIEWS.c.platform == bindparam("p_platform"),
    INTERVIEWS.c.workspace_id == bindparam("p_workspace_id"),
    INTERVIEWS.c.user_id == bindparam("p_user_id"),
)
COUNT_OPEN = select(func.count()).select_from(INTERVIEWS).where(*_OF_PERSON, IS_OPEN)
ANSWER_TIMES = (
    select(TURNS.c.answered_at)
    .join(INTERVIEWS, INTERVIEWS.c.id == TURNS.c.interview_id)
    .where(
        *_OF_PERSON,
        INTERVIEWS.c.updated_at >= bindparam("p_since"),
        TURNS.c.answered_at >= bindparam("p_since"),
    )
    .order_by(TURNS.c.answered_at.desc())
    .limit(bindparam("p_limit"))
)


class QuotaMethods:
    """The limits' reads, mixed into SqlInterviewStore (see core.ports)."""

    engine: Engine

    @in_db_thread
    def count_open_interviews(self, *, platform: str, workspace_id: str, user_id: str) -> int:
        """How many active or paused interviews the person has on that platform and workspace."""
        params = {"p_platform": platform, "p_workspace_id": workspace_id, "p_user_id": user_id}
        with self.engine.begin() as conn:
            return int(conn.execute(COUNT_OPEN, params).scalar_one())

    @in_db_thread
    def answer_times(
        self, *, platform: str, workspace_id: str, user_id: str, since: datetime, limit: int
    ) -> list[datetime]:
        """When the person's answers since `since` were given, newest first, at most limit."""
        params = {
            "p_platform": platform,
            "p_workspace_id": workspace_id,
            "p_user_id": user_id,
            "p_since": since,
            "p_limit": limit,
        }
        with self.engine.begin() as conn:
            return list(conn.execute(ANSWER_TIMES, params).scalars())

    @in_db_thread
    def tokens_since(self, *, platform: str, workspace_id: str, user_id: str | None, since: datetime) -> int:
        """Billed tokens of the workspace's (or the person's) model calls since `since` (cached input: a quarter)."""
        # Providers bill cached input at about a quarter, and the grader's prompt is sized to be cached: counting it in
        # full would spend a budget faster on the cheaper calls.
        billed = USAGE.c.prompt_tokens + USAGE.c.completion_tokens - (USAGE.c.cached_tokens * 3) / 4
        query = (
            select(func.coalesce(func.sum(billed), 0))
            .select_from(USAGE.join(INTERVIEWS, INTERVIEWS.c.id == USAGE.c.interview_id))
            .where(
                INTERVIEWS.c.platform == platform,
                INTERVIEWS.c.workspace_id == workspace_id,
                INTERVIEWS.c.updated_at >= since - USAGE_LAG,
                USAGE.c.created_at >= since,
            )
        )
        if user_id is not None:
            query = query.where(INTERVIEWS.c.user_id == user_id)
        with self.engine.begin() as conn:
            return int(conn.execute(query).scalar_one())
