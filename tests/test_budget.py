"""The daily token budget: once a workspace has spent it, the built-in coach carries every interview on.

The real openai SDK talks to the loopback fake; the budget is counted from what the store recorded, on a real SQLite
file and a real PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.domain.models import ConversationRef, InterviewStatus
from core.domain.replies import Reply, ReplyKind
from core.interview.service import InterviewService
from tests.fakes.openai_server import FakeOpenAI
from tests.support import make_service, store_of

ANSWER = (
    "I would start from the business question, then check the data grain and the join keys, because a one to many "
    "join fans out rows. For example at my last job revenue doubled after a join, and we found duplicate keys."
)
BUDGET_NOTICE = "AI budget here is used up"
AUDIO = Path(__file__).parent / "fixtures" / "audio" / "voice-message.ogg"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def budget_service(database_url: str, fake: FakeOpenAI, tokens: int) -> InterviewService:
    return make_service(
        database_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        OPENAI_BASE_URL=fake.base_url,
        MOCK_INTERVIEW_MODEL_TIMEOUT=5,
        MOCK_INTERVIEW_DAILY_TOKENS=tokens,
    )


def fresh(prefix: str) -> str:
    """An id no other test uses: the PostgreSQL database is shared by the session."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def notices(replies: list[Reply]) -> int:
    return sum(BUDGET_NOTICE in r.text for r in replies)


async def test_a_spent_budget_hands_the_interview_to_the_built_in_coach_and_says_so_once(
    database_url: str, fake: FakeOpenAI
) -> None:
    service = budget_service(database_url, fake, tokens=1)  # spent by the very first call
    workspace = fresh("T")
    conv = ConversationRef("slack", workspace, "C1", "1.0", fresh("U"))
    try:
        started = await service.start(conv, role="data-science", questions=3)
        assert notices(started) == 0 and fake.requests == []  # the plan's first question: no call
        moved = await service.answer(conv, ANSWER)
        assert "Fake question" in moved[-1].text and notices(moved) == 0  # nothing spent yet: the model asks
        await service.drain()
        calls = len(fake.requests)
        assert calls == 2  # the move and the grade

        seen: list[Reply] = []
        for _ in range(12):
            replies = await service.answer(conv, ANSWER)
            seen += replies
            if replies[-1].kind is ReplyKind.SCORECARD:
                break
        await service.drain()
        assert seen[-1].kind is ReplyKind.SCORECARD  # the interview still ends with its scorecard
        assert notices(seen) == 1 and BUDGET_NOTICE in seen[0].text and "00:00 UTC" in seen[0].text
        assert len(fake.requests) == calls  # not one more call reached the model
        interview = await store_of(service).get_interview(seen[-1].interview_id or "")
        assert interview is not None and interview.status is InterviewStatus.COMPLETED
        graders = [t.grade.grader if t.grade else None for t in interview.turns if t.answer is not None]
        assert graders[0] == "model" and set(graders[1:]) == {"offline"}

        # A new interview in the same workspace starts on the coach, told at once; another workspace still has AI.
        neighbour = ConversationRef("slack", workspace, "C2", "2.0", fresh("U"))
        opened = await service.start(neighbour, role="law", questions=2)
        assert notices(opened) == 1 and opened[-1].is_question and "Fake question" not in opened[-1].text
        assert (await service.command(neighbour, "hint"))[0].kind is ReplyKind.HINT  # told once, not again
        assert len(fake.requests) == calls
        elsewhere = ConversationRef("slack", fresh("T"), "C1", "1.0", fresh("U"))
        assert notices(await service.start(elsewhere, role="law", questions=2)) == 0
        assert "Fake question" in (await service.answer(elsewhere, ANSWER))[-1].text
        assert len(fake.requests) > calls
    finally:
        await service.close()


async def test_outside_a_workspace_each_person_has_their_own_budget(database_url: str, fake: FakeOpenAI) -> None:
    service = budget_service(database_url, fake, tokens=1)
    spender = ConversationRef("discord", "", fresh("dm"), None, fresh("u"))
    other = ConversationRef("discord", "", fresh("dm"), None, fresh("u"))
    try:
        await service.start(spender, role="ds", questions=3)
        assert notices(await service.answer(spender, ANSWER)) == 0  # the first answer's calls spend it
        await service.drain()
        assert notices(await service.answer(spender, ANSWER)) == 1
        calls = len(fake.requests)
        await service.start(other, role="ds", questions=2)  # a DM of someone else: their own day
        moved = await service.answer(other, ANSWER)
        assert notices(moved) == 0 and "Fake question" in moved[-1].text and len(fake.requests) > calls

        # A voice note is not transcribed once the budget is spent: the person is asked to type instead.
        audio = AUDIO.read_bytes()
        refused = await service.voice(spender, audio, filename="voice-message.ogg", mime="audio/ogg", event_id="v1")
        assert [r.kind for r in refused] == [ReplyKind.ERROR] and "type your answer" in refused[0].text
        assert fake.transcriptions == []
    finally:
        await service.close()
