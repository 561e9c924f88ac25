"""The service's starts, mixed into InterviewService: a new interview, a review, a question tried again, the daily
question, and the gate a platform passes before it opens a thread for one."""

from __future__ import annotations

import asyncio
from datetime import datetime

from core.domain.commands import Level
from core.domain.daily import DailyProblem, DailyRequest, parse_daily
from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Reply
from core.domain.tailoring import TailorRequest
from core.interview.daily import Dailies, dm_of
from core.interview.parts import Parts
from core.interview.reading import InterviewNotFound, Reading
from core.interview.retry import cannot_try_again
from core.interview.starting import StartGate, Starts
from core.interview.tailoring import Tailors
from core.ports import ReplySender

_DAILY_BATCHES = 40  # of 50 schedules each: one sweep sends at most 2,000 daily questions


class StartMethods(Reading):
    """Starting interviews (InterviewService extends it; the lock and the sending are the service's)."""

    _parts: Parts
    _starts: Starts
    _dailies: Dailies
    _tailors: Tailors

    def _lock(self, conv: ConversationRef) -> asyncio.Lock:
        raise NotImplementedError  # InterviewService's: one lock per conversation

    async def _send(self, conv: ConversationRef, replies: list[Reply], sender: ReplySender | None) -> list[Reply]:
        raise NotImplementedError  # InterviewService's: through the outbox and the platform's sender

    def start_problem(self, role: str, questions: int | None = None) -> str | None:
        """What is wrong with a start asked for (an unknown role, a count out of range), or None."""
        return self._starts.problem(role, questions)

    async def start(
        self,
        conv: ConversationRef,
        *,
        role: str,
        questions: int | None = None,
        level: Level | str | None = None,
        language: str | None = None,
        replace: bool = False,
        event_id: str | None = None,
        sender: ReplySender | None = None,
        review: bool = False,
    ) -> list[Reply]:
        """Start an interview (or show the one already open here, unless replace abandons it); review asks the
        questions due on the person's spaced-review schedule instead of new ones."""
        async with self._lock(conv):
            replies = await self._starts.start(
                conv,
                role=role,
                questions=questions,
                level=level,
                language=language,
                replace=replace,
                event_id=event_id,
                review=review,
            )
        return await self._send(conv, replies, sender)

    async def review_refusal(self, *, platform: str, user_id: str, role: str) -> str | None:
        """What to say instead of opening a review (nothing is due, and when it will be); None when one is due.
        For platforms that open a thread before starting: ask first, so no thread opens for nothing."""
        pack = self._parts.catalog.resolve(role)
        plan, nothing_due = await self._starts.review_plan(platform, user_id, pack, 1)
        return None if plan else nothing_due

    async def open_start(self, place: ConversationRef, *, event_id: str | None, one_per_channel: bool) -> StartGate:
        """Before a platform opens a thread for a new interview: claim the event, and with one_per_channel keep one
        start at a time and one open interview per person in the channel. Close the gate once the start is over."""
        return await self._starts.open_gate(place, event_id=event_id, one_per_channel=one_per_channel)

    async def close_start(self, gate: StartGate) -> None:
        """Let the next start in the gate's channel go ahead."""
        await self._starts.close_gate(gate)

    async def tailor_problem(self, request: TailorRequest) -> str | None:
        """What stops a tailored start (nothing sent, a file that cannot be read, a posting not in English or for
        none of our roles, a résumé with neither posting nor role, a bad count), or None. For platforms that open a
        thread or show a form first: ask before, so nothing half-starts."""
        brief = await self._tailors.brief(request)
        return brief if isinstance(brief, str) else None

    async def tailor(
        self,
        conv: ConversationRef,
        request: TailorRequest,
        *,
        replace: bool = False,
        event_id: str | None = None,
        sender: ReplySender | None = None,
    ) -> list[Reply]:
        """Start an interview tailored to a job posting, a résumé or both (or say what stops it; replace abandons
        one open here): questions aimed at the posting's requirements and the résumé's claims, and a fit section
        on the scorecard."""
        async with self._lock(conv):
            replies = await self._tailors.start(conv, request, event_id=event_id, replace=replace)
        return await self._send(conv, replies, sender)

    async def try_again(
        self,
        conv: ConversationRef,
        id_or_prefix: str,
        seq: int,
        *,
        event_id: str | None = None,
        sender: ReplySender | None = None,
    ) -> list[Reply]:
        """Ask the main question of answer seq of one of the person's finished interviews again, in conv: one
        question, no follow-ups, and a scorecard saying how the score moved."""
        async with self._lock(conv):
            try:
                original = await self._find(
                    id_or_prefix, user_id=conv.user_id, platform=conv.platform, workspace_id=None
                )
            except InterviewNotFound as exc:
                replies = [cannot_try_again(str(exc))]
            else:
                replies = await self._starts.try_again(conv, original, seq, event_id=event_id)
        return await self._send(conv, replies, sender)

    async def daily_words(self, conv: ConversationRef, text: str) -> DailyRequest | DailyProblem | None:
        """The `daily` command a DM message is, or None. While a question is open there, only a clear one counts:
        what does not parse, or names no known role, is an answer that begins with "daily"."""
        parsed = parse_daily(text)
        if parsed is None or not await self.is_open(conv):
            return parsed
        if isinstance(parsed, DailyProblem) or (parsed.role and self.start_problem(parsed.role)):
            return None
        return parsed

    async def daily_problem(self, person: ConversationRef, request: DailyRequest) -> str | None:
        """What stops a `daily` command (an unknown role, nothing practised and no role named), or None. For
        platforms that must find the person's DM first: ask before, so nothing is posted there for nothing."""
        return await self._dailies.problem(person, request)

    async def daily(
        self, dm: ConversationRef, request: DailyRequest, *, zone: str | None = None, now: datetime | None = None
    ) -> str:
        """Turn the person's daily question on (in dm, their DM with the bot; zone: the time zone the platform knows
        for them) or off, or say when it comes; what to tell them."""
        return await self._dailies.change(dm, request, zone=zone, now=now or utcnow())

    async def send_daily(self, platform: str, sender: ReplySender | None, *, now: datetime | None = None) -> int:
        """Send the platform's daily questions that are due (each exactly once, whichever worker finds it); how
        many went out."""
        now = now or utcnow()
        sent = 0
        # Batches until none is due (each one moves its schedules on), up to a bound, so a crowd due at 09:00 gets
        # theirs in this sweep rather than 50 per sweep, and a sweep still ends.
        for _ in range(_DAILY_BATCHES):
            due = await self._dailies.due(platform, now)
            for schedule in due:
                conv = dm_of(schedule)
                async with self._lock(conv):
                    replies = await self._dailies.ask(schedule, now)
                if replies:
                    await self._send(conv, replies, sender)
                    sent += 1
            if not due:
                break
        return sent
