"""The daily questions' schedules: kept per person, read by due time, moved on with a compare-and-set."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, insert, select, update

from core.domain.daily import DailySchedule, clock
from db.executor import in_db_thread
from db.tables import DailyQuestionRow, table_of

DAILY = table_of(DailyQuestionRow)


def _of(platform: str, workspace_id: str, user_id: str) -> list[ColumnElement[bool]]:
    return [DAILY.c.platform == platform, DAILY.c.workspace_id == workspace_id, DAILY.c.user_id == user_id]


def _schedule(row: Any) -> DailySchedule:
    hour, minute = (int(part) for part in row.local_time.split(":"))
    return DailySchedule(
        platform=row.platform,
        workspace_id=row.workspace_id,
        user_id=row.user_id,
        channel_id=row.channel_id,
        at=time(hour, minute),
        zone=row.zone,
        role=row.role,
        next_due_at=row.next_due_at,
    )


class DailyMethods:
    """The daily questions' reads and writes (mixed into SqlInterviewStore; see core.ports)."""

    engine: Engine

    @in_db_thread
    def save_daily(self, schedule: DailySchedule) -> None:
        """Keep a person's daily question, replacing the one they had."""
        s = schedule
        values = {
            "channel_id": s.channel_id,
            "local_time": clock(s.at),
            "zone": s.zone,
            "role": s.role,
            "next_due_at": s.next_due_at,
        }
        with self.engine.begin() as conn:
            # Delete and insert in one transaction: the same on SQLite and PostgreSQL, and a concurrent `daily on`
            # of the same person fails on the primary key instead of leaving two.
            conn.execute(delete(DAILY).where(*_of(s.platform, s.workspace_id, s.user_id)))
            key = {"platform": s.platform, "workspace_id": s.workspace_id, "user_id": s.user_id}
            conn.execute(insert(DAILY).values(**key, **values))

    @in_db_thread
    def daily_of(self, platform: str, workspace_id: str, user_id: str) -> DailySchedule | None:
        """A person's daily question, or None."""
        with self.engine.begin() as conn:
            row = conn.execute(select(DAILY).where(*_of(platform, workspace_id, user_id))).first()
        return _schedule(row) if row is not None else None

    @in_db_thread
    def drop_daily(self, platform: str, workspace_id: str, user_id: str) -> bool:
        """Stop a person's daily question; whether there was one."""
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(DAILY).where(*_of(platform, workspace_id, user_id))).rowcount)

    @in_db_thread
    def due_dailies(self, platform: str, *, now: datetime, limit: int = 50) -> list[DailySchedule]:
        """The platform's daily questions due by now, the longest waiting first."""
        query = (
            select(DAILY)
            .where(DAILY.c.platform == platform, DAILY.c.next_due_at <= now)
            .order_by(DAILY.c.next_due_at)
            .limit(limit)
        )
        with self.engine.begin() as conn:
            return [_schedule(row) for row in conn.execute(query)]

    @in_db_thread
    def advance_daily(self, schedule: DailySchedule, next_due_at: datetime) -> bool:
        """Move a daily question on to next_due_at, if it is still due when schedule says (no other worker, and no
        new `daily on`, moved it meanwhile); whether this call moved it."""
        s = schedule
        with self.engine.begin() as conn:
            result = conn.execute(
                update(DAILY)
                .where(*_of(s.platform, s.workspace_id, s.user_id), DAILY.c.next_due_at == s.next_due_at)
                .values(next_due_at=next_due_at)
            )
            return bool(result.rowcount)
