"""The outbox and inbox tables: replies stored before they are sent, events stored before they are acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
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
from core.ports import DuplicateEvent, OutboxItem
from db.events import claim, is_duplicate_event
from db.executor import in_db_thread, urgent_in_db_thread
from db.tables import InboxRow, OutboxRow, table_of

OUTBOX = table_of(OutboxRow)
INBOX = table_of(InboxRow)


# The statements of every turn, built once (see db/statements.py).
INSERT_REPLY = insert(OUTBOX).returning(OUTBOX.c.id)
MARK_SENT_BY_ID = update(OUTBOX).where(OUTBOX.c.id == bindparam("p_id"))
MARK_SENT_BY_KEY = update(OUTBOX).where(OUTBOX.c.key == bindparam("p_key"))
INSERT_EVENT = insert(INBOX)


def conv_values(conv: ConversationRef) -> dict[str, str]:
    """The conversation columns of an outbox row."""
    return {
        "platform": conv.platform,
        "workspace_id": conv.workspace_id,
        "channel_id": conv.channel_id,
        "thread_key": conv.thread_id or "",
        "user_id": conv.user_id,
    }


def _item(row: Row[Any], *, taken_over: bool = False) -> OutboxItem:
    conv = ConversationRef(
        platform=row.platform,
        workspace_id=row.workspace_id,
        channel_id=row.channel_id,
        thread_id=row.thread_key or None,
        user_id=row.user_id,
    )
    return OutboxItem(
        id=row.id,
        conv=conv,
        reply=reply_from_data(row.reply),
        attempts=row.attempts,
        sent=row.sent_at is not None,
        taken_over=taken_over,
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
    def queue_replies(
        self, conv: ConversationRef, replies: Sequence[Reply], *, lease_s: float, event_id: str | None = None
    ) -> None:
        """Store keyed replies leased to this worker, with event_id claimed; DuplicateEvent for a claimed event."""
        try:
            with self.engine.begin() as conn:
                claim(conn, conv.platform, event_id)
                store_replies(conv, replies, conn, lease_s=lease_s)
        except IntegrityError as err:
            if is_duplicate_event(err):
                raise DuplicateEvent(f"event {event_id} was processed already") from err
            raise

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
                claimed.append(_item(row, taken_over=True))
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
