"""Study groups' sessions: one row per thread holding the session as JSON, changed by compare-and-set on its version,
each change committed with its replies and its event's claim; and who took part, for erasure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.group_state import session_from_state, session_state
from core.domain.groups import GroupSession, Phase
from core.domain.models import ConversationRef, utcnow
from core.ports import DuplicateEvent
from core.ports.groups import Addressed, GroupExists, StoredGroup
from db.events import claim, is_duplicate_event
from db.executor import in_db_thread
from db.outbox import store_replies
from db.tables import GroupMemberRow, GroupSessionRow, table_of

GROUPS = table_of(GroupSessionRow)
GROUP_MEMBERS = table_of(GroupMemberRow)
# Built once, as the turn's statements are (db/statements.py): every thread message on Slack asks it.
GROUP_IN_THREAD = select(GROUPS).where(
    GROUPS.c.platform == bindparam("p_platform"),
    GROUPS.c.workspace_id == bindparam("p_workspace_id"),
    GROUPS.c.channel_id == bindparam("p_channel_id"),
    GROUPS.c.thread_key == bindparam("p_thread_key"),
)


class _Lost(Exception):
    """Another change of the session came first."""


def _stored(row: Any) -> StoredGroup:
    place = ConversationRef(
        platform=row.platform,
        workspace_id=row.workspace_id,
        channel_id=row.channel_id,
        thread_id=row.thread_key or None,
        user_id=row.host_id,
    )
    session = session_from_state(
        row.state, id=row.id, host=row.host_id, role=row.role, phase=row.phase, created_at=row.created_at
    )
    return StoredGroup(session, place, row.version)


def _changes(session: GroupSession) -> dict[str, Any]:
    return {"phase": session.phase.value, "state": session_state(session), "due_at": session.due_at}


def _add_members(conn: Connection, session: GroupSession, place: ConversationRef, known: set[str]) -> None:
    """Record who took part (members and leavers) that is not recorded yet."""
    new = [u for u in dict.fromkeys([*session.members, *session.left]) if u not in known]
    if new:
        conn.execute(
            insert(GROUP_MEMBERS),
            [
                {"group_id": session.id, "user_id": u, "platform": place.platform, "workspace_id": place.workspace_id}
                for u in new
            ],
        )


def _store_replies(conn: Connection, replies: Sequence[Addressed], lease_s: float) -> None:
    for conv, reply in replies:
        store_replies(conv, [reply], conn, lease_s=lease_s)


class GroupMethods:
    """The study groups' reads and writes (mixed into SqlInterviewStore; see core.ports.groups)."""

    engine: Engine

    @in_db_thread
    def create_group(
        self, session: GroupSession, place: ConversationRef, replies: Sequence[Addressed], *, lease_s: float,
        event_id: str | None,
    ) -> None:  # fmt: skip
        """Store a new session with its replies and the event claimed; GroupExists, DuplicateEvent."""
        now = utcnow()
        row = {
            "id": session.id,
            "platform": place.platform,
            "workspace_id": place.workspace_id,
            "channel_id": place.channel_id,
            "thread_key": place.thread_id or "",
            "host_id": session.host,
            "role": session.role,
            "version": 1,
            "created_at": session.created_at,
            "updated_at": now,
            **_changes(session),
        }
        try:
            with self.engine.begin() as conn:
                claim(conn, place.platform, event_id)
                conn.execute(insert(GROUPS).values(**row))
                _add_members(conn, session, place, set())
                _store_replies(conn, replies, lease_s)
        except IntegrityError as err:
            if is_duplicate_event(err):
                raise DuplicateEvent(f"event {event_id} was processed already") from err
            raise GroupExists(f"thread {place.thread_id} holds a group session") from err

    @in_db_thread
    def group_in_thread(self, place: ConversationRef) -> StoredGroup | None:
        """The session of place's thread, or None."""
        params = {
            "p_platform": place.platform,
            "p_workspace_id": place.workspace_id,
            "p_channel_id": place.channel_id,
            "p_thread_key": place.thread_id or "",
        }
        with self.engine.begin() as conn:
            row = conn.execute(GROUP_IN_THREAD, params).first()
        return _stored(row) if row else None

    @in_db_thread
    def group_by_id(self, group_id: str) -> StoredGroup | None:
        """A session by id, or None."""
        with self.engine.begin() as conn:
            row = conn.execute(select(GROUPS).where(GROUPS.c.id == group_id)).first()
        return _stored(row) if row else None

    @in_db_thread
    def save_group(
        self, stored: StoredGroup, session: GroupSession, replies: Sequence[Addressed], *, lease_s: float,
        event_id: str | None,
    ) -> bool:  # fmt: skip
        """Compare-and-set on the version, with the replies and the event's claim; False when another change won."""
        change = (
            update(GROUPS)
            .where(GROUPS.c.id == session.id, GROUPS.c.version == stored.version)
            .values(version=stored.version + 1, updated_at=utcnow(), **_changes(session))
        )
        known = {*stored.session.members, *stored.session.left}
        try:
            with self.engine.begin() as conn:
                claim(conn, stored.place.platform, event_id)
                if conn.execute(change).rowcount != 1:
                    raise _Lost  # rolls back: the event stays unclaimed, the caller reads again and retries
                _add_members(conn, session, stored.place, known)
                _store_replies(conn, replies, lease_s)
        except _Lost:
            return False
        except IntegrityError as err:
            if is_duplicate_event(err):
                raise DuplicateEvent(f"event {event_id} was processed already") from err
            raise
        return True

    @in_db_thread
    def answering_group_of(self, platform: str, workspace_id: str, user_id: str) -> StoredGroup | None:
        """The session with a question open that user_id is a member of (the newest, should there be two); an empty
        workspace_id (a DM that belongs to no workspace, as Discord's) looks in every workspace of the platform."""
        query = (
            select(GROUPS)
            .join(GROUP_MEMBERS, GROUP_MEMBERS.c.group_id == GROUPS.c.id)
            .where(
                GROUP_MEMBERS.c.user_id == user_id,
                GROUPS.c.platform == platform,
                GROUPS.c.phase == Phase.ANSWERING.value,
            )
            .order_by(GROUPS.c.updated_at.desc())
        )
        if workspace_id:
            query = query.where(GROUPS.c.workspace_id == workspace_id)
        with self.engine.begin() as conn:
            for row in conn.execute(query):
                stored = _stored(row)
                if stored.session.is_member(user_id):
                    return stored
        return None

    @in_db_thread
    def due_groups(self, platform: str, *, now: datetime, limit: int = 50) -> list[str]:
        """The ids of the platform's sessions with a deadline passed, the longest waiting first."""
        query = (
            select(GROUPS.c.id)
            .where(GROUPS.c.platform == platform, GROUPS.c.due_at <= now)
            .order_by(GROUPS.c.due_at)
            .limit(limit)
        )
        with self.engine.begin() as conn:
            return list(conn.execute(query).scalars())


def _scrub(session: GroupSession, user: str) -> None:
    """Take every trace of user out of a session they took part in but did not host."""
    session.members = [u for u in session.members if u != user]
    session.left = [u for u in session.left if u != user]
    for played in session.rounds:
        played.expected = [u for u in played.expected if u != user]
        played.answers.pop(user, None)
        played.ratings.pop(user, None)
        for given in played.ratings.values():
            given.pop(user, None)


def erase_groups(conn: Connection, *, user_id: str, platform: str | None, workspace_id: str | None) -> None:
    """In the caller's transaction: delete the sessions user_id hosted, and take them out of the others."""
    hosted = [GROUPS.c.host_id == user_id]
    took_part = [GROUP_MEMBERS.c.user_id == user_id]
    if platform is not None:
        hosted.append(GROUPS.c.platform == platform)
        took_part.append(GROUP_MEMBERS.c.platform == platform)
    if workspace_id is not None:
        hosted.append(GROUPS.c.workspace_id == workspace_id)
        took_part.append(GROUP_MEMBERS.c.workspace_id == workspace_id)
    conn.execute(delete(GROUP_MEMBERS).where(GROUP_MEMBERS.c.group_id.in_(select(GROUPS.c.id).where(*hosted))))
    conn.execute(delete(GROUPS).where(*hosted))
    ids = list(conn.execute(select(GROUP_MEMBERS.c.group_id).where(*took_part)).scalars())
    for row in conn.execute(select(GROUPS).where(GROUPS.c.id.in_(ids))).all():
        stored = _stored(row)
        _scrub(stored.session, user_id)
        conn.execute(
            update(GROUPS)
            .where(GROUPS.c.id == row.id)
            .values(version=row.version + 1, updated_at=utcnow(), **_changes(stored.session))
        )
    conn.execute(delete(GROUP_MEMBERS).where(*took_part))
