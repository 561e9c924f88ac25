"""The rules the core enforces for every platform, on the real databases: only the candidate acts in their interview,
a button under a question that moved on does nothing, one start at a time per person and channel."""

from __future__ import annotations

import asyncio
import uuid

from core.domain.commands import Command, Press
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyCode
from core.interview.starting import Gate
from core.ports import OutboxItem
from tests.support import make_service, store_of


class Shown:
    """A platform (a ReplySender) that keeps what it showed, apart from what it told one person privately."""

    def __init__(self) -> None:
        self.sent: list[Reply] = []
        self.told: list[Reply] = []
        self.progress: list[bool] = []

    async def send(self, item: OutboxItem) -> str:
        self.sent.append(item.reply)
        return f"m{len(self.sent)}"

    async def tell(self, note: Reply) -> None:
        self.told.append(note)

    async def working(self, on: bool) -> None:
        self.progress.append(on)


def _thread(user: str, *, platform: str) -> ConversationRef:
    return ConversationRef(platform, "W1", "C1", "T1", user)


async def test_only_the_candidate_answers_in_their_thread_and_others_are_told_once(database_url: str) -> None:
    service = make_service(database_url)
    platform = f"chat-{uuid.uuid4().hex[:6]}"
    owner, other = _thread("owner", platform=platform), _thread("other", platform=platform)
    try:
        await service.start(owner, role="law", questions=2)
        shown = Shown()
        first = await service.answer(other, "Offer and acceptance, I think.", event_id="o-1", sender=shown)
        again = await service.answer(other, "Hello?", event_id="o-2", sender=shown)
        hinted = await service.command(other, Command.HINT, event_id="o-3", sender=shown)
        assert [(r.code, r.private, r.owner_id) for r in first] == [(ReplyCode.NOT_YOUR_INTERVIEW, True, "owner")]
        assert again == [] and hinted == []  # told once, whatever they send next
        assert shown.sent == [] and [n.code for n in shown.told] == [ReplyCode.NOT_YOUR_INTERVIEW]
        store = store_of(service)
        assert all([await store.event_seen(platform, e) for e in ("o-1", "o-2", "o-3")])  # handled: none comes back
        assert await store.unsent_for(other) == []  # a private note is never stored
        interview = await store.get_open_interview(owner)
        assert interview is not None and interview.current_turn is not None and interview.current_turn.seq == 1
    finally:
        await service.close()


async def test_buttons_act_for_the_candidate_on_the_current_question_once(database_url: str) -> None:
    service = make_service(database_url)
    platform = f"chat-{uuid.uuid4().hex[:6]}"
    owner, other = _thread("owner", platform=platform), _thread("other", platform=platform)
    try:
        started = await service.start(owner, role="law", questions=2)
        interview_id = started[0].interview_id
        assert interview_id is not None

        def press(by: ConversationRef, command: Command, seq: int, click: str) -> Press:
            return Press(command, by=by, event_id=click, interview_id=interview_id, seq=seq)

        refused = await service.press(press(other, Command.SKIP, 1, "c-1"))
        assert [(r.code, r.owner_id) for r in refused] == [(ReplyCode.NOT_YOUR_INTERVIEW, "owner")]
        # A double click: two clicks on one button act once; the copy says nothing.
        shown = Shown()
        both = await asyncio.gather(
            *(service.press(press(owner, Command.HINT, 1, f"c-{n}"), sender=shown) for n in (2, 3))
        )
        assert sorted(len(replies) for replies in both) == [0, 1]
        assert [r.kind.value for r in shown.sent] == ["hint"] and shown.told == []
        stale = await service.press(press(owner, Command.SKIP, 1, "c-4"))  # its question has moved on
        assert [r.code for r in stale] == [ReplyCode.STALE_BUTTON]
        ended = await service.press(press(owner, Command.END, 2, "c-5"))
        assert any(r.code is ReplyCode.ENDED_UNANSWERED for r in ended)
        late = await service.press(press(owner, Command.HINT, 2, "c-6"))
        assert [r.code for r in late] == [ReplyCode.INTERVIEW_FINISHED]
        gone = await service.press(Press(Command.END, by=owner, event_id="c-7", interview_id=str(uuid.uuid4()), seq=1))
        assert [r.code for r in gone] == [ReplyCode.INTERVIEW_GONE]
        assert all(r.private for r in refused + stale + late + gone)
    finally:
        await service.close()


async def test_one_start_at_a_time_per_person_and_channel_and_one_open_interview_there(database_url: str) -> None:
    service = make_service(database_url)
    place = ConversationRef(f"chat-{uuid.uuid4().hex[:6]}", "W1", "C1", None, "starter")
    try:
        gates = await asyncio.gather(
            *(service.open_start(place, event_id=f"s-{n}", one_per_channel=True) for n in range(4))
        )
        assert sorted(g.verdict for g in gates) == [Gate.BUSY, Gate.BUSY, Gate.BUSY, Gate.OPEN]
        assert (await service.open_start(place, event_id="s-0", one_per_channel=True)).verdict is Gate.DUPLICATE
        opened = next(g for g in gates if g.verdict is Gate.OPEN)
        thread = ConversationRef(place.platform, "W1", "C1", "T-new", "starter")
        await service.start(thread, role="human-resources", questions=1)
        await service.close_start(opened)
        again = await service.open_start(place, event_id="s-5", one_per_channel=True)
        assert (again.verdict, again.role_title) == (Gate.ALREADY_OPEN, "Human Resources")
        assert await service.open_in_channel(place) == thread
        await service.command(thread, Command.END)
        assert (await service.open_start(place, event_id="s-6", one_per_channel=True)).verdict is Gate.OPEN
    finally:
        await service.close()


async def test_a_start_lock_left_by_a_stopped_worker_is_taken_over(database_url: str) -> None:
    service = make_service(database_url)
    store = store_of(service)
    where = (f"chat-{uuid.uuid4().hex[:6]}", "W1", "C1", "starter")
    try:
        assert await store.claim_start(*where, hold_s=0.2, event_id="l-1")  # its worker stops here
        assert not await store.claim_start(*where, hold_s=0.2, event_id="l-2")
        await asyncio.sleep(0.3)
        assert await store.claim_start(*where, hold_s=0.2, event_id="l-3")
        assert await store.event_seen(where[0], "l-2")  # the refused start was answered, once
    finally:
        await service.close()


async def test_a_command_claims_its_event_in_the_transaction_of_its_change(database_url: str) -> None:
    service = make_service(database_url)
    conv = _thread("owner", platform=f"chat-{uuid.uuid4().hex[:6]}")
    store = store_of(service)
    try:
        await service.start(conv, role="law", questions=2)
        paused = await service.command(conv, Command.PAUSE, event_id="p-1")
        assert [r.text for r in paused] and await store.event_seen(conv.platform, "p-1")
        assert await service.command(conv, Command.PAUSE, event_id="p-1") == []  # a copy: nothing changes or shows
        interview = await store.get_open_interview(conv)
        assert interview is not None and interview.status.value == "paused"
        # An answer stored by one event, and a hint for the turn another message just closed: the loser's event is
        # recorded all the same, so a copy of it never acts on the next question.
        await service.command(conv, Command.RESUME, event_id="p-2")
        await service.answer(conv, "An offer, its acceptance and consideration.", event_id="a-1")
        assert await service.command(conv, Command.SKIP, event_id="a-1") == []
        assert [r.kind.value for r in await service.command(conv, Command.HINT, event_id="h-1")]
        assert await store.event_seen(conv.platform, "h-1")
    finally:
        await service.close()
