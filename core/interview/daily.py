"""The daily question: one question a day in the person's DM, at the local time they chose, answered there and
graded at once.

It is the question most due on their spaced-review schedule (core/interview/review.py), else one they were never
asked, from the role they chose or, without one, the roles they practise. The schedule is stored, and each day's
question is one interview claimed by the event `daily:<workspace>:<user>:<local date>`: whichever worker finds it due
starts it, the others' copies are duplicates, and the schedule moves on with a compare-and-set. A day is skipped,
not postponed, when an interview is open in that DM, the person's limits refuse a start, or no worker ran within
LATE_LIMIT of the due time (a question at 3 a.m. after an outage helps nobody).
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain.daily import (
    DEFAULT_AT,
    LATE_LIMIT,
    USAGE,
    DailyAction,
    DailyRequest,
    DailySchedule,
    clock,
    next_due,
)
from core.domain.models import DAILY, ConversationRef
from core.domain.replies import Reply
from core.domain.roles import RolePack
from core.interview.parts import Parts
from core.interview.plan import make_plan
from core.interview.review import due_questions, review_schedule
from core.interview.starting import Starts

NO_ROLE = (
    "Which role should the questions come from? Name one, for example `daily on data-science 08:00`, or finish an "
    "interview first and I'll use the roles you practise."
)


class Dailies:
    """Turns daily questions on and off, and sends the ones due."""

    def __init__(self, parts: Parts, starts: Starts, rng: random.Random) -> None:
        self._parts = parts
        self._starts = starts
        self._rng = rng

    async def problem(self, person: ConversationRef, request: DailyRequest) -> str | None:
        """What stops `daily on` (an unknown role, no role and nothing practised yet), or None."""
        current = await self._parts.store.daily_of(person.platform, person.workspace_id, person.user_id)
        return await self._problem(person, request, has_daily=current is not None)

    async def _problem(self, person: ConversationRef, request: DailyRequest, *, has_daily: bool) -> str | None:
        if request.action is not DailyAction.ON:
            return None
        if request.role is not None:
            return self._starts.problem(request.role, None)
        if has_daily:
            return None  # changing the time of one on already
        return None if await self._roles(person) else NO_ROLE

    async def change(self, dm: ConversationRef, request: DailyRequest, *, zone: str | None, now: datetime) -> str:
        """Act on `daily on|off` or show the person's daily question; what to tell them. dm: their DM with the bot
        (the question comes there); zone: the time zone the platform knows for them, if any."""
        store = self._parts.store
        current = await store.daily_of(dm.platform, dm.workspace_id, dm.user_id)
        if request.action is DailyAction.OFF:
            stopped = await store.drop_daily(dm.platform, dm.workspace_id, dm.user_id)
            return "Daily question off: no more questions by DM." if stopped else "You have no daily question on."
        if request.action is DailyAction.STATUS:
            return self._status(current) if current else f"You have no daily question on. {USAGE}"
        if request.role is None and current is not None:  # a new time or zone keeps the role chosen before
            request = dataclasses.replace(request, role=current.role)
        if problem := await self._problem(dm, request, has_daily=current is not None):
            return problem
        role = self._parts.catalog.resolve(request.role).id if request.role else None
        chosen_zone = request.zone or zone or (current.zone if current else None)
        at = request.at or (current.at if current else DEFAULT_AT)
        schedule = DailySchedule(
            platform=dm.platform,
            workspace_id=dm.workspace_id,
            user_id=dm.user_id,
            channel_id=dm.channel_id,
            at=at,
            zone=chosen_zone or "UTC",
            role=role,
            next_due_at=next_due(at, chosen_zone or "UTC", after=now),
        )
        await store.save_daily(schedule)
        guessed = "" if chosen_zone else " I don't know your time zone, so that is UTC: add `tz=Europe/Berlin` (yours)."
        return f"Daily question on. {self._status(schedule)}{guessed}"

    def _status(self, schedule: DailySchedule) -> str:
        """When the person's daily question comes, and from which questions."""
        local = schedule.next_due_at.astimezone(ZoneInfo(schedule.zone))
        source = f"your {self._parts.title_of(schedule.role)} questions" if schedule.role else "the roles you practise"
        return (
            f"One question comes here every day at {clock(schedule.at)} ({schedule.zone}), from {source}, the ones "
            f"due for review first; the next on {local:%a %d %b}. `daily off` stops it."
        )

    async def due(self, platform: str, now: datetime) -> list[DailySchedule]:
        """The platform's daily questions due by now."""
        return await self._parts.store.due_dailies(platform, now=now)

    async def ask(self, schedule: DailySchedule, now: datetime) -> list[Reply]:
        """Start the day's question of one schedule (unless it is skipped, or another worker did), then move the
        schedule to the next day; the replies to send."""
        conv = dm_of(schedule)
        replies: list[Reply] = []
        if now - schedule.next_due_at <= LATE_LIMIT:
            replies = await self._start(conv, schedule, now)
        # After the start: a worker that stops in between leaves the schedule due, and the next finds the day's
        # claim taken. Moved on from the due time it had, so every worker computes the same next one.
        following = next_due(schedule.at, schedule.zone, after=max(now, schedule.next_due_at))
        await self._parts.store.advance_daily(schedule, following)
        return replies

    async def _start(self, conv: ConversationRef, schedule: DailySchedule, now: datetime) -> list[Reply]:
        parts = self._parts
        if await parts.store.event_seen(conv.platform, schedule.event_id):
            return []  # today's went out already (another worker, or this one before a restart)
        if await parts.store.get_open_interview(conv) or await parts.quotas.refuse_start(conv):
            return []  # the person is in an interview here, or at their limit: today's is skipped, quietly
        picked = await self._pick(conv, schedule.role, now)
        if picked is None:
            return []
        pack, question_id, review = picked
        question = next(q for q in pack.questions if q.id == question_id)
        state = {DAILY: True, **({"review": True} if review else {})}
        return await self._starts.ask_one(conv, pack, question, state, schedule.event_id)

    async def _pick(
        self, person: ConversationRef, role: str | None, now: datetime
    ) -> tuple[RolePack, str, bool] | None:
        """The pack and question of today's question, and whether it is due for review."""
        store, catalog = self._parts.store, self._parts.catalog
        interviews = await store.interviews_of(platform=person.platform, user_id=person.user_id)
        roles = [role] if role else list(dict.fromkeys(i.role for i in reversed(interviews)))  # most recent first
        packs = [catalog.packs[r] for r in roles if r in catalog.packs]
        if not packs:
            return None
        due = [(item, pack) for pack in packs for item in due_questions(review_schedule(interviews, pack), now)]
        if due:
            item, pack = min(due, key=lambda d: (d[0].last_score, d[0].due_at, d[0].question_id))
            return pack, item.question_id, True
        pack = packs[0]
        asked = await store.asked_questions(platform=person.platform, user_id=person.user_id, role=pack.id)
        return pack, make_plan(pack, 1, self._rng, asked)[0], False

    async def _roles(self, person: ConversationRef) -> list[str]:
        """The roles the person has interviewed for on this platform, the most recent first."""
        rows = await self._parts.store.list_interviews(user_id=person.user_id, platform=person.platform, limit=50)
        return list(dict.fromkeys(row.role for row in rows if row.role in self._parts.catalog.packs))


def dm_of(schedule: DailySchedule) -> ConversationRef:
    """The conversation a daily question lives in: the person's DM with the bot, outside any thread."""
    return ConversationRef(schedule.platform, schedule.workspace_id, schedule.channel_id, None, schedule.user_id)
