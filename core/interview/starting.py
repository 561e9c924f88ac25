"""Starting an interview: the role, the count and the language checked, one open interview per conversation, the
person's limits, the first question asked and stored with its interview; and the gate that keeps two starts of
one person in one channel apart when each would open a thread of its own."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.coaching.flow import Action, Instruction, Move
from core.coaching.offline import decide_offline
from core.domain import messages
from core.domain.commands import Level, UnknownLevel, parse_level
from core.domain.languages import UnknownLanguage, normalize_language
from core.domain.models import RETRY_OF, TAILORED, ConversationRef, Interview, InterviewStatus, Turn, TurnKind, utcnow
from core.domain.replies import Reply, ReplyCode, error, info, keyed
from core.domain.roles import Question, RolePack, UnknownRole
from core.interview.parts import Parts
from core.interview.plan import make_plan, move_context
from core.interview.retry import CannotRetry, cannot_try_again, retry_target
from core.interview.review import due_questions, review_schedule
from core.interview.turns import asking
from core.ports import ActiveInterviewExists, DuplicateEvent
from core.tailoring.tailored import own_questions

# A start holds its gate while it works (any model call in it is bounded by the turn deadline) and posts its first
# messages; a gate held longer belongs to a worker that stopped, and the next start takes it over.
_POSTING_MARGIN_S = 30.0


class Gate(StrEnum):
    """What the start gate said."""

    OPEN = "open"  # go ahead: open the thread, start the interview in it, then close the gate
    DUPLICATE = "duplicate"  # a copy of an event taken already: say nothing
    BUSY = "busy"  # the same person's other start in this channel is under way
    ALREADY_OPEN = "already_open"  # the person has an interview open in this channel already


@dataclass(frozen=True)
class StartGate:
    """The answer of the start gate for one person in one channel."""

    place: ConversationRef  # the channel (no thread yet) and the person
    verdict: Gate
    role_title: str | None = None  # with ALREADY_OPEN: the role of the interview open here
    locked: bool = False  # whether closing the gate has a lock to let go of


def new_interview(
    conv: ConversationRef, pack: RolePack, count: int, *, level: str | None, lang: str | None, state: dict[str, Any]
) -> Interview:
    """A new active interview of count main questions, not yet stored."""
    return Interview(
        id=str(uuid.uuid4()),
        conv=conv,
        role=pack.id,
        status=InterviewStatus.ACTIVE,
        planned_questions=count,
        level=level,
        language=lang,
        state=state,
    )


class Starts:
    """Starts interviews."""

    def __init__(self, parts: Parts, rng: random.Random) -> None:
        self._parts = parts
        self._rng = rng

    def problem(self, role: str, questions: int | None) -> str | None:
        """What is wrong with a start asked for (an unknown role, a count out of range), or None."""
        catalog, settings = self._parts.catalog, self._parts.settings
        try:
            pack = catalog.resolve(role)
        except UnknownRole as exc:
            return messages.unknown_role(exc.name, catalog)
        most = min(settings.max_pairs, len(pack.questions))
        if questions is not None and not 1 <= questions <= most:
            return messages.bad_question_count(questions, most, pack.title)
        return None

    async def open_gate(self, place: ConversationRef, *, event_id: str | None, one_per_channel: bool) -> StartGate:
        """Claim the event that asks for a new thread, and, with one_per_channel, the person's start lock in the
        channel and the rule that they have no interview open there already."""
        store = self._parts.store
        if not one_per_channel:
            claimed = event_id is None or await store.claim_event(place.platform, event_id)
            return StartGate(place, Gate.OPEN if claimed else Gate.DUPLICATE)
        # An interview open here already is the answer, whether or not the start that opened it is over.
        if refusal := await self._open_here(place):
            claimed = event_id is None or await store.claim_event(place.platform, event_id)
            return refusal if claimed else StartGate(place, Gate.DUPLICATE)
        hold_s = self._parts.settings.turn_deadline_s + _POSTING_MARGIN_S
        try:
            locked = await store.claim_start(
                place.platform, place.workspace_id, place.channel_id, place.user_id, hold_s=hold_s, event_id=event_id
            )
        except DuplicateEvent:
            return StartGate(place, Gate.DUPLICATE)
        if not locked:
            return StartGate(place, Gate.BUSY)
        gate = StartGate(place, Gate.OPEN, locked=True)
        if refusal := await self._open_here(place):  # a start that finished between the first look and the lock
            await self.close_gate(gate)
            return refusal
        return gate

    async def _open_here(self, place: ConversationRef) -> StartGate | None:
        """ALREADY_OPEN, when the person has an interview open in place's channel."""
        existing = await self._parts.store.open_in_channel(
            platform=place.platform, workspace_id=place.workspace_id, channel_id=place.channel_id, user_id=place.user_id
        )
        if existing is None:
            return None
        return StartGate(place, Gate.ALREADY_OPEN, role_title=self._parts.title_of(existing.role))

    async def close_gate(self, gate: StartGate) -> None:
        """Let the next start in the gate's channel go ahead."""
        if gate.locked:
            place = gate.place
            await self._parts.store.release_start(place.platform, place.workspace_id, place.channel_id, place.user_id)

    async def start(
        self,
        conv: ConversationRef,
        *,
        role: str,
        questions: int | None,
        level: Level | str | None,
        language: str | None,
        replace: bool,
        event_id: str | None,
        review: bool = False,
    ) -> list[Reply]:
        """Start an interview (or show the one already open here, unless replace abandons it); with review, of the
        questions due again on this person's review schedule."""
        parts = self._parts
        try:
            pack = parts.catalog.resolve(role)
            level = parse_level(level)
            language = normalize_language(language) if language else None
        except UnknownRole as exc:
            return await parts.reply_once(conv, [error(messages.unknown_role(exc.name, parts.catalog))], event_id)
        except (UnknownLevel, UnknownLanguage) as exc:
            return await parts.reply_once(conv, [error(str(exc))], event_id)
        count = questions or min(parts.settings.default_questions, len(pack.questions))
        most = min(parts.settings.max_pairs, len(pack.questions))
        if not 1 <= count <= most:
            return await parts.reply_once(conv, [error(messages.bad_question_count(count, most, pack.title))], event_id)
        plan: list[str] | None = None
        if review:
            plan, nothing_due = await self.review_plan(conv.platform, conv.user_id, pack, count)
            if not plan:
                return await parts.reply_once(conv, [info(nothing_due)], event_id)
            count = len(plan)
        if (blocked := await self.clear_way(conv, replace=replace, event_id=event_id)) is not None:
            return blocked
        if plan is None:
            asked = await parts.store.asked_questions(platform=conv.platform, user_id=conv.user_id, role=pack.id)
            plan = make_plan(pack, count, self._rng, asked)
        state = {"plan": plan, "notes": {}, **({"review": True} if review else {})}
        interview = new_interview(conv, pack, count, level=level.value if level else None, lang=language, state=state)
        return await self.begin(pack, interview, event_id)

    async def clear_way(self, conv: ConversationRef, *, replace: bool, event_id: str | None) -> list[Reply] | None:
        """None when a new interview may start in conv (replace abandons the one open there); else what to answer:
        the interview already open, or the person's limits."""
        parts = self._parts
        existing = await parts.store.get_open_interview(conv)
        if existing and not replace:
            return await parts.reply_once(conv, self.already_running(existing), event_id)
        if existing:
            await parts.steps.close(existing, InterviewStatus.ABANDONED)
        elif refusal := await parts.quotas.refuse_start(conv):  # replacing one here keeps the count
            return await parts.reply_once(conv, refusal, event_id)
        return None

    async def review_plan(self, platform: str, user_id: str, pack: RolePack, count: int) -> tuple[list[str], str]:
        """The questions due for review (at most count, the worst first), and what to say when none is due."""
        interviews = await self._parts.store.interviews_of(platform=platform, user_id=user_id, role=pack.id)
        schedule = review_schedule(interviews, pack)
        due = due_questions(schedule, utcnow())
        upcoming = schedule[0].due_at if schedule else None
        return [item.question_id for item in due[:count]], messages.nothing_due(pack.title, upcoming)

    async def try_again(
        self, conv: ConversationRef, original: Interview, seq: int, *, event_id: str | None
    ) -> list[Reply]:
        """A one-question interview in conv asking the main question of original's turn seq again, no follow-ups."""
        parts = self._parts
        try:
            target = retry_target(original, seq)
            pack = parts.catalog.resolve(original.role)
        except (CannotRetry, UnknownRole) as exc:
            text = str(exc) if isinstance(exc, CannotRetry) else messages.unknown_role(exc.name, parts.catalog)
            return [cannot_try_again(text)]
        own = own_questions(original.tailoring).get(target.question_id)
        question = own or next((q for q in pack.questions if q.id == target.question_id), None)
        if question is None:
            return [cannot_try_again(f"The {pack.title} questions have changed since, and that one is gone.")]
        existing = await parts.store.get_open_interview(conv)
        if existing:
            return await parts.reply_once(conv, self.already_running(existing), event_id)
        if refusal := await parts.quotas.refuse_start(conv):
            return await parts.reply_once(conv, refusal, event_id)
        # The same main question, word for word: the point is to compare two answers to it.
        state: dict[str, Any] = {RETRY_OF: target.state()}
        if own is not None:  # a question written for a posting or a résumé: the second try keeps it
            state[TAILORED] = {"questions": [own.model_dump(mode="json")]}
        return await self.ask_one(conv, pack, question, state, event_id, level=original.level, lang=original.language)

    async def ask_one(
        self,
        conv: ConversationRef,
        pack: RolePack,
        question: Question,
        state: dict[str, Any],
        event_id: str | None,
        *,
        level: str | None = None,
        lang: str | None = None,
    ) -> list[Reply]:
        """A one-question interview in conv asking question word for word (a second try, a daily question), with
        state added to its own; the caller checked that nothing is open in conv and that the limits allow it."""
        interview = new_interview(
            conv, pack, 1, level=level, lang=lang, state={"plan": [question.id], "notes": {}, **state}
        )
        return await self.begin(pack, interview, event_id, first=Move(Action.NEXT_QUESTION, question.text))

    async def begin(
        self, pack: RolePack, interview: Interview, event_id: str | None, *, first: Move | None = None
    ) -> list[Reply]:
        """Choose the first question (unless given) and store the interview with it, its intro and the claim; the
        caller checked that nothing is open in its conversation and that the limits allow it."""
        parts = self._parts
        _, notice = await parts.coach_for(interview)  # a spent budget: the notice says the built-in coach asks
        # The plan's first question as written, with no model call: the intro already welcomes the candidate, and a
        # call would only delay the first question by its round trip.
        move = first or decide_offline(
            move_context(pack, interview, Instruction.OPEN, max_pairs=parts.settings.max_pairs)
        )
        opening = Turn(seq=1, kind=TurnKind.QUESTION, question=move.message, question_index=0)
        interview.turns.append(opening)
        intro = info(messages.intro(pack, interview), interview_id=interview.id, code=ReplyCode.STARTED)
        intro = keyed(intro, f"{interview.id}:intro")
        replies = [intro, asking(pack, interview, opening)]
        try:
            await parts.store.create_interview(
                interview, replies=replies, lease_s=parts.settings.recover_after_s, event_id=event_id
            )
        except DuplicateEvent:
            return []
        except ActiveInterviewExists:  # another worker started one in this conversation a moment ago
            other = await parts.store.get_open_interview(interview.conv)
            return await parts.reply_once(interview.conv, self.already_running(other) if other else [], event_id)
        return [*notice, *replies]

    def already_running(self, interview: Interview) -> list[Reply]:
        """What to say to a start where an interview is open already: that it is, and its open question."""
        pack = self._parts.catalog.resolve(interview.role)
        replies = [info(messages.already_running(pack, interview), interview_id=interview.id)]
        return replies + self._parts.current(pack, interview)
