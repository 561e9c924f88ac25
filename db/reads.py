"""The store's reads that no turn needs: history lists, id lookups, usage totals, who holds a thread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select

from core.domain.models import ConversationRef, Interview, InterviewSummary, TurnKind, UsageTotals
from db.executor import in_db_thread
from db.mapping import summary_from_row
from db.statements import INTERVIEWS, IS_OPEN, load_interview
from db.tables import InterviewRow, LlmUsageRow, TurnRow

_FIND_LIMIT = 10


class ReadMethods:
    """Reads mixed into SqlInterviewStore (see core.ports)."""

    engine: Engine

    @in_db_thread
    def find_interview_ids(
        self,
        prefix: str,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
    ) -> list[str]:
        """Ids starting with prefix (case-insensitive), filtered by whichever of user, platform and workspace are
        given; at most 10."""
        query = select(InterviewRow.id).where(InterviewRow.id.istartswith(prefix, autoescape=True))
        for column, value in (
            (InterviewRow.user_id, user_id),
            (InterviewRow.platform, platform),
            (InterviewRow.workspace_id, workspace_id),
        ):
            if value is not None:
                query = query.where(column == value)
        query = query.order_by(InterviewRow.created_at.desc(), InterviewRow.id).limit(_FIND_LIMIT)
        with self.engine.begin() as conn:
            return list(conn.execute(query).scalars())

    @in_db_thread
    def list_interviews(
        self,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
        limit: int = 20,
        channel_id: str | None = None,
    ) -> list[InterviewSummary]:
        """Interviews newest first, filtered by whichever of user, platform, workspace and channel are given."""
        # A correlated count keeps it to one query whatever the number of interviews.
        answered = (
            select(func.count(TurnRow.id))
            .where(TurnRow.interview_id == InterviewRow.id, TurnRow.answer.is_not(None))
            .correlate(InterviewRow)
            .scalar_subquery()
        )
        query = select(INTERVIEWS, answered.label("answered"))
        for column, value in (
            (InterviewRow.user_id, user_id),
            (InterviewRow.platform, platform),
            (InterviewRow.workspace_id, workspace_id),
            (InterviewRow.channel_id, channel_id),
        ):
            if value is not None:
                query = query.where(column == value)
        query = query.order_by(InterviewRow.created_at.desc(), InterviewRow.id).limit(max(limit, 0))
        with self.engine.begin() as conn:
            return [summary_from_row(row, row.answered) for row in conn.execute(query)]

    @in_db_thread
    def asked_questions(self, *, platform: str, user_id: str, role: str) -> dict[str, datetime]:
        """Pack question id -> when this person was last asked it as a main question in that role.

        Any workspace: a Discord user is one person in every server and DM, and a Slack user id names one person.
        """
        query = (
            select(InterviewRow.state, TurnRow.question_index, func.max(TurnRow.asked_at))
            .join(TurnRow, TurnRow.interview_id == InterviewRow.id)
            .where(
                InterviewRow.platform == platform,
                InterviewRow.user_id == user_id,
                InterviewRow.role == role,
                TurnRow.kind == TurnKind.QUESTION.value,
                TurnRow.question_index.is_not(None),
            )
            .group_by(InterviewRow.id, TurnRow.question_index)
        )
        asked: dict[str, datetime] = {}
        with self.engine.begin() as conn:
            for state, index, at in conn.execute(query):
                plan = (state or {}).get("plan") or []
                if isinstance(index, int) and 0 <= index < len(plan) and isinstance(plan[index], str):
                    asked[plan[index]] = max(at, asked.get(plan[index], at))
        return asked

    @in_db_thread
    def interviews_of(
        self, *, platform: str, user_id: str, role: str | None = None, limit: int = 500
    ) -> list[Interview]:
        """A person's interviews whole (any workspace), oldest first: the newest `limit`, in one role if given."""
        query = select(INTERVIEWS).where(INTERVIEWS.c.platform == platform, INTERVIEWS.c.user_id == user_id)
        if role is not None:
            query = query.where(INTERVIEWS.c.role == role)
        query = query.order_by(INTERVIEWS.c.created_at.desc(), INTERVIEWS.c.id).limit(max(limit, 0))
        with self.engine.begin() as conn:
            return [load_interview(conn, row) for row in reversed(conn.execute(query).all())]

    @in_db_thread
    def usage_totals(self, interview_id: str) -> UsageTotals:
        """Sum of the interview's recorded usage."""
        query = select(
            func.coalesce(func.sum(LlmUsageRow.prompt_tokens), 0),
            func.coalesce(func.sum(LlmUsageRow.cached_tokens), 0),
            func.coalesce(func.sum(LlmUsageRow.completion_tokens), 0),
            func.count(LlmUsageRow.id),
        ).where(LlmUsageRow.interview_id == interview_id)
        with self.engine.begin() as conn:
            prompt, cached, completion, calls = conn.execute(query).one()
        return UsageTotals(
            prompt_tokens=int(prompt),
            cached_tokens=int(cached),
            completion_tokens=int(completion),
            calls=int(calls),
        )

    @in_db_thread
    def thread_owner(self, conv: ConversationRef) -> str | None:
        """The candidate of the newest interview held in conv's thread, whatever its status."""
        query = (
            select(INTERVIEWS.c.user_id)
            .where(
                INTERVIEWS.c.platform == conv.platform,
                INTERVIEWS.c.channel_id == conv.channel_id,
                INTERVIEWS.c.thread_key == (conv.thread_id or ""),
                INTERVIEWS.c.workspace_id == conv.workspace_id,
            )
            .order_by(INTERVIEWS.c.created_at.desc())
            .limit(1)
        )
        with self.engine.begin() as conn:
            return conn.execute(query).scalar()

    @in_db_thread
    def open_in_channel(self, *, platform: str, workspace_id: str, channel_id: str, user_id: str) -> Interview | None:
        """The person's open interview in any thread of a channel, or None."""
        query = select(INTERVIEWS).where(
            INTERVIEWS.c.platform == platform,
            INTERVIEWS.c.workspace_id == workspace_id,
            INTERVIEWS.c.channel_id == channel_id,
            INTERVIEWS.c.user_id == user_id,
            IS_OPEN,
        )
        with self.engine.begin() as conn:
            row = conn.execute(query.limit(1)).first()
            return load_interview(conn, row) if row else None
