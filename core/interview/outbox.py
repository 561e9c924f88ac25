"""The outbox: every reply is stored before it is sent, and marked sent with the platform's message id.

A reply that stands for a change of the interview (a question first asked, the scorecard) carries a key and is
stored by the store in the same transaction as that change, so a crash between the change and the send leaves it
queued. Other replies (errors, notes, transcripts) are stored by `deliver` just before they are sent. Whatever a
worker stored and did not mark sent (it crashed, or the platform failed) is sent again by `redeliver` once its lease
has run out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from core.domain.models import ConversationRef
from core.domain.replies import Reply
from core.ports import OutboxItem, OutboxStore

log = logging.getLogger(__name__)

DEFAULT_LEASE_S = 45.0  # how long a stored reply belongs to the worker that stored it before others may send it
MAX_ATTEMPTS = 5  # a reply the platform keeps refusing (channel deleted, bot removed) is given up after this


Send = Callable[[OutboxItem], Awaitable[str | None]]  # posts one item, returns the platform's message id


class Outbox:
    """Sends replies through the store: stored first, sent in order, each marked sent with its message id."""

    def __init__(self, store: OutboxStore, *, lease_s: float = DEFAULT_LEASE_S) -> None:
        self._store = store
        self.lease_s = lease_s

    async def deliver(self, conv: ConversationRef, replies: Sequence[Reply], send: Send) -> bool:
        """Store what is not stored yet, then send each in order; False when a send failed (the rest stay queued)."""
        if not replies:
            return True
        # Keyed replies were stored with their change moments ago (core.replies.keyed); the rest are stored now.
        unkeyed = [r for r in replies if r.key is None]
        stored = iter(await self._store.queue_replies(conv, unkeyed, lease_s=self.lease_s) if unkeyed else [])
        items = [OutboxItem(id=None, conv=conv, reply=r) if r.key is not None else next(stored) for r in replies]
        return await self._send_all(items, send)

    async def redeliver(self, platform: str, send: Send, *, limit: int = 50) -> int:
        """Send replies whose worker did not (its lease ran out); how many were sent."""
        items = await self._store.claim_unsent(platform, lease_s=self.lease_s, max_attempts=MAX_ATTEMPTS, limit=limit)
        sent = 0
        for item in items:
            if not await self._send_all([item], send):
                continue  # the next sweep tries again, up to MAX_ATTEMPTS
            sent += 1
        return sent

    async def pending_for(self, conv: ConversationRef) -> list[OutboxItem]:
        """Replies stored for this conversation and never marked sent, oldest first."""
        return await self._store.unsent_for(conv)

    async def send_pending(self, conv: ConversationRef, send: Send) -> int:
        """Send this conversation's unsent replies now (one person's terminal: no other worker to wait for)."""
        items = await self._store.unsent_for(conv)
        await self._send_all(items, send)
        return len(items)

    async def _send_all(self, items: Sequence[OutboxItem], send: Send) -> bool:
        for item in items:
            if item.sent:
                continue
            try:
                message_id = await send(item)
            except Exception:
                # Stop here so replies never arrive out of order; the sweeper sends this one and the rest later.
                log.exception("sending reply %s failed; it stays queued", item.id)
                return False
            await self._store.mark_sent(item_id=item.id, key=item.reply.key, message_id=message_id)
        return True
