"""InterviewService: the only thing adapters call. Each inbound event is one call and one unit of work: its claim,
the change it causes and the replies it owes are stored together; then the replies go out through the platform's
ReplySender. Every answer is stored before any model call."""

from __future__ import annotations

import asyncio
import contextlib
import random
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from core.coaching.coach import Coaches
from core.domain.commands import Command, Press, parse_command
from core.domain.models import ConversationRef
from core.domain.replies import Reply, error, info
from core.domain.roles import RoleCatalog
from core.domain.text import clean_text
from core.interview.answering import Answers
from core.interview.commanding import Commands, click_id
from core.interview.daily import Dailies
from core.interview.finishing import Finisher
from core.interview.group_methods import GroupMethods
from core.interview.group_voice import GroupVoice
from core.interview.groups import Groups
from core.interview.outbox import Outbox
from core.interview.parts import Parts
from core.interview.quotas import Quotas
from core.interview.start_methods import StartMethods
from core.interview.starting import Starts
from core.interview.tailoring import Tailors
from core.interview.turns import TurnSteps
from core.ports import FetchAudio, InterviewStore, ReplySender
from core.settings import Settings
from core.voice.pipeline import VoicePipeline


class InterviewService(StartMethods, GroupMethods):
    """Runs interviews on every platform: starts, answers, voice notes, commands and buttons, and recovery."""

    def __init__(
        self,
        *,
        store: InterviewStore,
        catalog: RoleCatalog,
        settings: Settings,
        coaches: Coaches,
        voice: VoicePipeline,
        rng: random.Random | None = None,
        closers: Sequence[Callable[[], Awaitable[None]]] = (),
    ) -> None:
        finisher = Finisher(store=store, fallback_grader=coaches.builtin.grader, settings=settings)
        parts = Parts(
            store=store,
            catalog=catalog,
            settings=settings,
            outbox=Outbox(store, lease_s=settings.recover_after_s),
            steps=TurnSteps(store=store, finisher=finisher, settings=settings),
            quotas=Quotas(store, settings),
            coaches=coaches,
        )
        super().__init__(parts)
        self.catalog = catalog  # the role packs, for listing and autocompleting roles
        self.settings = settings  # the configuration it runs with (limits, for the people and tests that ask)
        self.mode = coaches.configured.name  # shown to users: who runs the interview
        rng = rng or random.Random()
        self._starts = Starts(parts, rng)
        self._dailies = Dailies(parts, self._starts, rng)
        self._tailors = Tailors(parts, self._starts)
        self._groups = Groups(parts, rng)
        self._group_voice = GroupVoice(parts, self._groups, voice)
        self._commands = Commands(parts)
        self._answers = Answers(parts, self._commands, voice)
        self._closers = [*closers, store.close]
        # One lock per conversation: turns of one interview never interleave inside this process.
        self._locks: weakref.WeakValueDictionary[ConversationRef, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, conv: ConversationRef) -> asyncio.Lock:
        lock = self._locks.get(conv)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conv] = lock
        return lock

    async def _send(self, conv: ConversationRef, replies: list[Reply], sender: ReplySender | None) -> list[Reply]:
        """Send the replies of one event in order; without a sender they wait in the outbox for a sweeper."""
        if sender is None:
            return await self._parts.outbox.store_unstored(conv, replies)
        await self._parts.outbox.deliver(conv, replies, sender)
        return replies

    async def _handled(self, platform: str, event_id: str | None, sender: ReplySender | None) -> bool:
        """Whether an event was handled already, checked only before showing progress: the unit of work decides."""
        return sender is not None and event_id is not None and await self._parts.store.event_seen(platform, event_id)

    @contextlib.asynccontextmanager
    async def _working(self, sender: ReplySender | None) -> AsyncIterator[None]:
        if sender is None:
            yield
            return
        await sender.working(True)
        try:
            yield
        finally:
            await sender.working(False)

    # --- answering ------------------------------------------------------------------------------------------

    async def answer(
        self,
        conv: ConversationRef,
        text: str,
        *,
        event_id: str | None = None,
        sender: ReplySender | None = None,
        unreadable_file: bool = False,
        new_event: bool = False,
    ) -> list[Reply]:
        """Take a typed answer (or a command word); an event handled already gets no reply. unreadable_file: the
        message carried a file that is not a recording, which cannot be taken as an answer. new_event: the platform's
        inbox has just kept the event for the first time, so it cannot have been handled (no need to ask the store
        before showing progress; the unit of work still decides)."""
        text = clean_text(text)
        if command := parse_command(text):
            return await self.command(conv, command, event_id=event_id, sender=sender)
        if not new_event and await self._handled(conv.platform, event_id, sender):
            return []
        async with self._working(sender), self._lock(conv):
            replies = await self._answers.typed(conv, text, event_id=event_id, unreadable_file=unreadable_file)
        return await self._send(conv, replies, sender)

    async def voice(
        self,
        conv: ConversationRef,
        audio: bytes | FetchAudio,
        *,
        filename: str,
        mime: str | None = None,
        duration_s: float | None = None,
        event_id: str | None = None,
        sender: ReplySender | None = None,
    ) -> list[Reply]:
        """Take a voice answer: the bytes, or how to download them once the answer can be taken. mime is the
        platform's claim and only a hint: the format is read from the bytes. The audio is not kept."""
        if await self._handled(conv.platform, event_id, sender):
            return []
        async with self._working(sender), self._lock(conv):
            # Checked again in turn: a copy that arrived with the first waited for it, and must not transcribe.
            if event_id is not None and await self._parts.store.event_seen(conv.platform, event_id):
                return []  # a redelivered voice note is answered already: not even downloaded again
            replies = await self._answers.spoken(
                conv, audio, filename=filename, duration_s=duration_s, event_id=event_id
            )
        return await self._send(conv, replies, sender)

    async def command(
        self,
        conv: ConversationRef,
        command: Command,
        *,
        event_id: str | None = None,
        sender: ReplySender | None = None,
    ) -> list[Reply]:
        """hint, skip, repeat, end, retry, pause, resume or help."""
        if await self._handled(conv.platform, event_id, sender):
            return []
        async with self._working(sender), self._lock(conv):
            replies = await self._commands.run(conv, Command(command), event_id=event_id)
        return await self._send(conv, replies, sender)

    async def press(self, press: Press, *, sender: ReplySender | None = None) -> list[Reply]:
        """A click on a command button: refused privately unless it is the candidate's own on the current question;
        a double click, or the same click delivered twice, acts once."""
        checked = await self._commands.check_press(press)
        if isinstance(checked, list):
            return checked
        if isinstance(checked, Reply):
            return await self._send(press.by, await self._parts.reply_once(press.by, [checked], press.event_id), sender)
        if checked is None:
            return await self.command(press.by, press.command, event_id=press.event_id, sender=sender)
        conv = checked.conv
        if await self._handled(conv.platform, click_id(press), sender):
            return []
        async with self._working(sender), self._lock(conv):
            replies = await self._commands.press(press, checked)
        if press.event_id is not None:  # the click itself is handled too: a copy of it says nothing
            await self._parts.store.claim_event(conv.platform, press.event_id)
        return await self._send(conv, replies, sender)

    async def note(
        self,
        conv: ConversationRef,
        text: str,
        *,
        event_id: str | None,
        sender: ReplySender | None = None,
        problem: bool = False,
    ) -> list[Reply]:
        """A platform's own answer to an event the interview has no part in (a stray DM, a listing, a failure:
        problem), sent once however often the event is delivered (every time, without an event_id)."""
        reply = error(text) if problem else info(text)
        return await self._send(conv, await self._parts.reply_once(conv, [reply], event_id), sender)

    async def claim_event(self, platform: str, event_id: str) -> bool:
        """Claim an event answered only privately (a listing, a confirmation to click); False for a copy."""
        return await self._parts.store.claim_event(platform, event_id)

    async def keep_event(self, platform: str, event_key: str, *, user_id: str, body: dict[str, object]) -> bool:
        """Keep an event before the platform is told it arrived, so a crash after that loses nothing; False for a
        copy kept already. The unit of work that handles the event marks it handled."""
        return await self._parts.store.inbox_put(platform, event_key, user_id=user_id, body=dict(body))

    # --- recovery -------------------------------------------------------------------------------------------

    @property
    def sweep_every_s(self) -> float:
        """How often a sweeper looks: a few times per recovery delay, between half a second and ten seconds."""
        return max(0.5, min(10.0, self._parts.settings.recover_after_s / 3))

    async def recover(
        self, platform: str, sender: ReplySender | None = None
    ) -> list[tuple[ConversationRef, list[Reply]]]:
        """Carry on this platform's interviews a worker left mid-turn (it crashed or was killed): grade their
        ungraded answers and make the moves they owe, sending them through sender."""
        carried = []
        idle_s = self._parts.settings.recover_after_s
        for interview_id in await self._parts.store.stalled_interviews(platform, idle_s=idle_s):
            interview = await self._parts.store.get_interview(interview_id)
            if interview is None:
                continue
            if replies := await self._carry_on(interview.conv):
                carried.append((interview.conv, await self._send(interview.conv, replies, sender)))
        return carried

    async def _carry_on(self, conv: ConversationRef) -> list[Reply]:
        async with self._lock(conv):
            return await self._commands.carry_on(conv)

    async def redeliver(self, platform: str, sender: ReplySender) -> int:
        """Send the replies a worker stored and never marked sent, once its lease ran out; how many were sent."""
        return await self._parts.outbox.redeliver(platform, sender)

    async def resume(self, conv: ConversationRef, sender: ReplySender) -> bool:
        """After the program was stopped mid-turn (one person's terminal): show what was never shown and finish
        that turn; whether there was anything to do."""
        shown = await self._parts.outbox.send_unsent(conv, sender)
        carried = await self._send(conv, await self._carry_on(conv), sender)
        return shown > 0 or bool(carried)

    async def drain(self) -> None:
        """Wait for grades still being computed (call before the process exits)."""
        await self._parts.steps.drain()

    async def close(self) -> None:
        """Finish grades in flight and release the model clients and the database."""
        await self.drain()
        for close in self._closers:
            await close()


__all__ = ["InterviewService"]
