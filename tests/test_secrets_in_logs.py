"""No key, token or signing secret reaches a log line or a message, even at DEBUG and when a service fails."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import thread_reply
from tests.fakes.slack_server import BOT_TOKEN
from tests.slack_support import SIGNING_SECRET, is_scorecard, slack_harness
from tests.support import conv_for, make_service

KEY = "sk-test-secret-key-0123456789abcdef"
WRONG_KEY = "sk-test-wrong-key-fedcba9876543210"
CHANNEL = "C0SECRETS"


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s[:12] + "…" for s in secrets if s in text]


async def test_a_slack_interview_at_debug_level_logs_and_posts_no_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with (
        FakeOpenAI(api_key=KEY) as model,
        slack_harness(f"sqlite:///{tmp_path / 'slack.db'}", OPENAI_API_KEY=KEY, OPENAI_BASE_URL=model.base_url) as h,
    ):
        assert await h.command("ds questions=1", user="U0SECRET", channel=CHANNEL) == 200
        parents = await h.fake.wait_for(lambda: [m for m in h.fake.messages.get(CHANNEL, []) if "thread_ts" not in m])
        thread = parents[0]["ts"]
        await h.wait_thread(CHANNEL, thread, after=0)
        answer = "I would check the join keys and the grain first, because duplicate keys fan out the rows."
        await h.event(thread_reply(answer, user="U0SECRET", channel=CHANNEL, thread_ts=thread))
        await h.fake.wait_for(lambda: any(is_scorecard(m) for m in h.thread(CHANNEL, thread)))
        posted = json.dumps([c.params for c in h.fake.calls], default=str)
    assert _leaks(caplog.text, [KEY, BOT_TOKEN, SIGNING_SECRET]) == []
    assert _leaks(posted, [KEY, SIGNING_SECRET]) == []
    assert "Sending HTTP Request" in caplog.text  # DEBUG really was on for the SDKs


async def test_a_discord_interview_at_debug_level_logs_and_sends_no_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with (
        FakeOpenAI(api_key=KEY) as model,
        FakeDiscord() as fake,
        running_bot(fake, f"sqlite:///{tmp_path / 'd.db'}", OPENAI_API_KEY=KEY, OPENAI_BASE_URL=model.base_url),
    ):
        alice = p.user("alice")
        dm = fake.open_dm(alice)
        await fake.user_message(alice, dm, "start data-science 1")
        await fake.wait_for_messages(dm["id"], 2)
        await fake.user_message(alice, dm, "I would compare bias and variance on a validation set, for example.")
        await fake.wait_for_messages(dm["id"], 3)
        sent = json.dumps(fake.sent_in(dm["id"]), default=lambda data: data.decode("latin-1"))  # attachments too
        token = fake.token
    assert _leaks(caplog.text, [KEY, token]) == []
    assert _leaks(sent, [KEY, token]) == []


async def test_a_rejected_key_echoed_back_by_the_provider_is_neither_logged_nor_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeOpenAI(api_key=KEY) as model:  # answers 401 and echoes the key it was given, as OpenAI does
        service = make_service(
            f"sqlite:///{tmp_path / 'k.db'}", OPENAI_API_KEY=WRONG_KEY, OPENAI_BASE_URL=model.base_url
        )
        try:
            conv = conv_for("keyless")
            replies = await service.start(conv, role="law", questions=2)
            replies += await service.answer(conv, "An answer long enough to be graded by the model if it could.")
        finally:
            await service.close()
    shown = " ".join(r.text for r in replies)
    assert "rejected the API key" in shown
    assert _leaks(caplog.text + shown, [WRONG_KEY]) == []
