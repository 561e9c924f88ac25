"""Every kind of inbound event, delivered four times (together, or again after the reply), is answered once.

Rows: the event (Slack's slash command, thread answer, audio clip, Hint / Skip / End and delete-my-data buttons;
Discord's DM answer, DM voice note, button press and slash command). Columns: how it comes again (Slack HTTP
retries with X-Slack-Retry-Num, the same Socket Mode envelope; Discord's gateway redispatching it, or replaying it
after a RESUME) and when (at once, or after the first reply was posted).
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from core.domain.models import ConversationRef, Interview, InterviewStatus, TurnKind
from tests.duplicate_discord_rows import DISCORD_ROWS
from tests.duplicate_support import (
    AT_ONCE,
    HTTP,
    LATER,
    REDISPATCH,
    RESUME,
    SOCKET,
    MatrixBots,
    interviews_of,
    matrix_bots,
    one_graded_answer,
    slack_command,
    slack_event,
    slack_four_times,
    slack_interaction,
    slack_quiet,
)
from tests.fakes.slack_payloads import audio_file, audio_reply, block_actions, slash_command, thread_reply
from tests.fakes.slack_server import TEAM_ID
from tests.slack_support import block_text, is_question, is_scorecard

pytestmark = pytest.mark.asyncio(loop_scope="module")

AUDIO = Path(__file__).parent / "fixtures" / "audio"
ANSWER = "I would listen to both sides first, agree on the facts, then follow the policy and write it down."
CASE_S = 15  # one case, start to finish
Row = Callable[[MatrixBots, str, str], Awaitable[None]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[MatrixBots]:
    """One set of apps on a SQLite file for every case: each case has a user and a channel of its own."""
    tmp = tmp_path_factory.mktemp("matrix")
    async with matrix_bots(tmp, f"sqlite:///{tmp / 'matrix.db'}") as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def on_postgresql(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> AsyncIterator[MatrixBots]:
    """The same on the session's PostgreSQL database."""
    async with matrix_bots(tmp_path_factory.mktemp("matrix-pg"), postgres_url) as running:
        yield running


def _ids() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8].upper()
    return f"U{tag}", f"C{tag}"


async def _start(bots: MatrixBots, user: str, channel: str) -> tuple[str, ConversationRef]:
    """An interview of user in channel, its first question posted; the thread ts and the conversation."""
    h = bots.slack
    assert await h.command("hr questions=2", user=user, channel=channel) == 200
    await h.fake.wait_for(lambda: any(is_question(m) for m in h.fake.messages.get(channel, [])))
    await _settled(bots)
    thread_ts = h.parent(channel, user)["ts"]
    return thread_ts, ConversationRef("slack", TEAM_ID, channel, thread_ts, user)


async def _settled(bots: MatrixBots) -> None:
    """Wait until the Slack app has finished what it was doing (the question is the last thing a turn posts)."""
    if bots.slack.bot.inflight:
        await asyncio.wait(set(bots.slack.bot.inflight), timeout=5)


def _private(bots: MatrixBots, user: str) -> list[Any]:
    """What only user saw: ephemeral messages and response_url answers."""
    fake = bots.slack.fake
    ephemeral = [c.params for c in fake.calls_to("chat.postEphemeral") if c.params.get("user") == user]
    return ephemeral + [r for r in fake.responses if r["key"] == user]


# --- Slack rows ---------------------------------------------------------------------------------------------------


async def slack_start_command(bots: MatrixBots, wire: str, timing: str) -> None:
    """`/mock-interview hr`: one parent message, one thread, one question, one interview."""
    h, (user, channel) = bots.slack, _ids()
    fields = slash_command("hr questions=2", user=user, channel=channel, response_url=h.fake.response_url(user))

    async def replied() -> None:
        await h.fake.wait_for(lambda: any(is_question(m) for m in h.fake.messages.get(channel, [])))

    await slack_four_times(slack_command(bots, wire, fields), timing=timing, replied=replied)
    await slack_quiet(bots)
    posted = h.fake.messages[channel]
    parents = [m for m in posted if "thread_ts" not in m]
    assert len(parents) == 1
    assert sum(is_question(m) for m in h.thread(channel, parents[0]["ts"])) == 1
    assert _private(bots, user) == []
    assert len(await interviews_of(h.service, user, "slack")) == 1


async def slack_text_answer(bots: MatrixBots, wire: str, timing: str) -> None:
    """A typed answer in the thread: one next question, one stored and graded answer."""
    h, (user, channel) = bots.slack, _ids()
    thread_ts, _ = await _start(bots, user, channel)
    before = len(h.thread(channel, thread_ts))
    event = thread_reply(ANSWER, user=user, channel=channel, thread_ts=thread_ts)
    deliver = slack_event(bots, wire, event)
    await slack_four_times(deliver, timing=timing, replied=lambda: h.wait_thread(channel, thread_ts, after=before))
    await slack_quiet(bots)
    assert [is_question(m) for m in h.thread(channel, thread_ts)[before:]] == [True]
    assert _private(bots, user) == []
    [interview] = await interviews_of(h.service, user, "slack")
    one_graded_answer(interview)


async def slack_audio_answer(bots: MatrixBots, wire: str, timing: str) -> None:
    """An audio clip in the thread: transcribed once, one transcript and one next question, one stored answer."""
    h, (user, channel) = bots.slack, _ids()
    thread_ts, _ = await _start(bots, user, channel)
    before, heard = len(h.thread(channel, thread_ts)), len(bots.openai.transcriptions)
    info = audio_file("audio_message.m4a", mimetype="audio/mp4", filetype="m4a", user=user)
    file = h.fake.add_file(info, (AUDIO / "slack-clip.m4a").read_bytes())
    event = audio_reply(file, user=user, channel=channel, thread_ts=thread_ts)
    deliver = slack_event(bots, wire, event)
    await slack_four_times(deliver, timing=timing, replied=lambda: h.wait_thread(channel, thread_ts, after=before))
    await slack_quiet(bots)
    new = h.thread(channel, thread_ts)[before:]
    assert len(new) == 2 and "I heard" in block_text(new[0]) and is_question(new[1])
    assert len(bots.openai.transcriptions) == heard + 1
    assert _private(bots, user) == []
    [interview] = await interviews_of(h.service, user, "slack")
    one_graded_answer(interview)


async def _click(bots: MatrixBots, wire: str, timing: str, action: str) -> tuple[Interview, list[dict], str]:
    """Start an interview and deliver a click on a button of its question; the interview, new messages, user."""
    h, (user, channel) = bots.slack, _ids()
    thread_ts, _ = await _start(bots, user, channel)
    if action == "mi:end":  # with no answer there is no scorecard to give
        seen = len(h.thread(channel, thread_ts))
        assert await h.event(thread_reply(ANSWER, user=user, channel=channel, thread_ts=thread_ts)) == 200
        await h.wait_thread(channel, thread_ts, after=seen)
        await _settled(bots)
    # A copy: the fake edits its stored message when the buttons are replaced, but the click names the old one.
    question = copy.deepcopy([m for m in h.thread(channel, thread_ts) if is_question(m)][-1])
    before = len(h.thread(channel, thread_ts))
    payload = block_actions(question, action, user=user, channel=channel, response_url=h.fake.response_url(user))
    deliver = slack_interaction(bots, wire, payload)
    ended = action == "mi:end"
    replied = lambda: h.wait_thread(channel, thread_ts, after=before, scorecard=ended)  # noqa: E731
    await slack_four_times(deliver, timing=timing, replied=replied)
    await slack_quiet(bots)
    [interview] = await interviews_of(h.service, user, "slack")
    return interview, h.thread(channel, thread_ts)[before:], user


async def slack_hint_button(bots: MatrixBots, wire: str, timing: str) -> None:
    """Hint: one hint, one hint turn."""
    interview, new, user = await _click(bots, wire, timing, "mi:hint")
    assert [is_question(m) for m in new] == [True] and "Hint" in block_text(new[0])
    assert _private(bots, user) == []
    assert [t.kind for t in interview.turns] == [TurnKind.QUESTION, TurnKind.HINT]
    assert interview.turns[0].hint_requested


async def slack_skip_button(bots: MatrixBots, wire: str, timing: str) -> None:
    """Skip: one next question, one skipped turn."""
    interview, new, user = await _click(bots, wire, timing, "mi:skip")
    assert [is_question(m) for m in new] == [True]
    assert _private(bots, user) == []
    assert [t.skipped for t in interview.turns] == [True, False]


async def slack_end_button(bots: MatrixBots, wire: str, timing: str) -> None:
    """End: one scorecard, the interview completed."""
    interview, new, user = await _click(bots, wire, timing, "mi:end")
    assert sum(is_scorecard(m) for m in new) == 1 and not any(is_question(m) for m in new)
    assert _private(bots, user) == []
    assert interview.status is InterviewStatus.COMPLETED


async def slack_erase_confirm(bots: MatrixBots, wire: str, timing: str) -> None:
    """ "Delete my data": erased once, one private answer saying so."""
    h, (user, channel) = bots.slack, _ids()
    await _start(bots, user, channel)
    assert await h.command("delete-my-data", user=user, channel=channel) == 200
    await h.fake.wait_for(lambda: _private(bots, user))
    # Ephemeral messages are not stored by Slack; a click still names the message by a ts.
    prompt = {**_private(bots, user)[-1], "ts": "1790000000.000001"}
    seen = len(_private(bots, user))
    url = h.fake.response_url(user)
    deliver = slack_interaction(bots, wire, block_actions(prompt, "mi-erase:confirm", user=user, channel=channel,
                                                          response_url=url))  # fmt: skip

    async def replied() -> None:
        await h.fake.wait_for(lambda: len(_private(bots, user)) > seen)

    await slack_four_times(deliver, timing=timing, replied=replied)
    await slack_quiet(bots)
    answers = _private(bots, user)[seen:]
    assert len(answers) == 1 and answers[0]["text"].startswith("Deleted 1 interview")
    assert await interviews_of(h.service, user, "slack") == []


SLACK_ROWS: dict[str, Row] = {
    "slash-command": slack_start_command,
    "text-answer": slack_text_answer,
    "audio-clip": slack_audio_answer,
    "hint-button": slack_hint_button,
    "skip-button": slack_skip_button,
    "end-button": slack_end_button,
    "delete-my-data-confirm": slack_erase_confirm,
}
ROWS = [("slack", name, row, wire) for name, row in SLACK_ROWS.items() for wire in (HTTP, SOCKET)]
ROWS += [("discord", name, row, wire) for name, row in DISCORD_ROWS.items() for wire in (REDISPATCH, RESUME)]
CASES = [
    pytest.param(row, wire, timing, id=f"{platform}-{name}-{wire}-{timing}")
    for platform, name, row, wire in ROWS
    for timing in (AT_ONCE, LATER)
]


@pytest.mark.parametrize(("row", "wire", "timing"), CASES)
async def test_an_event_delivered_four_times_gets_one_reply_and_is_stored_once(
    on_sqlite: MatrixBots, row: Row, wire: str, timing: str
) -> None:
    async with asyncio.timeout(CASE_S):
        await row(on_sqlite, wire, timing)


# The copies that race the first delivery again on PostgreSQL, where a unique key or a row lock decides between
# connections; a copy that comes later only finds a committed row, the same on both databases.
@pytest.mark.parametrize(("row", "wire", "timing"), [c for c in CASES if c.values[2] == AT_ONCE])
async def test_copies_at_once_get_one_reply_on_postgresql(
    on_postgresql: MatrixBots, row: Row, wire: str, timing: str
) -> None:
    async with asyncio.timeout(CASE_S):
        await row(on_postgresql, wire, timing)
