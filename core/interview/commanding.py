"""Commands instead of answers (hint, skip, repeat, end, retry, pause, resume, help) and the buttons that give
them: only the candidate's count, a button under a question that has moved on does nothing, a click acts once."""

from __future__ import annotations

from core.coaching.coach import Coach
from core.coaching.flow import Instruction
from core.domain import messages
from core.domain.commands import MODEL_COMMANDS, Command, Press
from core.domain.models import ConversationRef, Interview, InterviewStatus
from core.domain.replies import Reply, ReplyCode, info, private_note
from core.domain.roles import RolePack
from core.interview.outbox import with_own_keys
from core.interview.parts import Parts, not_yours
from core.ports import TurnConflict


class Commands:
    """Runs commands on a conversation's open interview; the service holds the conversation's lock."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    async def run(self, conv: ConversationRef, command: Command, *, event_id: str | None) -> list[Reply]:
        """A command in a conversation, for the person who wrote it."""
        if command is Command.HELP:
            return await self._parts.reply_once(conv, [info(messages.HELP)], event_id)
        found = await self._parts.open_for(conv)
        if isinstance(found, list):
            return await self._parts.refuse(conv, found, event_id)
        interview, pack = found
        return await self.apply(pack, interview, command, event_id=event_id)

    async def carry_on(self, conv: ConversationRef) -> list[Reply]:
        """Make the move a worker that stopped mid-turn owed this conversation's interview, and grade what it left
        ungraded (read again under the lock: it may have moved on)."""
        interview = await self._parts.store.get_open_interview(conv)
        if interview is None or interview.status is not InterviewStatus.ACTIVE:
            return []
        coach, notice = await self._parts.coach_for(interview)  # a spent budget holds for recovered turns too
        pack = self._parts.catalog.resolve(interview.role)
        replies = await self._parts.steps.carry_on(pack, interview, coach=coach)
        return [*notice, *replies] if replies else []

    async def check_press(self, press: Press) -> Interview | Reply | list[Reply] | None:
        """The interview a button press acts on, or the private note refusing it ([] when the same button acted a
        moment ago: the second of a double click says nothing); None when the platform keeps no interview id (the
        press acts on the conversation it was made in)."""
        if press.interview_id is None:
            if press.owner_id is not None and press.owner_id != press.by.user_id:
                return not_yours(press.owner_id)
            return None
        interview = await self._parts.store.get_interview(press.interview_id)
        if interview is None or interview.conv.platform != press.by.platform:
            return private_note(messages.INTERVIEW_GONE, ReplyCode.INTERVIEW_GONE)
        if press.by.user_id != interview.conv.user_id:
            return not_yours(interview.conv.user_id, interview_id=interview.id)
        moved_on = not interview.status.is_open or self._stale(press, interview)
        if moved_on and await self._acted(press, interview):
            return []  # it moved on because this very button acted (a double click): not stale to its presser
        if not interview.status.is_open:
            return private_note(messages.INTERVIEW_FINISHED, ReplyCode.INTERVIEW_FINISHED, interview_id=interview.id)
        if self._stale(press, interview):
            return private_note(messages.STALE_BUTTON, ReplyCode.STALE_BUTTON, interview_id=interview.id)
        return interview

    async def _acted(self, press: Press, interview: Interview) -> bool:
        """Whether this button (not merely this click) has acted already."""
        clicked = click_id(press)
        return clicked is not None and await self._parts.store.event_seen(interview.conv.platform, clicked)

    async def press(self, press: Press, interview: Interview) -> list[Reply]:
        """Act on a checked press of a button shown under interview (read again under the lock: it may have moved
        on); the click is claimed by what it acts on, so a double click acts once."""
        if await self._acted(press, interview):
            return []  # this button acted already: a copy of the click, or a second click, says nothing
        fresh = await self._parts.store.get_open_interview(interview.conv)
        if fresh is None or fresh.id != interview.id or self._stale(press, fresh):
            note = private_note(messages.STALE_BUTTON, ReplyCode.STALE_BUTTON, interview_id=interview.id)
            return await self._parts.reply_once(press.by, [note], press.event_id)
        pack = self._parts.catalog.resolve(fresh.role)
        return await self.apply(pack, fresh, press.command, event_id=click_id(press))

    @staticmethod
    def _stale(press: Press, interview: Interview) -> bool:
        current = interview.current_turn
        return press.command in (Command.HINT, Command.SKIP) and (current is None or current.seq != press.seq)

    async def apply(
        self, pack: RolePack, interview: Interview, command: Command, *, event_id: str | None
    ) -> list[Reply]:
        """Run a command on an open interview; the command's first write claims event_id."""
        parts = self._parts
        notice: list[Reply] = []
        coach = parts.coaches.configured
        if command in MODEL_COMMANDS:  # only these may call the model: the others never meet the budget
            coach, notice = await parts.coach_for(interview)
        replies = await self._step(pack, interview, command, coach=coach, event_id=event_id)
        return [*notice, *replies] if replies else []  # nothing when another worker took the turn

    async def _step(
        self, pack: RolePack, interview: Interview, command: Command, *, coach: Coach, event_id: str | None
    ) -> list[Reply]:
        parts, steps = self._parts, self._parts.steps
        turn = interview.current_turn
        paused = interview.status is InterviewStatus.PAUSED
        if command in (Command.HINT, Command.SKIP) and not paused and turn is not None:
            step = steps.hint if command is Command.HINT else steps.skip
            return await step(pack, interview, turn, coach=coach, event_id=event_id)
        if command is Command.END:
            return await steps.finish(pack, interview, coach=coach, event_id=event_id)
        if command is Command.RETRY and interview.state.get("pending"):
            return await steps.advance(
                pack, interview, Instruction(interview.state["pending"]), coach=coach, event_id=event_id
            )
        if command is Command.PAUSE:
            interview.status = InterviewStatus.PAUSED
            return await self._change(interview, [info(messages.PAUSED_NOW, interview_id=interview.id)], event_id)
        if command is Command.RESUME and paused:
            interview.status = InterviewStatus.ACTIVE
            return await self._change(interview, parts.current(pack, interview), event_id)
        current = parts.current(pack, interview)
        if command is Command.RETRY:
            current = [info(messages.NOTHING_TO_RETRY, interview_id=interview.id), *current]
        return await parts.reply_once(interview.conv, current, event_id)  # repeat, or nothing to act on

    async def _change(self, interview: Interview, replies: list[Reply], event_id: str | None) -> list[Reply]:
        """Store the interview's new status with the replies saying so and the event's claim."""
        stored = with_own_keys(replies)
        try:
            await self._parts.store.update_interview(
                interview, replies=stored, lease_s=self._parts.settings.recover_after_s, event_id=event_id
            )
        except TurnConflict:
            return []
        return stored


def click_id(press: Press) -> str | None:
    """The event a press is claimed by: what it acts on where the platform keeps that (so two clicks on one button
    act once), else the platform's id of the click."""
    if press.interview_id is None:
        return press.event_id
    return f"button:{press.interview_id}:{press.seq or 0}:{press.command.value}"
