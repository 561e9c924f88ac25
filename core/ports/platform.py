"""The platform port: how the core shows replies. Each adapter (bots/slack, bots/discord, bots/terminal) implements it.

The core stores every reply of the conversation in the outbox before it calls send(), and marks it sent with the
id send() returns; a private note (a refusal meant for one person) is never stored and goes to tell().
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from core.domain.models import ConversationRef
from core.domain.replies import Reply


@dataclass(frozen=True)
class OutboxItem:
    """One stored reply of a conversation, waiting to be sent (or sent already, when sent is True)."""

    id: int | None  # the row id, when the item was read back; a fresh reply is known by its key alone
    conv: ConversationRef
    reply: Reply
    attempts: int = 0
    sent: bool = False
    # Taken over from a worker whose lease ran out: it may have posted the reply before it stopped, so a platform
    # that can look (Slack's message metadata) checks before posting again.
    taken_over: bool = False

    @property
    def ref(self) -> str:
        """What names this item on the platform side (message metadata): its key, else its row id."""
        return self.reply.key or f"#{self.id}"


class ReplySender(Protocol):
    """Shows the core's replies on one platform; made per event (it knows the event's message) or per worker."""

    async def send(self, item: OutboxItem) -> str | None:
        """Post one stored reply into its conversation; the platform's id of its (first) message."""

    async def tell(self, note: Reply) -> None:
        """Show a private note (note.private) to the person whose event it answers, or keep quiet."""

    async def working(self, on: bool) -> None:
        """Show (True) or clear (False) that the event is being worked on: a model call may take seconds."""


class AudioUnavailable(Exception):
    """The platform could not hand over a recording; the message is user-facing.

    final: the same event delivered again would fail the same way (too large), so it is answered once; otherwise
    (a download that failed) a redelivery may try again."""

    def __init__(self, message: str, *, final: bool = True) -> None:
        super().__init__(message)
        self.final = final


# Downloads a voice note of at most the given number of bytes (AudioUnavailable otherwise), when the core asks for it:
# only once the answer can be taken.
FetchAudio = Callable[[int], Awaitable[bytes]]
