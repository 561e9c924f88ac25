"""Where a Slack request comes from: a slash command without a workspace or channel is refused (no interview with
empty ids), and with one bot token, events and commands of another workspace are ignored (no reply, nothing kept)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_payloads import event_callback, form_body, slash_command, thread_reply
from tests.slack_support import FORM, SlackHarness, slack_harness
from tests.store_support import scalar
from tests.support import store_of

CHANNEL = "C0SCOPE"
OTHER_TEAM = "T0ELSEWHERE"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'scope.db'}") as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


def interviews(h: SlackHarness) -> int:
    return int(scalar(store_of(h.service).engine, "SELECT count(*) FROM interviews"))


@pytest.mark.parametrize("missing", ["team_id", "channel_id"])
async def test_a_start_without_a_workspace_or_channel_is_refused(harness: SlackHarness, missing: str) -> None:
    h = harness
    who = user()
    fields = slash_command("data-science", user=who, channel=CHANNEL, response_url=h.fake.response_url(who))
    del fields[missing]
    status, _ = await h.post(form_body(fields), content_type=FORM)
    assert status == 200
    told = await h.fake.wait_for(lambda: [r for r in h.fake.responses if r["key"] == who])
    assert told[0]["response_type"] == "ephemeral"
    assert "/mock-interview" in told[0]["text"]  # says what to do
    await asyncio.sleep(0.3)
    assert not h.fake.calls_to("chat.postMessage")
    assert interviews(h) == 0


async def test_a_command_from_another_workspace_is_ignored(harness: SlackHarness) -> None:
    h = harness
    who = user()
    fields = slash_command(
        "data-science", user=who, channel=CHANNEL, response_url=h.fake.response_url(who), team=OTHER_TEAM
    )
    status, body = await h.post(form_body(fields), content_type=FORM)
    assert (status, body) == (200, "")
    # The same command from our own workspace is answered (so the one above had its chance to be).
    assert await h.command("help", user=who, channel=CHANNEL) == 200
    await h.fake.wait_for(lambda: [r for r in h.fake.responses if r["key"] == who])
    await asyncio.sleep(0.3)
    assert len([r for r in h.fake.responses if r["key"] == who]) == 1
    assert not h.fake.calls_to("chat.postMessage")
    assert interviews(h) == 0


async def test_an_event_from_another_workspace_is_ignored(harness: SlackHarness) -> None:
    h = harness
    who = user()
    assert await h.command("data-science questions=2", user=who, channel=CHANNEL) == 200
    await h.fake.wait_for(lambda: any(f"<@{who}>" in m["text"] for m in h.fake.messages.get(CHANNEL, [])))
    thread_ts = h.parent(CHANNEL, who)["ts"]
    await h.wait_thread(CHANNEL, thread_ts, after=0)
    before = len(h.thread(CHANNEL, thread_ts))
    reactions = len(h.fake.calls_to("reactions.add"))
    event = thread_reply("An answer from elsewhere.", user=who, channel=CHANNEL, thread_ts=thread_ts)
    event["team"] = OTHER_TEAM
    body = json.dumps(event_callback(event, team=OTHER_TEAM)).encode()
    assert await h.post(body, content_type="application/json") == (200, "")
    await asyncio.sleep(0.5)
    assert len(h.thread(CHANNEL, thread_ts)) == before  # no reply
    assert len(h.fake.calls_to("reactions.add")) == reactions  # not even the "working" reaction
    key = f"msg:{CHANNEL}:{event['ts']}"
    assert scalar(store_of(h.service).engine, "SELECT count(*) FROM inbox WHERE event_key = :k", k=key) == 0
