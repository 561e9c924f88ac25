"""What every part of the service works with, and the few rules they share: who may act in a conversation, which
coach runs a step, and how a refusal is answered exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.coaching.coach import Coach, Coaches
from core.domain import messages
from core.domain.commands import Command
from core.domain.models import ConversationRef, Interview, InterviewStatus
from core.domain.replies import Reply, ReplyCode, error, info, private_note
from core.domain.roles import RoleCatalog, RolePack
from core.interview.outbox import Outbox
from core.interview.plan import question_reply
from core.interview.quotas import Quotas
from core.interview.turns import TurnSteps
from core.ports import DuplicateEvent, InterviewStore
from core.settings import Settings


@dataclass(frozen=True)
class Parts:
    """The store, the role packs, the limits and the turn machinery, shared by the service's parts."""

    store: InterviewStore
    catalog: RoleCatalog
    settings: Settings
    outbox: Outbox
    steps: TurnSteps
    quotas: Quotas
    coaches: Coaches

    async def reply_once(self, conv: ConversationRef, replies: Sequence[Reply], event_id: str | None) -> list[Reply]:
        """Answer an event that changes nothing: its replies stored with its claim, in one transaction; [] for a
        copy of an event answered already, so it is answered once however often it is delivered."""
        if all(r.private for r in replies):  # a private note is not stored: the claim alone says it was told
            claimed = event_id is None or await self.store.claim_event(conv.platform, event_id)
            return list(replies) if claimed else []
        try:
            return await self.outbox.queue(conv, replies, event_id=event_id)
        except DuplicateEvent:
            return []

    async def refuse(self, conv: ConversationRef, refusal: list[Reply], event_id: str | None) -> list[Reply]:
        """Tell the person whose event open_for() refused; someone writing in another person's interview thread is
        told whose it is once, however often they write, and each of their events is handled all the same."""
        if refusal[0].code is not ReplyCode.NOT_YOUR_INTERVIEW:
            return await self.reply_once(conv, refusal, event_id)
        if event_id is not None:
            await self.store.claim_event(conv.platform, event_id)  # nothing more comes of their message
        told = f"outsider:{conv.channel_id}:{conv.thread_id}:{conv.user_id}"
        return refusal if await self.store.claim_event(conv.platform, told) else []

    async def coach_for(self, interview: Interview) -> tuple[Coach, list[Reply]]:
        """The coach of this step (the built-in one while today's AI budget is spent) and the notice saying so,
        the first time this interview meets a spent budget."""
        spent = await self.quotas.budget_spent(interview.conv)
        return self.coaches.pick(budget_spent=spent), self.quotas.budget_notice(interview) if spent else []

    async def open_for(self, conv: ConversationRef) -> tuple[Interview, RolePack] | list[Reply]:
        """The conversation's open interview and its pack, or what to tell the person who wrote: nothing is open
        for them, or (in a thread) it is someone else's interview."""
        interview = await self.store.get_open_interview(conv)
        if interview is not None:
            return interview, self.catalog.resolve(interview.role)
        if conv.thread_id is not None:  # a thread holds one person's interview: anybody else is told whose
            owner = await self.store.thread_owner(conv)
            if owner is not None and owner != conv.user_id:
                return [not_yours(owner)]
        return [info(messages.NO_INTERVIEW, code=ReplyCode.NO_INTERVIEW)]

    def title_of(self, role_id: str) -> str:
        """A role's title, or its id when the pack is gone."""
        pack = self.catalog.packs.get(role_id)
        return pack.title if pack else role_id

    def current(self, pack: RolePack, interview: Interview) -> list[Reply]:
        """What the candidate should see to carry on: the open question, or how to continue."""
        if interview.status is InterviewStatus.PAUSED:
            return [info(messages.PAUSED, interview_id=interview.id)]
        turn = interview.current_turn
        if turn is None:
            return [error(messages.OWED_QUESTION, interview_id=interview.id, actions=(Command.RETRY,))]
        return [question_reply(pack, interview, turn)]


def not_yours(owner_id: str, *, interview_id: str | None = None) -> Reply:
    """The private note for someone who acts in another person's interview."""
    return private_note(
        messages.NOT_YOUR_INTERVIEW, ReplyCode.NOT_YOUR_INTERVIEW, interview_id=interview_id, owner_id=owner_id
    )
