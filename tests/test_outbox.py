"""The outbox and recovery on a real database: replies stored with their change, sent once, taken over after a stop."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from core.domain.models import AnswerSource
from core.domain.replies import Reply, ReplyKind, reply_from_data, reply_to_data
from core.interview.service import InterviewService
from core.ports import OutboxItem
from db.outbox import OUTBOX
from db.store import SqlInterviewStore
from tests.store_support import grade
from tests.support import conv_for, make_service, store_of


class Recorder:
    """A platform (a ReplySender) that records what it was sent, and what was unsent then, and hands out ids."""

    def __init__(self, store: SqlInterviewStore | None = None) -> None:
        self.sent: list[OutboxItem] = []
        self.unsent_when_sent: list[list[Reply]] = []
        self._store = store

    async def send(self, item: OutboxItem) -> str:
        self.sent.append(item)
        if self._store is not None:
            self.unsent_when_sent.append([i.reply for i in await self._store.unsent_for(item.conv)])
        return f"m{len(self.sent)}"

    async def tell(self, note: Reply) -> None:
        raise AssertionError(f"no private note expected: {note}")

    async def working(self, on: bool) -> None:
        pass


def _worker(database_url: str, *, lease_s: float = 0.3, seed: int = 3) -> InterviewService:
    return make_service(database_url, seed=seed, MOCK_INTERVIEW_RECOVER_AFTER=lease_s)


async def test_a_question_is_queued_with_its_turn_and_sent_once(database_url: str) -> None:
    service = _worker(database_url)
    store = store_of(service)
    platform = Recorder(store)
    try:
        conv = conv_for(f"ob-{uuid.uuid4().hex[:6]}", platform="slack")
        replies = await service.start(conv, role="data-science", questions=2, sender=platform)
        assert [r.key is not None for r in replies] == [True, True]
        # Stored before anything was sent (a crash leaves them queued), each marked sent once it went out.
        assert platform.unsent_when_sent == [replies, replies[1:]]
        assert [i.reply.text for i in platform.sent] == [r.text for r in replies]
        assert await store.unsent_for(conv) == []
        with store.engine.connect() as conn:
            sent = conn.execute(
                select(OUTBOX.c.message_id).where(OUTBOX.c.user_id == conv.user_id).order_by(OUTBOX.c.id)
            ).scalars()
            assert list(sent) == ["m1", "m2"]  # marked sent with the platform's message ids, in order
        answered = await service.answer(
            conv, "Cross-validation on held-out folds, then a simpler model.", event_id=f"ev-{uuid.uuid4().hex}"
        )
        question = next(r for r in answered if r.is_question)
        assert question.key is not None and question.key.endswith(":ask:2")
        assert [i.reply for i in await store_of(service).unsent_for(conv)] == [question]
    finally:
        await service.close()


async def test_a_reply_left_unsent_is_taken_over_by_one_worker_after_its_lease(database_url: str) -> None:
    first, second = _worker(database_url, seed=1), _worker(database_url, seed=2)
    platform = f"chat-{uuid.uuid4().hex[:6]}"  # its own platform: other tests' leftovers are not in the way
    try:
        conv = conv_for("leaser", platform=platform)
        await first.start(conv, role="law", questions=2)  # stored; the worker "dies" before sending
        early = Recorder()
        assert await second.redeliver(platform, early) == 0  # still leased to the first worker
        await asyncio.sleep(0.4)
        a, b = Recorder(), Recorder()
        await asyncio.gather(first.redeliver(platform, a), second.redeliver(platform, b))
        taken = sorted(a.sent + b.sent, key=lambda item: item.id)
        assert [i.reply.kind for i in taken] == [ReplyKind.INFO, ReplyKind.QUESTION]  # each sent by one worker
        assert await store_of(first).unsent_for(conv) == []
    finally:
        await first.close()
        await second.close()


async def test_a_turn_stopped_after_the_answer_is_carried_on_and_graded(database_url: str) -> None:
    service = _worker(database_url)
    try:
        # A platform of its own: other tests' half-done interviews on the shared database are not in the way.
        conv = conv_for(f"ob-{uuid.uuid4().hex[:6]}", platform=f"chat-{uuid.uuid4().hex[:6]}")
        await service.start(conv, role="data-science", questions=2)
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        # What a worker killed during the model call leaves: the answer stored, no grade, no next question.
        await store_of(service).save_answer(
            interview.id,
            1,
            answer="I would use k-fold cross-validation and compare against a baseline model.",
            source=AnswerSource.TEXT,
            answered_at=datetime.now(UTC),
            event_id=f"ev-{uuid.uuid4().hex}",
        )
        assert await service.recover(conv.platform) == []  # not yet: the worker may still be thinking
        await asyncio.sleep(0.5)
        carried = await service.recover(conv.platform)
        assert [c for c, _ in carried] == [conv]
        question = next(r for r in carried[0][1] if r.is_question)
        assert question.seq == 2 and question.key is not None
        assert await service.recover(conv.platform) == []  # carried on once
        await service.drain()
        stored = await store_of(service).get_interview(interview.id)
        assert stored is not None and stored.turns[0].grade is not None  # the answer was graded after all
        assert [t.seq for t in stored.turns] == [1, 2]
        assert [i.reply for i in await store_of(service).unsent_for(conv)][-1] == question  # queued with its turn
    finally:
        await service.close()


async def test_a_scorecard_survives_the_trip_through_the_outbox(database_url: str) -> None:
    service = _worker(database_url)
    try:
        conv = conv_for(f"ob-{uuid.uuid4().hex[:6]}")
        await service.start(conv, role="human-resources", questions=1)
        await service.answer(conv, "I listen to both sides first, then agree next steps in writing.")
        replies = await service.command(conv, "end")
        card = next(r for r in replies if r.kind is ReplyKind.SCORECARD)
        assert reply_from_data(reply_to_data(card)) == card
        assert card.key is not None and card in [i.reply for i in await store_of(service).unsent_for(conv)]
    finally:
        await service.close()


async def test_erasure_takes_queued_replies_and_kept_events_too(database_url: str) -> None:
    service = _worker(database_url)
    try:
        conv = conv_for(f"ob-{uuid.uuid4().hex[:6]}", platform="slack")
        await service.start(conv, role="law", questions=2)
        body = {"event": {"text": "my answer, kept before the acknowledgement"}}
        assert await store_of(service).inbox_put("slack", f"msg:{conv.user_id}", user_id=conv.user_id, body=body)
        assert not await store_of(service).inbox_put("slack", f"msg:{conv.user_id}", user_id=conv.user_id, body=body)
        await store_of(service).delete_user_data(user_id=conv.user_id, platform="slack")
        assert await store_of(service).unsent_for(conv) == []
        await asyncio.sleep(0.4)
        stalled = await store_of(service).inbox_stalled("slack", older_than_s=0.1, max_attempts=3, limit=50)
        assert body not in stalled
    finally:
        await service.close()


async def test_a_kept_event_is_marked_handled_by_the_transaction_that_takes_it(database_url: str) -> None:
    service = _worker(database_url)
    try:
        conv = conv_for(f"ob-{uuid.uuid4().hex[:6]}", platform=f"chat-{uuid.uuid4().hex[:6]}")
        await service.start(conv, role="law", questions=3)
        answer_key, command_key, idle_key = (f"{name}-{uuid.uuid4().hex}" for name in ("answer", "command", "idle"))
        for key in (answer_key, command_key, idle_key):
            assert await store_of(service).inbox_put(conv.platform, key, user_id=conv.user_id, body={"key": key})
        await service.answer(conv, "Offer, acceptance and consideration.", event_id=answer_key)  # stored answer
        await service.answer(conv, "hint", event_id=command_key)  # a command claims its event
        await asyncio.sleep(0.3)
        stalled = await store_of(service).inbox_stalled(conv.platform, older_than_s=0.1, max_attempts=3, limit=50)
        assert stalled == [{"key": idle_key}]  # only the event nobody took
    finally:
        await service.close()


async def test_a_turn_waiting_for_retry_is_not_carried_on(database_url: str) -> None:
    service = _worker(database_url)
    try:
        conv = conv_for(f"ob-{uuid.uuid4().hex[:6]}", platform=f"chat-{uuid.uuid4().hex[:6]}")
        further = conv_for(f"ob-{uuid.uuid4().hex[:6]}", platform=conv.platform)
        await service.start(further, role="law", questions=2)
        await service.answer(further, "An offer, its acceptance and consideration, with intent to be bound.")
        await service.start(conv, role="law", questions=2)
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        await store_of(service).save_answer(
            interview.id, 1, answer="Consideration and offer.", source=AnswerSource.TEXT, answered_at=datetime.now(UTC)
        )
        await store_of(service).save_grade(interview.id, 1, grade())
        # The model was down: the candidate was told and asked to `retry`; the move is theirs to ask for.
        interview.state["pending"] = "after_answer"
        await store_of(service).update_interview(interview)
        await asyncio.sleep(0.5)
        assert await store_of(service).stalled_interviews(conv.platform, idle_s=0.3) == []
        interview.state.pop("pending")
        await store_of(service).update_interview(interview)
        await asyncio.sleep(0.5)
        assert await store_of(service).stalled_interviews(conv.platform, idle_s=0.3) == [interview.id]
    finally:
        await service.close()
