"""One start at a time per person and channel: of two `/mock-interview ROLE` sent together, only one goes ahead.

Each command starts its own thread, so the store's one-open-interview-per-conversation rule cannot catch two at
once, and "is one open in this channel?" is read before either has stored its interview (that takes a model call).
So a start first claims a key in the processed-events table, which every worker shares: the insert is atomic, and
two commands that read the same state of the channel compute the same key, so only one of them wins it.

The key names the person's newest interview in the channel and how many starts have finished since (either
changes once a start is over, made an interview or not, so the next start needs no wait; the count also covers
interviews erased since). It also names a time window, claimed together with the next one, so that any two
commands closer than the window share a key whatever the clock says, and so that a worker that died holding a
claim blocks the channel for two windows at most. A window outlasts a whole start (the turn deadline bounds its
model call).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bots.slack.inbound import PLATFORM
from core.interview.service import InterviewService

_POSTING_MARGIN_S = 30.0  # posting the thread's parent line and its first messages, on top of the model call


@dataclass(frozen=True)
class StartClaim:
    """A won claim to start an interview; hand it back to finished() once the start is over."""

    base: str

    def finished_key(self) -> str:
        """The event that records this start as over, so the next one computes a fresh key."""
        return f"{self.base}:finished"


class StartGuard:
    """Claims the right to start an interview for one person in one channel."""

    def __init__(self, service: InterviewService) -> None:
        self._service = service
        self._window_s = service.limits.turn_deadline_s + _POSTING_MARGIN_S

    async def claim(self, *, team: str, channel: str, user: str) -> StartClaim | None:
        """A claim when this command may start an interview here; None when another start holds it."""
        store = self._service.store
        newest = await self._service.records.history(
            user_id=user, platform=PLATFORM, workspace_id=team, channel_id=channel, limit=1
        )
        stem = f"start:{team}:{channel}:{user}:{newest[0].id if newest else '-'}"
        done = 0  # starts over since the newest interview: usually none, as a start that made one changed it
        while await store.event_seen(PLATFORM, f"{stem}:{done}:finished"):
            done += 1
        base = f"{stem}:{done}"
        window = int(time.time() // self._window_s)
        # Both claims must be won; a loser of the first claims nothing more. Claims are never undone, so a
        # command that wins this window and loses the next one (already taken by a later start) still yields.
        for n in (window, window + 1):
            if not await store.claim_event(PLATFORM, f"{base}:w{n}"):
                return None
        return StartClaim(base)

    async def finished(self, claim: StartClaim) -> None:
        """Record that the claimed start is over (whatever came of it), so the next one may go ahead at once."""
        await self._service.store.claim_event(PLATFORM, claim.finished_key())
