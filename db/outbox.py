"""The outbox and inbox tables: replies stored before they are sent, events stored before they are acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    Update,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Reply, reply_from_data, reply_to_data
from core.ports import OutboxItem
from db.executor import in_db_thread, urgent_in_db_thread
from db.statements import PLATFORM_OF
from db.tables import InboxRow, OutboxRow

OUTBOX = OutboxRow.__table__
INBOX = InboxRow.__table__


# The statements of every turn, built once (see db/statements.py).
INSERT_REPLY = insert(OUTBOX).returning(OUTBOX.c.id)
MARK_SENT_BY_ID = update(OUTBOX).where(OUTBOX.c.id == bindparam("p_id"))
MARK_SENT_BY_KEY = update(OUTBOX).where(OUTBOX.c.key == bindparam("p_key"))
INSERT_EVENT = insert(INBOX)


def _marking_handled(platform: ColumnElement[str]) -> Update:
    return (
        update(INBOX)
        .where(INBOX.c.platform == platform, INBOX.c.event_key == bindparam("p_event_key"), INBOX.c.done_at.is_(None))
        .values(done_at=bindparam("p_done_at"))
    )


# An event is handled once it is recorded as processed: the transaction that records it marks it in the inbox too.
MARK_INBOX_DONE = _marking_handled(bindparam("p_platform"))
MARK_INBOX_DONE_OF_INTERVIEW = _marking_handled(PLATFORM_OF.scalar_subquery())  # on the interview's platform


def mark_handled(conn: Connection, platform: str, event_key: str) -> None:
    """Mark a kept event handled, in the caller's transaction."""
    conn.execute(MARK_INBOX_DONE, {"p_platform": platform, "p_event_key": event_key, "p_done_at": utcnow()})


def mark_handled_of_interview(conn: Connection, interview_id: str, event_key: str) -> None:
    """Mark a kept event of an interview handled, in the caller's transaction."""
    params = {"p_interview_id": interview_id, "p_event_key": event_key, "p_done_at": utcnow()}
    conn.execute(MARK_INBOX_DONE_OF_INTERVIEW, params)


def conv_values(conv: ConversationRef) -> dict[str, str]:
    """The conversation columns of an outbox row."""
    return {
        "platform": conv.platform,
        "workspace_id": conv.workspace_id,
        "channel_id": conv.channel_id,
        "thread_key": conv.thread_id or "",
        "user_id": conv.user_id,
    }


def _item(row: Row[Any]) -> OutboxItem:
    conv = ConversationRef(
        platform=row.platform,
        workspace_id=row.workspace_id,
        channel_id=row.channel_id,
        thread_id=row.thread_key or None,
        user_id=row.user_id,
    )
    return OutboxItem(
        id=row.id, conv=conv, reply=reply_from_data(row.reply), attempts=row.attempts, sent=row.sent_at is not None
    )


def store_replies(conv: ConversationRef, replies: Sequence[Reply], conn: Connection, *, lease_s: float) -> list[int]:
    """Insert replies into the outbox in this transaction (the caller's change and its replies commit together)."""
    now = utcnow()
    ids = []
    for reply in replies:
        row = {
            **conv_values(conv),
            "key": reply.key,
            "interview_id": reply.interview_id,
            "reply": reply_to_data(reply),
            "created_at": now,
            "lease_until": now + timedelta(seconds=lease_s),
            "attempts": 0,
        }
        ids.append(conn.execute(INSERT_REPLY, row).scalar_one())
    return ids


def _same_conversation(conv: ConversationRef) -> Any:
    return and_(*(OUTBOX.c[name] == value for name, value in conv_values(conv).items()))


class OutboxMethods:
    """The store's outbox and inbox methods (mixed into SqlInterviewStore; see core.ports)."""

    engine: Engine

    @in_db_thread
    def queue_replies(self, conv: ConversationRef, replies: list[Reply], *, lease_s: float) -> list[OutboxItem]:
        """Store replies, leased to this worker; their items, in order."""
        with self.engine.begin() as conn:
            ids = store_replies(conv, replies, conn, lease_s=lease_s)
        return [OutboxItem(id=item_id, conv=conv, reply=reply) for item_id, reply in zip(ids, replies, strict=True)]

    @in_db_thread
    def mark_sent(self, *, item_id: int | None, key: str | None, message_id: str | None) -> None:
        """Record that an item (by row id, else by key) was sent, with the platform's id of its (first) message."""
        values = {"sent_at": utcnow(), "message_id": message_id}
        with self.engine.begin() as conn:
            if item_id is not None:
                conn.execute(MARK_SENT_BY_ID, {"p_id": item_id, **values})
            else:
                conn.execute(MARK_SENT_BY_KEY, {"p_key": key, **values})

    @in_db_thread
    def claim_unsent(self, platform: str, *, lease_s: float, max_attempts: int, limit: int) -> list[OutboxItem]:
        """Take over unsent items whose lease ran out, oldest first; each claim is one conditional UPDATE."""
        now = utcnow()
        unsent = and_(OUTBOX.c.sent_at.is_(None), OUTBOX.c.lease_until < now)
        query = (
            select(OUTBOX)
            .where(OUTBOX.c.platform == platform, unsent, OUTBOX.c.attempts < max_attempts)
            .order_by(OUTBOX.c.id)
            .limit(limit)
        )
        claimed = []
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            with self.engine.begin() as conn:
                # Only one worker's UPDATE matches while the lease is out: the database picks the sender.
                taken = conn.execute(
                    update(OUTBOX)
                    .where(OUTBOX.c.id == row.id, unsent)
                    .values(lease_until=now + timedelta(seconds=lease_s), attempts=OUTBOX.c.attempts + 1)
                ).rowcount
            if taken:
                claimed.append(_item(row))
        return claimed

    @in_db_thread
    def unsent_for(self, conv: ConversationRef) -> list[OutboxItem]:
        """The conversation's items never marked sent, oldest first."""
        query = select(OUTBOX).where(_same_conversation(conv), OUTBOX.c.sent_at.is_(None)).order_by(OUTBOX.c.id)
        with self.engine.begin() as conn:
            return [_item(row) for row in conn.execute(query)]

    @urgent_in_db_thread
    def inbox_put(self, platform: str, event_key: str, *, user_id: str, body: dict[str, Any]) -> bool:
        """Store an event before it is acknowledged; False when it was stored already."""
        row = {
            "platform": platform,
            "event_key": event_key,
            "user_id": user_id,
            "body": body,
            "received_at": utcnow(),
            "attempts": 0,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(INSERT_EVENT, row)
        except IntegrityError:
            return False
        return True

    @in_db_thread
    def inbox_done(self, platform: str, event_key: str) -> None:
        """Mark an event handled."""
        with self.engine.begin() as conn:
            mark_handled(conn, platform, event_key)

    @in_db_thread
    def inbox_stalled(
        self, platform: str, *, older_than_s: float, max_attempts: int, limit: int
    ) -> list[dict[str, Any]]:
        """Take over events stored longer ago than older_than_s and never handled; their bodies, oldest first."""
        now = utcnow()
        stalled = and_(INBOX.c.done_at.is_(None), INBOX.c.received_at < now - timedelta(seconds=older_than_s))
        query = (
            select(INBOX)
            .where(INBOX.c.platform == platform, stalled, INBOX.c.attempts < max_attempts)
            .order_by(INBOX.c.received_at)
            .limit(limit)
        )
        bodies = []
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            with self.engine.begin() as conn:
                # Restarting the clock is the claim: no other worker sees it stalled until older_than_s passes again.
                taken = conn.execute(
                    update(INBOX)
                    .where(INBOX.c.platform == platform, INBOX.c.event_key == row.event_key, stalled)
                    .values(received_at=now, attempts=INBOX.c.attempts + 1)
                ).rowcount
            if taken:
                bodies.append(row.body)
        return bodies

    @in_db_thread
    def purge_delivered(self, *, older_than_s: float) -> None:
        """Forget handled events and sent replies older than older_than_s."""
        cutoff = utcnow() - timedelta(seconds=older_than_s)
        with self.engine.begin() as conn:
            conn.execute(delete(INBOX).where(or_(INBOX.c.done_at < cutoff, INBOX.c.received_at < cutoff)))
            conn.execute(delete(OUTBOX).where(or_(OUTBOX.c.sent_at < cutoff, OUTBOX.c.created_at < cutoff)))
