"""A voice note sent in the DM with the app while a study group's question is open answers it: transcribed, shown
back privately, taken as that member's hidden answer; with no question of theirs open, the DM goes on as before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_actions import dm_message
from tests.fakes.slack_payloads import audio_file
from tests.slack_groups_support import answer_form, deliver, latest, open_group, press, session_of, told_with, user
from tests.slack_support import SlackHarness, block_text, slack_harness

CLIP = (Path(__file__).parent / "fixtures" / "audio" / "slack-clip.m4a").read_bytes()
SPOKEN = "I would compare the training error with the validation error, then regularise the model."


@pytest.fixture
async def openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(transcript_text=SPOKEN) as server:
        yield server


@pytest.fixture
async def harness(database_url: str, openai: FakeOpenAI) -> AsyncIterator[SlackHarness]:
    settings = {"OPENAI_API_KEY": "sk-test-not-a-real-key", "OPENAI_BASE_URL": openai.base_url}
    async with slack_harness(database_url, **settings) as h:
        yield h


def clip_from(h: SlackHarness, who: str) -> dict[str, Any]:
    """An audio clip who recorded in Slack, stored in the fake to be downloaded."""
    return h.fake.add_file(audio_file("audio_message.m4a", mimetype="audio/mp4", filetype="m4a", user=who), CLIP)


async def test_a_voice_note_by_dm_answers_the_open_question(harness: SlackHarness, openai: FakeOpenAI) -> None:
    h = harness
    host, member = user(), user()
    where = await open_group(h, host)
    await deliver(h, press(h, await latest(h, where, "join"), "join", member))
    await deliver(h, press(h, await latest(h, where, "join", count=2), "start", host))
    await latest(h, where, "answer")
    posted = len(h.thread(*where))

    dm = "D" + member[1:]
    await h.event(dm_message("", user=member, channel=dm, files=[clip_from(h, member)]))
    [heard] = await told_with(h, member, "I heard")
    assert "regularise the model" in heard
    await told_with(h, member, "Your answer is in")
    told_in = {c.params["channel"] for c in h.fake.calls_to("chat.postEphemeral") if c.params["user"] == member}
    assert told_in == {dm}  # privately, in the DM it came from
    assert h.fake.messages.get(dm, []) == [] and len(h.thread(*where)) == posted
    answer = (await session_of(h, where, host)).rounds[0].answers[member]
    assert (answer.source, answer.text) == ("voice", SPOKEN)
    assert len(openai.transcriptions) == 1

    # The host's answer closes the round: the spoken answer is revealed with the rest.
    assert await h.submit(await answer_form(h, where, host, "Randomise users and compare the means.")) == (200, None)
    reveal = await latest(h, where, "next")
    assert f"<@{member}> (spoken)" in block_text(reveal) and "regularise the model" in block_text(reveal)


async def test_with_no_group_question_open_a_voice_note_is_handled_as_before(
    harness: SlackHarness, openai: FakeOpenAI
) -> None:
    h = harness
    stranger = user()
    dm = "D" + stranger[1:]
    await h.event(dm_message("", user=stranger, channel=dm, files=[clip_from(h, stranger)]))
    await h.fake.wait_for(lambda: h.fake.messages.get(dm))
    assert "Start a mock interview" in h.fake.messages[dm][0]["text"]  # the DM's usual nudge
    assert openai.transcriptions == [] and h.fake.downloads == []
