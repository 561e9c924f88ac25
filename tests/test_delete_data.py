"""Erasing a person's data: their interviews, answers and usage records go, everyone else's stay."""

from __future__ import annotations

import uuid

from core.domain.models import AnswerSource, ConversationRef, DeletedData, Interview, Usage, utcnow
from db.store import SqlInterviewStore
from tests.store_support import make_interview, question


async def new_interview(store: SqlInterviewStore, conv: ConversationRef) -> Interview:
    """An open interview in conv with its first question."""
    interview = make_interview(conv)
    interview.turns.append(question(1))
    await store.create_interview(interview)
    return interview


async def answered(store: SqlInterviewStore, conv: ConversationRef) -> Interview:
    """An interview in conv whose first question is answered."""
    interview = await new_interview(store, conv)
    await store.save_answer(interview.id, 1, answer="My answer.", source=AnswerSource.TEXT, answered_at=utcnow())
    return interview


def _conv(user: str, platform: str = "slack", workspace: str = "T1") -> ConversationRef:
    return ConversationRef(platform, workspace, f"C{uuid.uuid4().hex[:6]}", None, user)


async def test_a_persons_interviews_answers_and_usage_are_erased_and_counted(store: SqlInterviewStore) -> None:
    me, other = f"U{uuid.uuid4().hex[:8]}", f"U{uuid.uuid4().hex[:8]}"
    mine = [await answered(store, _conv(me)), await answered(store, _conv(me, platform="discord", workspace=""))]
    theirs = await answered(store, _conv(other))
    for interview in (*mine, theirs):
        await store.record_usage(interview.id, Usage("grader", "gpt-x", 10, 0, 5, 100))

    erased = await store.delete_user_data(user_id=me)

    assert erased == DeletedData(interviews=2, answers=2, usage_records=2)
    assert [await store.get_interview(i.id) for i in mine] == [None, None]
    assert await store.list_interviews(user_id=me) == []
    assert (await store.usage_totals(mine[0].id)).calls == 0
    kept = await store.get_interview(theirs.id)
    assert kept is not None and kept.turns[0].answer is not None
    assert (await store.usage_totals(theirs.id)).calls == 1
    assert await store.delete_user_data(user_id=me) == DeletedData()


async def test_erasing_can_be_limited_to_one_platform_and_workspace(store: SqlInterviewStore) -> None:
    me = f"U{uuid.uuid4().hex[:8]}"
    await answered(store, _conv(me, platform="slack", workspace="T1"))
    await answered(store, _conv(me, platform="slack", workspace="T2"))
    await answered(store, _conv(me, platform="discord", workspace=""))

    erased = await store.delete_user_data(user_id=me, platform="slack", workspace_id="T1")

    assert erased.interviews == 1
    left = await store.list_interviews(user_id=me)
    assert sorted(s.platform for s in left) == ["discord", "slack"]


async def test_an_open_interview_is_erased_too(store: SqlInterviewStore) -> None:
    me = f"U{uuid.uuid4().hex[:8]}"
    conv = _conv(me)
    open_one = await new_interview(store, conv)
    assert (await store.delete_user_data(user_id=me)).interviews == 1
    assert await store.get_open_interview(conv) is None and await store.get_interview(open_one.id) is None
