"""Erasing a person's data: their interviews with turns and usage records, their daily question, their part in study
groups, and the replies and events holding what they wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, Table, delete, func, select

from core.domain.models import DeletedData
from db.daily import DAILY
from db.events import INBOX
from db.groups import erase_groups
from db.outbox import OUTBOX
from db.statements import INTERVIEWS, TURNS, USAGE


def _owned_by(table: Table, user_id: str, platform: str | None, workspace_id: str | None) -> list[Any]:
    """WHERE clauses picking a person's rows of table (by user, and platform and workspace when given)."""
    clauses = [table.c.user_id == user_id]
    if platform is not None:
        clauses.append(table.c.platform == platform)
    if workspace_id is not None:
        clauses.append(table.c.workspace_id == workspace_id)
    return clauses


def erase(
    conn: Connection, owned: Select[Any], *, user_id: str, platform: str | None, workspace_id: str | None
) -> DeletedData:
    """Delete a person's replies, kept events, daily question, and the interviews of owned (with their turns and
    usage), in the caller's transaction; what was removed."""
    # Replies and events not tied to an interview (notes, refusals) can still hold what the person wrote.
    conn.execute(delete(OUTBOX).where(*_owned_by(OUTBOX, user_id, platform, workspace_id)))
    conn.execute(delete(INBOX).where(*_owned_by(INBOX, user_id, platform, None)))
    conn.execute(delete(DAILY).where(*_owned_by(DAILY, user_id, platform, workspace_id)))
    erase_groups(conn, user_id=user_id, platform=platform, workspace_id=workspace_id)
    ids = list(conn.execute(owned).scalars())
    if not ids:
        return DeletedData()
    answers = conn.execute(
        select(func.count()).where(TURNS.c.interview_id.in_(ids), TURNS.c.answer.is_not(None))
    ).scalar_one()
    usage = conn.execute(select(func.count()).where(USAGE.c.interview_id.in_(ids))).scalar_one()
    # Turns and usage rows go with their interview (ON DELETE CASCADE); said explicitly all the same,
    # so erasure never depends on a connection's foreign-key setting.
    conn.execute(delete(OUTBOX).where(OUTBOX.c.interview_id.in_(ids)))
    conn.execute(delete(TURNS).where(TURNS.c.interview_id.in_(ids)))
    conn.execute(delete(USAGE).where(USAGE.c.interview_id.in_(ids)))
    conn.execute(delete(INTERVIEWS).where(INTERVIEWS.c.id.in_(ids)))
    return DeletedData(interviews=len(ids), answers=int(answers), usage_records=int(usage))
