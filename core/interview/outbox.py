"""The outbox: every reply of a conversation is stored before it is sent, and marked sent with the platform's id.

A reply that stands for a change of the interview (a question first asked, the scorecard) is keyed by that change
and stored by the store in the same transaction as the change, so a crash between the change and the send leaves
it queued, and a worker racing to make the same change conflicts instead of storing a second copy. Any other reply
(a refusal, a note, a transcript) gets a key of its own and is stored in its own transaction, with the claim of
the event it answers when nothing else records that event. Whatever a worker stored and did not mark sent (it
crashed, or the platform failed) is sent again by another worker once its lease has run out.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from core.domain.models import ConversationRef
from core.domain.replies import Reply, keyed
from core.ports import OutboxItem, OutboxStore, ReplySender

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # a reply the platform keeps refusing (channel deleted, bot removed) is given up after this


def with_own_keys(replies: Sequence[Reply]) -> list[Reply]:
    """The replies, each not keyed yet given a key of its own (private notes are never stored: left as they are)."""
    return [
        r if r.key is not None or r.private else keyed(r, f"{r.interview_id or '-'}:{uuid.uuid4().hex}")
        for r in replies
    ]


class Outbox:
    """Stores replies, sends them through a platform's ReplySender in order, and marks each sent."""

    def __init__(self, store: OutboxStore, *, lease_s: float) -> None:
        self._store = store
        self.lease_s = lease_s  # how long a stored reply belongs to the worker that stored it

    async def queue(
        self, conv: ConversationRef, replies: Sequence[Reply], *, event_id: str | None = None
    ) -> list[Reply]:
        """Store replies (keyed now when they are not), with event_id claimed in the same transaction; the stored
        replies. DuplicateEvent when the event was processed already."""
        stored = with_own_keys(replies)
        public = [r for r in stored if not r.private]
        if public or event_id is not None:
            await self._store.queue_replies(conv, public, lease_s=self.lease_s, event_id=event_id)
        return stored

    async def store_unstored(self, conv: ConversationRef, replies: Sequence[Reply]) -> list[Reply]:
        """The replies, those not stored yet (a notice added to a step's own) now stored too."""
        unstored = [r for r in replies if r.key is None and not r.private]
        if not unstored:
            return list(replies)
        stored = iter(await self.queue(conv, unstored))
        return [next(stored) if r.key is None and not r.private else r for r in replies]

    async def deliver(self, conv: ConversationRef, replies: Sequence[Reply], sender: ReplySender) -> bool:
        """Store what is not stored yet, then send each reply in order (private notes to tell()); False when a
        send failed (it and the rest stay queued for the sweeper)."""
        replies = await self.store_unstored(conv, replies)
        for reply in replies:
            if reply.private:
                await sender.tell(reply)
            elif not await self._send(OutboxItem(id=None, conv=conv, reply=reply), sender):
                return False
        return True

    async def redeliver(self, platform: str, sender: ReplySender, *, limit: int = 50) -> int:
        """Send replies whose worker did not (its lease ran out); how many were sent."""
        items = await self._store.claim_unsent(platform, lease_s=self.lease_s, max_attempts=MAX_ATTEMPTS, limit=limit)
        sent = 0
        for item in items:
            if await self._send(item, sender):  # else the next sweep tries again, up to MAX_ATTEMPTS
                sent += 1
        return sent

    async def unsent(self, conv: ConversationRef) -> list[OutboxItem]:
        """Replies stored for this conversation and never marked sent, oldest first."""
        return await self._store.unsent_for(conv)

    async def send_unsent(self, conv: ConversationRef, sender: ReplySender) -> int:
        """Send this conversation's unsent replies now (one person's terminal: no other worker to wait for)."""
        items = await self._store.unsent_for(conv)
        for item in items:
            if not await self._send(item, sender):
                break
        return len(items)

    async def _send(self, item: OutboxItem, sender: ReplySender) -> bool:
        if item.sent:
            return True
        try:
            message_id = await sender.send(item)
        except Exception:
            # Stop here so replies never arrive out of order; the sweeper sends this one and the rest later.
            log.exception("sending reply %s failed; it stays queued", item.ref)
            return False
        await self._store.mark_sent(item_id=item.id, key=item.reply.key, message_id=message_id)
        return True
