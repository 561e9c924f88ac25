"""Study groups: every change of a session read, applied by the pure machine (core/domain/groups.py) and stored by
compare-and-set with the replies it makes and its event claimed, so two workers or a copy of an event change it once.

A round closes (its answers graded, then revealed together) when the last expected member answers, when its
deadline passes (any worker's sweeper), or never when the host skips it; the session's end stores each member's
part as a finished interview of their own (their history, report and progress) and sends the group scorecard."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from core.coaching.coach import Coach
from core.coaching.rules import apply_request_rules
from core.domain import group_messages as say
from core.domain import messages
from core.domain.groups import MINUTES, QUESTIONS, GroupRefusal, GroupSession, Phase, Round
from core.domain.models import ConversationRef, utcnow
from core.domain.replies import Reply, ReplyCode, info, keyed, private_note
from core.domain.roles import RolePack, UnknownRole
from core.interview.group_cards import GroupCards
from core.interview.parts import Parts
from core.ports import DuplicateEvent, ModelError
from core.ports.groups import Addressed, GroupExists

log = logging.getLogger(__name__)

# Compare-and-set tries before a change gives up: ten members pressing Join at once on as many workers need up to
# ten, each lost try meaning another change went in; a random pause that grows with each try spreads them out.
_ATTEMPTS = 24
Change = Callable[[GroupSession, datetime], Awaitable[list[Addressed]]]


def refused(message: str) -> Reply:
    """A private note: what was refused, and why."""
    return private_note(message, ReplyCode.GROUP_NOTE)


class Groups:
    """Runs study groups' sessions."""

    def __init__(self, parts: Parts, rng: random.Random) -> None:
        self._parts = parts
        self._rng = rng
        self._cards = GroupCards(parts)

    def problem(self, role: str, questions: int | None, minutes: int | None) -> str | None:
        """What is wrong with a group start asked for (the role, the number of questions or minutes), or None."""
        try:
            pack = self._parts.catalog.resolve(role)
        except UnknownRole as exc:
            return messages.unknown_role(exc.name, self._parts.catalog)
        most = min(QUESTIONS[1], len(pack.questions))
        if questions is not None and not QUESTIONS[0] <= questions <= most:
            return f"A study group has 1 to {most} questions; you asked for {questions}."
        if minutes is not None and not MINUTES[0] <= minutes <= MINUTES[1]:
            return f"A round lasts {MINUTES[0]} to {MINUTES[1]} minutes; you asked for {minutes}."
        return None

    async def open(
        self, place: ConversationRef, *, role: str, questions: int | None, minutes: int | None, event_id: str | None
    ) -> list[Addressed]:
        """Open a session in place's thread, hosted by place's user: its lobby."""
        if problem := self.problem(role, questions, minutes):
            return [(place, refused(problem))]
        pack = self._parts.catalog.resolve(role)
        count = questions or QUESTIONS[2]
        plan = [q.id for q in self._rng.sample(list(pack.questions), count)]
        session = GroupSession(
            id=str(uuid.uuid4()), host=place.user_id, role=pack.id, planned=count, plan=plan,
            minutes=minutes or MINUTES[2], created_at=utcnow(),
        )  # fmt: skip
        session.join(place.user_id)
        lobby = [(place, self._lobby(session, pack))]
        try:
            await self._parts.store.create_group(session, place, lobby, lease_s=self._lease_s, event_id=event_id)
        except DuplicateEvent:
            return []
        except GroupExists:
            return [(place, refused("This thread has a study group already: start a new one in the channel."))]
        return lobby

    async def join(self, place: ConversationRef, user: str, *, event_id: str | None) -> list[Addressed]:
        """user joins the session of place's thread; a tenth member starts it."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            full = session.join(user)
            if full:
                session.open_round(now)
                return self._asked(place, session)
            return [(place, self._lobby(session, self._pack(session)))]

        return await self._change(place, change, event_id=event_id)

    async def leave(self, place: ConversationRef, user: str, *, event_id: str | None) -> list[Addressed]:
        """user leaves the session; a round waiting only for them closes."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            session.leave(user)
            current = session.current
            if current is not None and session.phase is Phase.ANSWERING and current.everyone_answered:
                return await self._reveal(place, session, now)
            note = info(f"{say.member(user)} left the study group.", code=ReplyCode.GROUP_LOBBY)
            return [(place, keyed(note, f"group:{session.id}:left:{user}"))]

        return await self._change(place, change, event_id=event_id)

    async def start(self, place: ConversationRef, by: str, *, event_id: str | None) -> list[Addressed]:
        """The host starts the session: the first question."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            session.start(by, now)
            return self._asked(place, session)

        return await self._change(place, change, event_id=event_id)

    async def answer(
        self, place: ConversationRef, user: str, text: str, *, source: str = "typed", event_id: str | None, at: int = 0
    ) -> list[Addressed]:
        """user's answer to the open question, or to round at only while it is open; the last one closes the round."""
        if not text.strip():
            return [(place, refused("Your answer was empty: write it in the box, or send a voice note by DM."))]

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            played = session.answer(user, text, now, source=source, at=at)  # checked on what compare-and-set saves
            if played.everyone_answered:
                return await self._reveal(place, session, now)
            return []

        return await self._change(
            place, change, event_id=event_id, confirm="Your answer is in: it shows when the round closes."
        )

    async def rate(
        self, place: ConversationRef, rater: str, rated: str, value: int, *, round_number: int, event_id: str | None
    ) -> list[Addressed]:
        """rater's rating of rated's answer to question round_number (from 1), while it is being rated."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            session.rate(rater, rated, value, round_index=round_number - 1)
            return []

        whose = "your own answer" if rater == rated else "that answer"
        return await self._change(place, change, event_id=event_id, confirm=f"You rated {whose} {value}.")

    async def skip(self, place: ConversationRef, by: str, *, event_id: str | None, at: int = 0) -> list[Addressed]:
        """The host skips the open question (round at, when given): it counts for nobody, and the next one comes."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            session.control(by, at)
            session.skip(by)
            played = session.rounds[-1]
            note = keyed(
                info(say.skipped(played), code=ReplyCode.GROUP_LOBBY), f"group:{session.id}:skip:{played.index}"
            )
            return [(place, note), *await self._next(place, session, now)]

        return await self._change(place, change, event_id=event_id)

    async def next(self, place: ConversationRef, by: str, *, event_id: str | None, at: int = 0) -> list[Addressed]:
        """The host moves on from a reveal (of round at, when given): the next question, or the end."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            session.control(by, at)
            return await self._next(place, session, now)

        return await self._change(place, change, event_id=event_id)

    async def end(self, place: ConversationRef, by: str, *, event_id: str | None) -> list[Addressed]:
        """The host ends the session now: the scorecard of the questions revealed so far."""

        async def change(session: GroupSession, now: datetime) -> list[Addressed]:
            session.end(by)
            return await self._finished(place, session)

        return await self._change(place, change, event_id=event_id)

    async def sweep(self, platform: str, now: datetime) -> list[Addressed]:
        """Act on every session whose deadline passed: close a round, or move on after the rating window."""
        out: list[Addressed] = []
        for group_id in await self._parts.store.due_groups(platform, now=now):
            stored = await self._parts.store.group_by_id(group_id)
            if stored is None:
                continue

            async def change(
                session: GroupSession, at: datetime, place: ConversationRef = stored.place
            ) -> list[Addressed]:
                due = session.due_at
                if due is None or due > at or session.needs_settling:
                    return []  # another worker acted on it a moment ago; or only settling is left (after the save)
                if session.phase is Phase.ANSWERING:
                    return await self._reveal(place, session, at)
                return await self._next(place, session, at)

            out += await self._change(stored.place, change, event_id=None, now=now)
        return out

    # -- the steps every change shares ------------------------------------------------------------------------

    async def _change(
        self, place: ConversationRef, change: Change, *, event_id: str | None, confirm: str | None = None,
        now: datetime | None = None,
    ) -> list[Addressed]:  # fmt: skip
        """Read the session of place's thread, apply change to a copy and store it by compare-and-set; a refusal
        is a private note (its event claimed, so a copy of it says nothing)."""
        store = self._parts.store
        for attempt in range(_ATTEMPTS):
            await asyncio.sleep(self._rng.uniform(0, 0.005 * attempt))
            if (stored := await store.group_in_thread(place)) is None:
                return [(place, refused("There is no study group in this thread."))]
            session = copy.deepcopy(stored.session)
            try:
                replies = await change(session, now or utcnow())
            except GroupRefusal as exc:
                claimed = event_id is None or await store.claim_event(place.platform, event_id)
                return [(place, refused(exc.message))] if claimed else []
            try:
                saved = await store.save_group(stored, session, replies, lease_s=self._lease_s, event_id=event_id)
            except DuplicateEvent:
                return []  # a copy of an event taken already
            if saved:
                settled = await self._settle(stored.place) if session.needs_settling else []
                noted = [(place, private_note(confirm, ReplyCode.GROUP_NOTE))] if confirm else []
                return [*noted, *replies, *settled]
        log.warning("group %s: %s changes lost the race in a row", place.thread_id, _ATTEMPTS)
        return [(place, refused("The study group is busy: press the button again in a moment."))]

    async def _settle(self, place: ConversationRef) -> list[Addressed]:
        """Store the members' own interviews of a finished session (once), then mark it settled; their scorecards."""
        store = self._parts.store
        out: list[Addressed] = []
        for _ in range(_ATTEMPTS):
            stored = await store.group_in_thread(place)
            if stored is None or not stored.session.needs_settling:
                break
            out += await self._cards.settle(stored.place, stored.session)
            session = copy.deepcopy(stored.session)
            session.settled = True
            if await store.save_group(stored, session, [], lease_s=self._lease_s, event_id=None):
                break
        return out

    @property
    def _lease_s(self) -> float:
        return self._parts.settings.recover_after_s

    def _pack(self, session: GroupSession) -> RolePack:
        return self._parts.catalog.resolve(session.role)

    def _lobby(self, session: GroupSession, pack: RolePack) -> Reply:
        # Keyed by the member count: a lobby message per change of who is in, each stored once.
        reply = info(say.lobby(session, pack), code=ReplyCode.GROUP_LOBBY)
        return keyed(_of(reply, session), f"group:{session.id}:lobby:{len(session.members)}:{len(session.left)}")

    def _asked(self, place: ConversationRef, session: GroupSession) -> list[Addressed]:
        played = session.rounds[-1]
        question = next(q for q in self._pack(session).questions if q.id == played.question_id)
        reply = info(say.question(session, played, question.text, question.topic), code=ReplyCode.GROUP_QUESTION)
        return [(place, keyed(_of(reply, session, played), f"group:{session.id}:ask:{played.index}"))]

    async def _next(self, place: ConversationRef, session: GroupSession, now: datetime) -> list[Addressed]:
        if session.next_round(now) is None:
            return await self._finished(place, session)
        return self._asked(place, session)

    async def _reveal(self, place: ConversationRef, session: GroupSession, now: datetime) -> list[Addressed]:
        """Grade the round's answers (all at once), then reveal them together."""
        played = session.rounds[-1]
        coach = self._parts.coaches.pick(budget_spent=await self._parts.quotas.budget_spent(place))
        await asyncio.gather(*(self._grade(session, played, user, coach) for user in played.answers))
        session.reveal(now)
        reply = info(say.reveal(played), code=ReplyCode.GROUP_REVEAL)
        return [(place, keyed(_of(reply, session, played), f"group:{session.id}:reveal:{played.index}"))]

    async def _grade(self, session: GroupSession, played: Round, user: str, coach: Coach) -> None:
        answer = played.answers[user]
        request = self._cards.grade_request(session, played, answer.text)
        try:
            grade, answer.usage = await coach.grader.grade(request)  # counted in the budget when the session ends
        except ModelError as exc:
            log.warning("group %s: a grade failed (%s); the built-in coach grades it", session.id, type(exc).__name__)
            grade, answer.usage = await self._parts.coaches.builtin.grader.grade(request)
            coach = self._parts.coaches.builtin
        answer.grade = coach.credit(apply_request_rules(grade, request))

    async def _finished(self, place: ConversationRef, session: GroupSession) -> list[Addressed]:
        if session.phase is Phase.ENDED:
            return [(place, keyed(info(say.ENDED_EMPTY, code=ReplyCode.GROUP_SCORECARD), f"group:{session.id}:end"))]
        return await self._cards.finish(place, session)


def _of(reply: Reply, session: GroupSession, played: Round | None = None) -> Reply:
    """reply as a message of session (and of its round played), for the buttons under it."""
    return Reply(reply.kind, reply.text, code=reply.code, group_id=session.id, seq=played.index + 1 if played else None)
