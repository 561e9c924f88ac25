"""Storage of study groups' sessions: created once per thread, changed only by compare-and-set, each change stored
with the replies it makes and the event that made it claimed, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.domain.groups import GroupSession
from core.domain.models import ConversationRef
from core.domain.replies import Reply


class GroupExists(Exception):
    """The thread holds a group session already."""


@dataclass(frozen=True)
class StoredGroup:
    """A group session as read, with where it runs (the thread; user_id is the host) and its version."""

    session: GroupSession
    place: ConversationRef
    version: int


Addressed = tuple[ConversationRef, Reply]  # a reply and the conversation it goes to (the thread, or a member's DM)


class GroupStore(Protocol):
    """Study groups' sessions (core/interview/groups.py)."""

    async def create_group(
        self, session: GroupSession, place: ConversationRef, replies: Sequence[Addressed], *, lease_s: float,
        event_id: str | None,
    ) -> None:  # fmt: skip
        """Store a new session in place's thread with its replies and event_id claimed; GroupExists when the thread
        has one, DuplicateEvent for an event processed already."""

    async def group_in_thread(self, place: ConversationRef) -> StoredGroup | None:
        """The session of place's thread (whoever place's user is), or None."""

    async def group_by_id(self, group_id: str) -> StoredGroup | None:
        """A session by its id, or None."""

    async def save_group(
        self, stored: StoredGroup, session: GroupSession, replies: Sequence[Addressed], *, lease_s: float,
        event_id: str | None,
    ) -> bool:  # fmt: skip
        """Store session in place of stored if it is still at stored's version, with its replies and event_id
        claimed; False when another change came first (nothing stored), DuplicateEvent for an event seen."""

    async def answering_group_of(self, platform: str, workspace_id: str, user_id: str) -> StoredGroup | None:
        """The session with a question open that user_id is a member of, or None; an empty workspace_id (a DM that
        belongs to no workspace, as Discord's) matches any of the platform's."""

    async def due_groups(self, platform: str, *, now: datetime, limit: int = 50) -> list[str]:
        """The ids of the platform's sessions with a deadline passed by now, the longest waiting first."""
