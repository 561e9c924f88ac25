"""Study groups through the service, on SQLite and PostgreSQL: the lobby, blind rounds closed by the last answer or
the clock, reveals graded like solo answers, peer ratings, the host's controls, the scorecards, exactly once."""

from __future__ import annotations

import asyncio
import copy
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from core.domain.groups import DIRECT_CHANNEL
from core.domain.models import ConversationRef, InterviewStatus, utcnow
from core.domain.replies import ReplyCode, ReplyKind
from core.interview.service import InterviewService
from tests.fakes.openai_server import FakeOpenAI
from tests.support import make_service, store_of
from tests.voice_support import AUDIO, SPOKEN, voice_service

GOOD = (
    "First I would state a hypothesis and one primary metric with guardrail metrics, randomise by user, and size the "
    "sample with a power analysis from the minimum detectable effect. For example, I fixed the duration up front."
)


def _thread() -> ConversationRef:
    platform = f"grp-{uuid.uuid4().hex[:8]}"  # a platform of its own: the sweeper reads a platform's sessions
    return ConversationRef(platform=platform, workspace_id="T1", channel_id="C1", thread_id="1.5", user_id="ana")


def _as(place: ConversationRef, user: str) -> ConversationRef:
    return replace(place, user_id=user)


def _codes(replies: list) -> list[ReplyCode | None]:
    return [r.code for r in replies]


async def _lobby_of_three(service: InterviewService, place: ConversationRef, **options: int) -> None:
    lobby = await service.group_open(place, role="data-science", event_id="cmd", **options)
    assert _codes(lobby) == [ReplyCode.GROUP_LOBBY] and "<@ana>" in lobby[0].text
    assert await service.group_open(place, role="data-science", event_id="cmd") == []  # a copy: nothing
    await service.group_join(_as(place, "ben"), event_id="join-ben")
    joined = await service.group_join(_as(place, "cy"), event_id="join-cy")
    assert "Members (3 of 10)" in joined[-1].text


async def test_a_group_round_is_blind_then_revealed_graded_and_rated(database_url: str) -> None:
    service = make_service(database_url)
    place = _thread()
    try:
        await _lobby_of_three(service, place, questions=2, minutes=5)
        refused = await service.group_start(_as(place, "ben"), event_id="start-ben")
        assert refused[0].private and "Only the host" in refused[0].text
        asked = await service.group_start(place, event_id="start")
        assert _codes(asked) == [ReplyCode.GROUP_QUESTION] and asked[0].seq == 1
        ben = await service.group_answer(_as(place, "ben"), GOOD, event_id="a-ben")
        assert [r.private for r in ben] == [True] and "Your answer is in" in ben[0].text  # nothing public yet
        assert await service.group_answer(_as(place, "ben"), GOOD, event_id="a-ben") == []  # a copy: nothing
        again = await service.group_answer(_as(place, "ben"), "A second try", event_id="a-ben-2")
        assert "answered this question already" in again[0].text
        outsider = await service.group_answer(_as(place, "dan"), "Me too", event_id="a-dan")
        assert "join the next one" in outsider[0].text
        await service.group_answer(place, "Randomise.", event_id="a-ana")
        revealed = await service.group_answer(_as(place, "cy"), GOOD, event_id="a-cy")
        reveal = next(r for r in revealed if r.code is ReplyCode.GROUP_REVEAL)
        assert "<@ben>: **" in reveal.text and "<@ana>: **" in reveal.text and GOOD[:40] in reveal.text
        rated = await service.group_rate(_as(place, "ben"), "ana", 2, round_number=1, event_id="r1")
        assert "You rated that answer 2" in rated[0].text
        assert await service.group_rate(_as(place, "ben"), "ana", 2, round_number=1, event_id="r1") == []  # a copy
        await service.group_rate(_as(place, "ben"), "ben", 5, round_number=1, event_id="r2")
        await service.group_rate(place, "ben", 3, round_number=1, event_id="r3")
        second = await service.group_control(place, "next", event_id="next-1")
        assert _codes(second) == [ReplyCode.GROUP_QUESTION] and second[0].seq == 2
        stale = await service.group_rate(place, "cy", 4, round_number=1, event_id="r4")
        assert "closed" in stale[0].text
        ended = await service.group_control(place, "end", event_id="end")
        card = next(r for r in ended if r.code is ReplyCode.GROUP_SCORECARD)
        assert "1. **<@ben>**" in card.text and "you rate yourself about" in card.text
        personal = [r for r in ended if r.kind is ReplyKind.SCORECARD]
        assert len(personal) == 3 and all(r.scorecard for r in personal)
        history = await service.history(user_id="ben", platform=place.platform)
        assert len(history) == 1 and history[0].status is InterviewStatus.COMPLETED
        mine = await store_of(service).get_interview(history[0].id)
        assert mine is not None and mine.conv.channel_id == DIRECT_CHANNEL
        assert [t.answer for t in mine.turns] == [GOOD]  # only ben's own answer; the skipped round 2 is not there
    finally:
        await service.close()


async def test_the_clock_closes_rounds_on_any_worker_and_finishes_once(database_url: str) -> None:
    first, second = make_service(database_url), make_service(database_url)
    place = _thread()
    try:
        await _lobby_of_three(first, place, questions=1, minutes=1)
        await first.group_start(place, event_id="start")
        await first.group_answer(_as(place, "ben"), GOOD, event_id="a-ben")
        now = utcnow()
        assert await second.send_group_deadlines(place.platform, None, now=now) == 0  # not yet
        later = now + timedelta(minutes=1, seconds=5)
        sent = [await worker.send_group_deadlines(place.platform, None, now=later) for worker in (first, second)]
        assert sorted(sent) == [0, 1]  # one reveal, from whichever worker got there first
        stored = await store_of(first).group_in_thread(place)
        assert stored is not None
        played = stored.session.rounds[0]
        assert played.answers["ben"].score is not None and "ana" not in played.answers
        done = now + timedelta(minutes=5)
        await first.send_group_deadlines(place.platform, None, now=done)
        await second.send_group_deadlines(place.platform, None, now=done)
        finished = await store_of(first).group_in_thread(place)
        assert finished is not None and finished.session.settled
        for user in ("ana", "ben", "cy"):
            assert len(await first.history(user_id=user, platform=place.platform)) == 1  # one each, not two
        ana = (await first.history(user_id="ana", platform=place.platform))[0]
        assert ana.overall_score == 1.0  # "no answer" scores 1
    finally:
        await first.close()
        await second.close()


async def test_bad_starts_and_controls_are_refused_in_words(database_url: str) -> None:
    service = make_service(database_url)
    place = _thread()
    try:
        assert "you asked for 40" in (service.group_problem("ds", questions=40) or "")
        assert "1 to 15 minutes" in (service.group_problem("ds", minutes=30) or "")
        assert "I don't know the role" in (service.group_problem("astronaut") or "")
        await service.group_open(place, role="ds", event_id="cmd")
        alone = await service.group_start(place, event_id="start")
        assert "at least 2 members" in alone[0].text
        host_leaves = await service.group_leave(place, event_id="leave")
        assert "press End" in host_leaves[0].text
        other = await service.group_open(_as(place, "ben"), role="ds", event_id="cmd-2")
        assert "has a study group already" in other[0].text
        empty = await service.group_control(place, "end", event_id="end")
        assert "ended before any answers" in empty[0].text
    finally:
        await service.close()


async def test_a_button_or_form_of_an_earlier_question_does_not_act_on_the_latest(database_url: str) -> None:
    service = make_service(database_url)
    place = _thread()
    try:
        assert not await service.group_here(place)
        await _lobby_of_three(service, place, questions=2)
        assert await service.group_here(_as(place, "passer-by"))  # whoever asks: the thread holds a group
        await service.group_start(place, event_id="start")
        await service.group_control(place, "skip", event_id="skip-1", round_number=1)  # question 2 opens
        late = await service.group_answer(_as(place, "ben"), GOOD, event_id="late", round_number=1)
        assert [r.private for r in late] == [True] and "was not taken" in late[0].text
        assert await service.group_answer(_as(place, "ben"), GOOD, event_id="late", round_number=1) == []  # a copy
        stale = await service.group_control(place, "skip", event_id="skip-again", round_number=1)
        assert "moved on" in stale[0].text
        taken = await service.group_answer(_as(place, "ben"), GOOD, event_id="on-time", round_number=2)
        assert "Your answer is in" in taken[0].text
    finally:
        await service.close()


async def test_a_voice_note_by_dm_answers_the_open_question_once_and_is_shown_back_privately(tmp_path: Path) -> None:
    async with FakeOpenAI(transcript_text=SPOKEN) as fake:
        service = voice_service(tmp_path, fake)
        place = _thread()
        dm = ConversationRef(
            platform=place.platform, workspace_id="T1", channel_id="D-ben", thread_id=None, user_id="ben"
        )
        audio = (AUDIO / "voice-message.ogg").read_bytes()
        try:
            assert await service.group_voice(dm, audio, filename="v.ogg", event_id="v0") is None  # no round open
            await _lobby_of_three(service, place, questions=1)
            await service.group_start(place, event_id="start")
            heard = await service.group_voice(dm, audio, filename="v.ogg", event_id="v1")
            assert heard is not None and all(r.private for r in heard)
            assert "k-means" in heard[0].text and "Your answer is in" in heard[1].text
            assert await service.group_voice(dm, audio, filename="v.ogg", event_id="v1") == []  # a copy
            assert len(fake.transcriptions) == 1
            stored = await store_of(service).group_in_thread(place)
            assert stored is not None and stored.session.rounds[0].answers["ben"].source == "voice"
            second = await service.group_voice(dm, audio, filename="v.ogg", event_id="v2")
            assert second is not None and "in already" in second[0].text and len(fake.transcriptions) == 1
        finally:
            await service.close()


async def test_an_answer_over_the_length_limit_is_refused_once_and_the_question_stays_open(tmp_path: Path) -> None:
    long_spoken = SPOKEN + " " + GOOD  # a transcript over the limit, as a long voice note gives
    async with FakeOpenAI(transcript_text=long_spoken) as fake:
        service = voice_service(tmp_path, fake, MOCK_INTERVIEW_MAX_ANSWER_CHARS=150)
        place = _thread()
        dm = ConversationRef(
            platform=place.platform, workspace_id="T1", channel_id="D-ben", thread_id=None, user_id="ben"
        )
        try:
            await _lobby_of_three(service, place, questions=1)
            await service.group_start(place, event_id="start")
            typed = await service.group_answer(_as(place, "cy"), GOOD, round_number=1, event_id="long")
            assert [r.private for r in typed] == [True] and "the limit is 150" in typed[0].text
            assert await service.group_answer(_as(place, "cy"), GOOD, round_number=1, event_id="long") == []
            spoken = await service.group_voice(dm, (AUDIO / "voice-message.ogg").read_bytes(), filename="v.ogg")
            assert spoken is not None and [r.private for r in spoken] == [True]
            assert f"{len(long_spoken):,} characters" in spoken[0].text
            stored = await store_of(service).group_in_thread(place)
            assert stored is not None and stored.session.rounds[0].answers == {}  # nothing taken
            taken = await service.group_answer(_as(place, "cy"), GOOD[:140], round_number=1, event_id="short")
            assert "Your answer is in" in taken[0].text
        finally:
            await service.close()


async def test_a_session_a_stopped_worker_finished_is_settled_by_the_sweeper(database_url: str) -> None:
    service = make_service(database_url)
    place = _thread()
    try:
        await _lobby_of_three(service, place, questions=1)
        await service.group_start(place, event_id="start")
        for user in ("ana", "ben", "cy"):
            await service.group_answer(_as(place, user), GOOD, event_id=f"a-{user}")
        stored = await store_of(service).group_in_thread(place)
        assert stored is not None
        finished = copy.deepcopy(stored.session)
        finished.next_round(utcnow())  # the last round: finished, as a worker stores it before it settles
        assert await store_of(service).save_group(stored, finished, [], lease_s=30, event_id=None)
        assert await service.history(user_id="ben", platform=place.platform) == []  # the worker stopped here
        await service.send_group_deadlines(place.platform, None)
        assert len(await service.history(user_id="ben", platform=place.platform)) == 1
        settled = await store_of(service).group_in_thread(place)
        assert settled is not None and settled.session.settled
    finally:
        await service.close()


async def test_the_model_s_grades_of_a_session_count_in_the_budget_when_it_ends(tmp_path: Path) -> None:
    async with FakeOpenAI() as fake:
        service = voice_service(tmp_path, fake)
        place = _thread()
        try:
            await _lobby_of_three(service, place, questions=1)
            await service.group_start(place, event_id="start")
            for user in ("ana", "ben", "cy"):
                await service.group_answer(_as(place, user), GOOD, event_id=f"a-{user}")
            await service.group_control(place, "end", event_id="end")
            [ben] = await service.history(user_id="ben", platform=place.platform)
            totals = await store_of(service).usage_totals(ben.id)
            assert totals.calls == 1 and totals.prompt_tokens > 0
        finally:
            await service.close()


async def test_nine_members_pressing_join_at_once_are_all_taken_and_the_tenth_starts_it(database_url: str) -> None:
    service = make_service(database_url)
    place = _thread()
    try:
        await service.group_open(place, role="ds", questions=1, event_id="cmd")
        joined = await asyncio.gather(
            *(service.group_join(_as(place, f"m{i}"), event_id=f"join-{i}") for i in range(1, 10))
        )
        assert not any("busy" in r.text for replies in joined for r in replies)
        stored = await store_of(service).group_in_thread(place)
        assert stored is not None and len(stored.session.members) == 10 and stored.session.rounds
    finally:
        await service.close()
