"""The service's study-group calls, mixed into InterviewService: each is one event, taken once; its public replies
go through the outbox to their conversation (the thread, or a member's DM), its private notes to the person."""

from __future__ import annotations

from datetime import datetime

from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Reply
from core.interview.group_voice import GroupVoice, length_problem, told_once
from core.interview.groups import Groups
from core.interview.parts import Parts
from core.ports import FetchAudio, ReplySender
from core.ports.groups import Addressed


class GroupMethods:
    """Study groups (InterviewService extends it; the sending is the service's)."""

    _groups: Groups
    _group_voice: GroupVoice
    _parts: Parts

    async def _send(self, conv: ConversationRef, replies: list[Reply], sender: ReplySender | None) -> list[Reply]:
        raise NotImplementedError  # InterviewService's: through the outbox and the platform's sender

    async def _deliver(self, addressed: list[Addressed], sender: ReplySender | None) -> list[Reply]:
        """Private notes told, the rest sent to their conversations in order; all of them, as sent."""
        out: list[Reply] = []
        for conv, reply in addressed:
            if reply.private:
                if sender is not None:
                    await sender.tell(reply)
                out.append(reply)
            else:
                out += await self._send(conv, [reply], sender)
        return out

    def group_problem(self, role: str, questions: int | None = None, minutes: int | None = None) -> str | None:
        """What is wrong with a study group asked for (the role, questions 1–10, minutes 1–15), or None. For
        platforms that open a thread first: ask before, so no thread opens for nothing."""
        return self._groups.problem(role, questions, minutes)

    async def group_here(self, place: ConversationRef) -> bool:
        """Whether place's thread holds a study group: its messages are nobody's interview answers."""
        return await self._parts.store.group_in_thread(place) is not None

    async def group_open(
        self, place: ConversationRef, *, role: str, questions: int | None = None, minutes: int | None = None,
        event_id: str | None = None, sender: ReplySender | None = None,
    ) -> list[Reply]:  # fmt: skip
        """Open a study group in place's thread (one per thread), hosted by place's user: the lobby."""
        opened = await self._groups.open(place, role=role, questions=questions, minutes=minutes, event_id=event_id)
        return await self._deliver(opened, sender)

    async def group_join(
        self, place: ConversationRef, *, event_id: str | None = None, sender: ReplySender | None = None
    ) -> list[Reply]:
        """place's user joins the study group of place's thread (the tenth starts it)."""
        return await self._deliver(await self._groups.join(place, place.user_id, event_id=event_id), sender)

    async def group_leave(
        self, place: ConversationRef, *, event_id: str | None = None, sender: ReplySender | None = None
    ) -> list[Reply]:
        """place's user leaves the study group."""
        return await self._deliver(await self._groups.leave(place, place.user_id, event_id=event_id), sender)

    async def group_start(
        self, place: ConversationRef, *, event_id: str | None = None, sender: ReplySender | None = None
    ) -> list[Reply]:
        """The host (place's user) starts the study group: its first question."""
        return await self._deliver(await self._groups.start(place, place.user_id, event_id=event_id), sender)

    async def group_answer(
        self, place: ConversationRef, text: str, *, source: str = "typed", event_id: str | None = None,
        sender: ReplySender | None = None, round_number: int | None = None,
    ) -> list[Reply]:  # fmt: skip
        """place's user answers the open question privately; the last expected answer reveals them all.
        round_number: the question the answer was written for (a form opened under it), refused once another is."""
        if (too_long := length_problem(self._parts, text)) is not None:  # the form's own cap may be higher
            return await self._deliver(await told_once(self._parts, place, too_long, event_id), sender)
        answered = await self._groups.answer(
            place, place.user_id, text, source=source, event_id=event_id, at=round_number or 0
        )
        return await self._deliver(answered, sender)

    async def group_rate(
        self, place: ConversationRef, rated: str, value: int, *, round_number: int, event_id: str | None = None,
        sender: ReplySender | None = None,
    ) -> list[Reply]:  # fmt: skip
        """place's user rates rated's answer to question round_number from 1 to 5 (their own too)."""
        rating = await self._groups.rate(
            place, place.user_id, rated, value, round_number=round_number, event_id=event_id
        )
        return await self._deliver(rating, sender)

    async def group_control(
        self, place: ConversationRef, action: str, *, round_number: int | None = None, event_id: str | None = None,
        sender: ReplySender | None = None,
    ) -> list[Reply]:  # fmt: skip
        """The host's controls: "skip" the open question, "next" after a reveal, "end" the session now; with
        round_number (the round the control was shown under), a skip or next for a round gone by is refused."""
        if action == "end":
            return await self._deliver(await self._groups.end(place, place.user_id, event_id=event_id), sender)
        act = {"skip": self._groups.skip, "next": self._groups.next}[action]
        return await self._deliver(await act(place, place.user_id, event_id=event_id, at=round_number or 0), sender)

    async def group_voice(
        self, member: ConversationRef, audio: bytes | FetchAudio, *, filename: str, duration_s: float | None = None,
        event_id: str | None = None, sender: ReplySender | None = None,
    ) -> list[Reply] | None:  # fmt: skip
        """A voice note member sent by DM: their answer to the open question of a study group they are in (shown
        back privately, then taken); None when no question of theirs is open, for the DM's usual handling."""
        taken = await self._group_voice.answer(
            member, audio, filename=filename, duration_s=duration_s, event_id=event_id
        )
        return None if taken is None else await self._deliver(taken, sender)

    async def send_group_deadlines(
        self, platform: str, sender: ReplySender | None, *, now: datetime | None = None
    ) -> int:
        """Close the platform's rounds whose time is up and move on after rating windows (every platform's
        sweeper calls it, so a restarted or other worker keeps the time); how many replies went out."""
        return len(await self._deliver(await self._groups.sweep(platform, now or utcnow()), sender))
