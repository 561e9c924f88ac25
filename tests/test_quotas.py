"""Per-user limits through the service on a real SQLite file and a real PostgreSQL: open interviews, answer rate."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from core.domain.models import AnswerSource, ConversationRef, Usage, utcnow
from core.domain.replies import ReplyKind
from core.interview.quotas import start_of_day
from core.interview.service import InterviewService
from db.statements import TURNS
from db.store import SqlInterviewStore
from tests.fakes.openai_server import FakeOpenAI
from tests.store_support import make_interview, question
from tests.support import make_service, store_of

ANSWER = "I would check the data first, then agree a baseline with the team, because trust matters here."
AUDIO = Path(__file__).parent / "fixtures" / "audio" / "voice-message.ogg"


def slack_conv(user: str, *, workspace: str, thread: str = "1.0", channel: str = "C1") -> ConversationRef:
    return ConversationRef("slack", workspace, channel, thread, user)


def fresh(prefix: str) -> str:
    """An id no other test uses: the PostgreSQL database is shared by the session."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


async def answers_stored(service: InterviewService, conv: ConversationRef) -> int:
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    return sum(t.answer is not None for t in interview.turns)


async def open_seq(service: InterviewService, conv: ConversationRef) -> int:
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.current_turn is not None
    return interview.current_turn.seq


async def backdate_answers(service: InterviewService, conv: ConversationRef, *, seconds: float) -> None:
    """Move the conversation's stored answers back in time, as if they had been given `seconds` earlier."""
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    when = utcnow() - timedelta(seconds=seconds)
    with store_of(service).engine.begin() as conn:
        conn.execute(
            update(TURNS)
            .where(TURNS.c.interview_id == interview.id, TURNS.c.answer.is_not(None))
            .values(answered_at=when)
        )


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[InterviewService]:
    svc = make_service(database_url)  # the default limits: 3 open interviews, 10 answers a minute
    yield svc
    await svc.close()


async def test_a_fourth_open_interview_is_refused_until_one_is_ended(service: InterviewService) -> None:
    user, workspace = fresh("U"), fresh("T")
    convs = [slack_conv(user, workspace=workspace, thread=f"{n}.0") for n in range(4)]
    for conv in convs[:3]:
        assert (await service.start(conv, role="ds", questions=2))[-1].is_question
    await service.command(convs[2], "pause")  # a paused interview is open too

    refused = await service.start(convs[3], role="ds", questions=2)
    assert [r.kind for r in refused] == [ReplyKind.ERROR]
    assert "3 interviews open" in refused[0].text and "`end`" in refused[0].text
    assert await store_of(service).get_open_interview(convs[3]) is None

    # Replacing the one open in the same conversation keeps the count, so it is allowed.
    replaced = await service.start(convs[0], role="law", questions=2, replace=True)
    assert replaced[-1].is_question
    # Someone else, and the same person in another workspace or on another platform, count apart.
    assert (await service.start(slack_conv(fresh("U"), workspace=workspace, thread="9.0"), role="ds"))[-1].is_question
    assert (await service.start(slack_conv(user, workspace=fresh("T"), thread="9.0"), role="ds"))[-1].is_question
    other_platform = ConversationRef("discord", workspace, "C1", "9.0", user)
    assert (await service.start(other_platform, role="ds"))[-1].is_question

    await service.command(convs[1], "end")
    assert (await service.start(convs[3], role="ds", questions=2))[-1].is_question


async def test_answers_over_the_per_minute_limit_are_refused_unstored_and_taken_once_the_minute_passes(
    database_url: str,
) -> None:
    service = make_service(database_url, MOCK_INTERVIEW_ANSWERS_PER_MINUTE=3)
    user, workspace = fresh("U"), fresh("T")
    first, second = (
        slack_conv(user, workspace=workspace, thread="1.0"),
        slack_conv(user, workspace=workspace, thread="2.0"),
    )
    try:
        await service.start(first, role="ds", questions=5)
        await service.start(second, role="law", questions=5)
        # Three answers over two of the person's interviews fill the minute.
        for conv, n in ((first, 0), (first, 1), (second, 2)):
            replies = await service.answer(conv, f"{ANSWER} ({n})", event_id=f"{user}-{n}")
            assert replies and replies[-1].is_question
        seq = await open_seq(service, first)

        refused = await service.answer(first, ANSWER, event_id=f"{user}-3")
        assert [r.kind for r in refused] == [ReplyKind.ERROR]
        said = re.search(r"wait (\d+) seconds?", refused[0].text)
        assert said is not None
        wait = int(said.group(1))
        assert 55 <= wait <= 60 and "send the same answer again" in refused[0].text
        assert await answers_stored(service, first) == 2 and await open_seq(service, first) == seq  # still open
        assert await service.answer(first, ANSWER, event_id=f"{user}-3") == []  # a redelivery: no second message

        # Others, and the same person in another workspace, are not held back by these answers.
        someone = slack_conv(fresh("U"), workspace=workspace, thread="1.0")
        await service.start(someone, role="ds", questions=2)
        assert (await service.answer(someone, ANSWER))[-1].is_question
        elsewhere = slack_conv(user, workspace=fresh("T"))
        await service.start(elsewhere, role="ds", questions=2)
        assert (await service.answer(elsewhere, ANSWER))[-1].is_question

        # The wait is counted from the oldest answer in the window: 50 s ago leaves about 10 s.
        await backdate_answers(service, first, seconds=50)
        refused = await service.answer(first, ANSWER, event_id=f"{user}-4")
        assert "wait 10 seconds" in refused[0].text or "wait 11 seconds" in refused[0].text
        # Once those two are more than a minute old, two more fit beside the one in the other interview.
        await backdate_answers(service, first, seconds=61)
        for n in (5, 6):
            assert (await service.answer(first, f"{ANSWER} ({n})", event_id=f"{user}-{n}"))[-1].is_question
        assert (await service.answer(first, ANSWER, event_id=f"{user}-7"))[0].kind is ReplyKind.ERROR
        assert await answers_stored(service, first) == 4
    finally:
        await service.close()


async def test_a_voice_note_over_the_answer_limit_is_refused_before_it_is_transcribed(tmp_path: Path) -> None:
    async with FakeOpenAI() as fake:
        service = make_service(
            f"sqlite:///{tmp_path / 'voice.db'}",
            OPENAI_API_KEY="sk-test-not-a-real-key",
            OPENAI_BASE_URL=fake.base_url,
            MOCK_INTERVIEW_MODEL_TIMEOUT=5,
            MOCK_INTERVIEW_ANSWERS_PER_MINUTE=1,
        )
        conv = ConversationRef("discord", "", "dm-1", None, fresh("u"))
        try:
            await service.start(conv, role="ds", questions=3)
            assert (await service.answer(conv, ANSWER))[-1].is_question
            audio = AUDIO.read_bytes()
            refused = await service.voice(conv, audio, filename="voice-message.ogg", mime="audio/ogg", event_id="v1")
            assert [r.kind for r in refused] == [ReplyKind.ERROR] and "wait" in refused[0].text
            assert fake.transcriptions == []  # nothing was paid for
            assert await service.voice(conv, audio, filename="voice-message.ogg", event_id="v1") == []
            assert await answers_stored(service, conv) == 1
        finally:
            await service.close()


async def test_limits_of_zero_are_off(database_url: str) -> None:
    service = make_service(database_url, MOCK_INTERVIEW_MAX_OPEN_PER_USER=0, MOCK_INTERVIEW_ANSWERS_PER_MINUTE=0)
    user, workspace = fresh("U"), fresh("T")
    convs = [slack_conv(user, workspace=workspace, thread=f"{n}.0") for n in range(4)]
    try:
        for conv in convs:
            assert (await service.start(conv, role="hr", questions=4))[-1].is_question
        for n in range(3):
            for conv in convs:
                replies = await service.answer(conv, f"{ANSWER} ({n})")
                assert replies and replies[-1].is_question
        listed = await store_of(service).list_interviews(user_id=user)
        assert sorted(i.answered for i in listed) == [3, 3, 3, 3]  # 4 open at once, 12 answers within a minute
    finally:
        await service.close()


# --- the store's counts, at their boundaries ------------------------------------------------------------------


async def test_tokens_since_counts_one_workspace_from_its_start_time(store: SqlInterviewStore) -> None:
    # Platforms of this test's own: crash recovery scans a platform's interviews, and these are left half-done.
    platform, workspace, user = fresh("chat-"), fresh("T"), fresh("U")
    midnight = start_of_day(utcnow())
    here = make_interview(ConversationRef(platform, workspace, "C1", "1.0", user))
    neighbour = make_interview(ConversationRef(platform, workspace, "C1", "1.0", fresh("U")))  # same workspace
    elsewhere = make_interview(ConversationRef(platform, fresh("T"), "C1", "1.0", user))
    other_platform = make_interview(ConversationRef(fresh("chat-"), workspace, "C1", None, user))
    for interview in (here, neighbour, elsewhere, other_platform):
        await store.create_interview(interview)

    def usage(prompt: int, completion: int, at: datetime) -> Usage:
        return Usage(
            "grader", "m", prompt_tokens=prompt, cached_tokens=prompt // 2, completion_tokens=completion, created_at=at
        )

    await store.record_usage(here.id, usage(200, 20, midnight))  # counted from 00:00 exactly
    await store.record_usage(here.id, usage(1000, 1000, midnight - timedelta(seconds=1)))  # yesterday
    await store.record_usage(neighbour.id, usage(8, 4, midnight + timedelta(hours=1)))
    await store.record_usage(elsewhere.id, usage(5000, 0, midnight))
    await store.record_usage(other_platform.id, usage(7000, 0, midnight))

    total = await store.tokens_since(platform=platform, workspace_id=workspace, user_id=None, since=midnight)
    # Cached tokens are part of the prompt and count a quarter, as providers bill them: half of each prompt is cached.
    assert total == (200 - 100 + 25 + 20) + (8 - 4 + 1 + 4)
    mine = await store.tokens_since(platform=platform, workspace_id=workspace, user_id=user, since=midnight)
    assert mine == 145
    assert await store.tokens_since(platform=platform, workspace_id=fresh("T"), user_id=None, since=midnight) == 0


async def test_answer_times_are_the_persons_newest_first_within_the_window(store: SqlInterviewStore) -> None:
    platform, workspace, user = fresh("chat-"), fresh("T"), fresh("U")
    now = utcnow()
    mine = make_interview(
        ConversationRef(platform, workspace, "C1", "1.0", user), turns=[question(n) for n in range(1, 5)]
    )
    theirs = make_interview(ConversationRef(platform, workspace, "C1", "1.0", fresh("U")), turns=[question(1)])
    for interview in (mine, theirs):
        await store.create_interview(interview)
    ages = {1: 61, 2: 59, 3: 30, 4: 1}  # seconds ago
    for seq, age in ages.items():
        when = now - timedelta(seconds=age)
        await store.save_answer(mine.id, seq, answer="a", source=AnswerSource.TEXT, answered_at=when)
    await store.save_answer(theirs.id, 1, answer="b", source=AnswerSource.TEXT, answered_at=now)

    def window(limit: int) -> Awaitable[list[datetime]]:
        since = now - timedelta(seconds=60)
        return store.answer_times(platform=platform, workspace_id=workspace, user_id=user, since=since, limit=limit)

    assert await window(10) == [now - timedelta(seconds=ages[s]) for s in (4, 3, 2)]
    assert await window(2) == [now - timedelta(seconds=1), now - timedelta(seconds=30)]
    assert await store.count_open_interviews(platform=platform, workspace_id=workspace, user_id=user) == 1
