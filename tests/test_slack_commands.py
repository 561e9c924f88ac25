"""`/mock-interview` sub-commands, bad input and where the app cannot post, against the fake Slack."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.slack.texts import CANNOT_POST, DM_NUDGE
from core.domain.models import InterviewStatus
from tests.fakes.slack_payloads import thread_reply
from tests.slack_support import SlackHarness, block_text, is_scorecard, slack_harness

CHANNEL = "C0CMDS"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'commands.db'}") as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


async def ask(h: SlackHarness, text: str, who: str, channel: str = CHANNEL) -> str:
    """Run a command whose answer is private; that answer's text."""
    seen = len(h.fake.responses)
    assert await h.command(text, user=who, channel=channel) == 200
    await h.fake.wait_for(lambda: len(h.fake.responses) > seen)
    response = h.fake.responses[-1]
    assert response["response_type"] == "ephemeral" and response["key"] == who
    return response["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "/mock-interview ROLE"),
        ("help", "Answer by replying in that thread"),
        ("help", "`/mock-interview delete-my-data` erases your interviews"),
        ("roles", "`data-science` Data Science"),
        ("astronomy", "I don't know the role “astronomy”"),
        ("ds questions=99", "`questions` must be a whole number from 1 to 25"),
        ("ds level=wizard", "`level` must be one of"),
        ("ds colour=blue", "Unknown option `colour`"),
        ("questions=3", "Which role?"),
        ("report", "Give one interview id"),
        ("report zz", "is not an interview id"),
        ("report 0000aaaa", "No interview has an id starting with"),
        ("history", "No interviews yet"),
        ("progress", "No answered interviews yet"),
        ("progress astrology", "I don't know the role “astrology”"),
        ("review law", "No Law question is on your review schedule"),
        ("review", "Which role?"),
        ("review astrology", "I don't know the role “astrology”"),
        ("end", "You have no open interview in this channel"),
        ("<!channel> please", "@\u2060channel"),
    ],
)
async def test_private_answers_to_commands_and_bad_input(harness: SlackHarness, text: str, expected: str) -> None:
    answer = await ask(harness, text, user())
    assert expected in answer
    assert "<!channel>" not in answer
    assert harness.fake.calls_to("chat.postMessage") == []  # nothing public for any of these


async def test_a_second_start_in_the_channel_points_to_the_open_one_and_end_finishes_it(harness: SlackHarness) -> None:
    who = user()
    assert await harness.command("hr questions=2", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
    thread_ts = harness.parent(CHANNEL, who)["ts"]
    await harness.wait_thread(CHANNEL, thread_ts, after=0)
    assert "already have a *Human Resources* interview open" in await ask(harness, "law", who)
    answer = "I would listen to both sides first, then agree on facts, and follow the policy with documentation."
    await harness.event(thread_reply(answer, user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.wait_thread(CHANNEL, thread_ts, after=2)
    assert "scorecard is in its thread" in await ask(harness, "end", who)
    assert any(is_scorecard(m) for m in harness.thread(CHANNEL, thread_ts))
    rows = await harness.service.history(user_id=who, platform="slack")
    assert [r.status for r in rows] == [InterviewStatus.COMPLETED]
    listing = await ask(harness, "history", who)
    assert rows[0].id[:8] in listing and "Human Resources" in listing and "completed" in listing
    progress = await ask(harness, "progress", who)
    assert progress.startswith("*Your progress*") and "1 interview" in progress and "Human Resources:" in progress
    assert f"{rows[0].overall_score:.1f}" in progress
    dm = "D" + who[1:]  # the chart goes to their DM with the app: an ephemeral message carries no file

    def charts() -> list[dict]:
        return [
            f for m in harness.fake.messages.get(dm, []) for f in m.get("files") or [] if f["name"] == "progress.png"
        ]

    [chart] = await harness.fake.wait_for(charts)
    assert chart["alt_txt"].startswith("Overall scores over time. Human Resources:")
    assert "No answered interviews yet" in await ask(harness, "progress", user())  # someone else's is not shown
    # A reply in the finished thread is told how to start again (in the thread, where it was written).
    await harness.event(thread_reply("one more thing", user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.fake.wait_for(lambda: "has finished" in block_text(harness.thread(CHANNEL, thread_ts)[-1]))


async def test_report_is_uploaded_as_a_markdown_file_in_three_steps(harness: SlackHarness) -> None:
    who = user()
    assert await harness.command("behavioral questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
    thread_ts = harness.parent(CHANNEL, who)["ts"]
    await harness.wait_thread(CHANNEL, thread_ts, after=0)
    await harness.event(thread_reply("end", user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.fake.wait_for(lambda: "ended before any answer" in harness.parent(CHANNEL, who)["text"])
    interview_id = (await harness.service.history(user_id=who, platform="slack"))[0].id
    assert await harness.command(f"report {interview_id[:6]}", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: harness.fake.calls_to("files.completeUploadExternal"))
    step1 = harness.fake.calls_to("files.getUploadURLExternal")[0].params
    assert step1["filename"] == f"mock-interview-{interview_id[:8]}.md"
    step3 = harness.fake.calls_to("files.completeUploadExternal")[0].params
    assert step3["channel_id"] == CHANNEL
    uploaded = next(iter(harness.fake.uploads.values())).decode()
    assert "Behavioral" in uploaded and int(step1["length"]) == len(uploaded.encode())
    # Somebody else's interview is not theirs to read.
    assert "No interview has an id starting with" in await ask(harness, f"report {interview_id[:8]}", user())


async def test_where_the_app_cannot_post_the_user_is_told_privately(harness: SlackHarness) -> None:
    harness.fake.unreachable_channels.add("C0PRIVATE")
    who = user()
    assert CANNOT_POST in await ask(harness, "ds", who, channel="C0PRIVATE")
    assert [c.params["channel"] for c in harness.fake.calls_to("conversations.join")] == ["C0PRIVATE"]
    assert await harness.service.history(user_id=who) == []


async def test_in_a_public_channel_the_app_is_not_in_it_joins_so_it_hears_the_answers(harness: SlackHarness) -> None:
    harness.fake.unjoined_channels.add("C0PUBLIC")
    who = user()
    assert await harness.command("ds questions=1", user=who, channel="C0PUBLIC") == 200
    await harness.fake.wait_for(lambda: "C0PUBLIC" in harness.fake.messages)
    await harness.wait_thread("C0PUBLIC", harness.parent("C0PUBLIC", who)["ts"], after=0)
    assert [c.params["channel"] for c in harness.fake.calls_to("conversations.join")] == ["C0PUBLIC"]
    assert harness.fake.responses == []


async def test_a_top_level_dm_is_told_how_to_start_once(harness: SlackHarness) -> None:
    who = user()
    event = thread_reply("hello?", user=who, channel="D0DM", thread_ts="", channel_type="im")
    event.pop("thread_ts")
    event.pop("parent_user_id")
    for retry in (0, 1):
        assert await harness.event(event, event_id="Ev0DMHELLO", retry=retry) == 200
    await harness.fake.wait_for(lambda: harness.fake.messages.get("D0DM"))
    assert [m["text"] for m in harness.fake.messages["D0DM"]] == [DM_NUDGE]


async def test_an_interview_in_a_dm_with_the_app_runs_in_a_thread_there(harness: SlackHarness) -> None:
    who = user()
    assert await harness.command("fs questions=1", user=who, channel="D0MINE") == 200
    await harness.fake.wait_for(lambda: "D0MINE" in harness.fake.messages)
    thread_ts = harness.parent("D0MINE", who)["ts"]
    await harness.wait_thread("D0MINE", thread_ts, after=0)
    reply = thread_reply("skip", user=who, channel="D0MINE", thread_ts=thread_ts, channel_type="im")
    await harness.event(reply)
    await harness.fake.wait_for(lambda: "ended before any answer" in harness.parent("D0MINE", who)["text"])
