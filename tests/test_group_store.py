"""Study groups' storage on SQLite and PostgreSQL: one session per thread, compare-and-set changes committed with
their replies and events, the sweeper's due sessions, and erasure of one member's part."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.groups import GroupSession
from core.domain.models import ConversationRef
from core.domain.replies import info, keyed
from core.ports import DuplicateEvent
from core.ports.groups import GroupExists
from db.store import SqlInterviewStore

T0 = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _place() -> tuple[ConversationRef, str]:
    platform = f"grp-{uuid.uuid4().hex[:8]}"  # a platform of its own: the session database is shared
    return ConversationRef(
        platform=platform, workspace_id="T1", channel_id="C1", thread_id="1.1", user_id="ana"
    ), platform


def _session(*members: str) -> GroupSession:
    session = GroupSession(
        id=str(uuid.uuid4()), host="ana", role="data-science", planned=2, minutes=5, plan=["q1", "q2"], created_at=T0
    )
    for user in ("ana", *members):
        session.join(user)
    return session


async def test_a_thread_holds_one_session_and_changes_are_compare_and_set(store: SqlInterviewStore) -> None:
    place, _ = _place()
    session = _session("ben")
    lobby = keyed(info("Study group: join!"), f"group:{session.id}:lobby")
    await store.create_group(session, place, [(place, lobby)], lease_s=30, event_id="cmd-1")
    with pytest.raises(GroupExists):
        await store.create_group(_session(), place, [], lease_s=30, event_id=None)
    stored = await store.group_in_thread(replace(place, user_id="ben"))
    assert stored is not None and stored.version == 1 and stored.session == session
    assert [item.reply.text for item in await store.unsent_for(place)] == ["Study group: join!"]

    first, second = _session("ben"), _session("ben")
    first.id = second.id = session.id
    first.start("ana", T0)
    second.join("cy")
    assert await store.save_group(stored, first, [], lease_s=30, event_id="start-1") is True
    assert await store.save_group(stored, second, [], lease_s=30, event_id="join-cy") is False  # lost the race
    assert await store.claim_event(place.platform, "join-cy") is True  # so its event was not claimed
    again = await store.group_by_id(session.id)
    assert again is not None and again.version == 2 and again.session.rounds[0].expected == ["ana", "ben"]
    with pytest.raises(DuplicateEvent):
        await store.save_group(again, again.session, [], lease_s=30, event_id="start-1")


async def test_the_sweeper_finds_sessions_whose_deadline_passed(store: SqlInterviewStore) -> None:
    place, platform = _place()
    session = _session("ben")
    session.start("ana", T0)
    await store.create_group(session, place, [], lease_s=30, event_id=None)
    assert await store.due_groups(platform, now=T0 + timedelta(minutes=4)) == []
    assert await store.due_groups(platform, now=T0 + timedelta(minutes=5)) == [session.id]


async def test_erasing_a_member_takes_their_answers_out_and_a_host_their_sessions(store: SqlInterviewStore) -> None:
    place, platform = _place()
    session = _session("ben", "cy")
    session.start("ana", T0)
    session.answer("ben", "Ben's answer", T0)
    session.answer("cy", "Cy's answer", T0)
    session.reveal(T0)
    session.rate("cy", "ben", 4, round_index=0)
    await store.create_group(session, place, [], lease_s=30, event_id=None)
    await store.delete_user_data(user_id="ben", platform=platform)
    kept = await store.group_by_id(session.id)
    assert kept is not None
    played = kept.session.rounds[0]
    assert "ben" not in kept.session.members and "ben" not in played.answers and played.ratings == {"cy": {}}
    assert played.answers["cy"].text == "Cy's answer"
    await store.delete_user_data(user_id="ana", platform=platform)
    assert await store.group_by_id(session.id) is None
