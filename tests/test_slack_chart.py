"""The scorecard's chart in Slack: shared once in the thread after the scorecard, with its alt text; a worker that
takes the scorecard over does not share it again; a failed upload leaves the text scorecard standing."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.replies import SlackReplies, one_client
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyKind, Scorecard, ScoreItem
from core.ports import OutboxItem
from tests.fakes.slack_payloads import thread_reply
from tests.fakes.slack_server import BOT_TOKEN
from tests.slack_support import SlackHarness, is_scorecard, slack_harness

CHANNEL = "C0CHART"
ANSWER = (
    "I would listen to both sides first, agree on the facts, and follow the policy with documentation, for example."
)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'chart.db'}") as h:
        yield h


def charts(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for m in messages for f in m.get("files") or [] if f.get("name", "").startswith("scorecard-")]


async def test_the_chart_follows_the_scorecard_in_its_thread(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    assert await harness.command("hr questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
    thread_ts = harness.parent(CHANNEL, who)["ts"]
    await harness.wait_thread(CHANNEL, thread_ts, after=0)
    await harness.event(thread_reply(ANSWER, user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.event(thread_reply("end", user=who, channel=CHANNEL, thread_ts=thread_ts))
    await harness.fake.wait_for(lambda: charts(harness.thread(CHANNEL, thread_ts)))

    thread = harness.thread(CHANNEL, thread_ts)
    [chart] = charts(thread)
    scorecard_at = next(i for i, m in enumerate(thread) if is_scorecard(m))
    assert scorecard_at < next(i for i, m in enumerate(thread) if m.get("files"))  # after the scorecard
    interview_id = (await harness.service.history(user_id=who, platform="slack"))[0].id
    assert chart["name"] == f"scorecard-{interview_id[:8]}.png"
    assert chart["alt_txt"].startswith("Human Resources scorecard, overall")
    image = Image.open(io.BytesIO(harness.fake.uploads[chart["id"]]))
    assert image.format == "PNG" and image.size == (960, 640)


def _scorecard_item(harness: SlackHarness) -> tuple[OutboxItem, ConversationRef]:
    parent = {"channel": CHANNEL, "ts": f"{uuid.uuid4().int % 10**6}.000100"}
    harness.fake.messages.setdefault(CHANNEL, []).append({"type": "message", "ts": parent["ts"], "text": "parent"})
    conv = ConversationRef("slack", "T0FAKE", CHANNEL, parent["ts"], "U0CARD")
    item = ScoreItem(seq=1, kind="question", question="Why?", answer="Because.", score=6, feedback="Fine.")
    card = Scorecard("abcdef12-0000", "law", "Law", 6.0, 1, 1, (item,))
    reply = Reply(ReplyKind.SCORECARD, "", interview_id=card.interview_id, scorecard=card, key="abcdef12:scorecard")
    return OutboxItem(id=7, conv=conv, reply=reply), conv


async def test_a_worker_taking_the_scorecard_over_does_not_share_the_chart_twice(harness: SlackHarness) -> None:
    item, conv = _scorecard_item(harness)
    client = AsyncWebClient(token=BOT_TOKEN, base_url=harness.fake.base_url)
    replies = SlackReplies(one_client(client), harness.service)
    await replies.send(item)
    first = list(harness.thread(CHANNEL, conv.thread_id or ""))
    assert len(charts(first)) == 1
    await replies.send(OutboxItem(id=7, conv=conv, reply=item.reply, taken_over=True))  # the lease ran out
    assert harness.thread(CHANNEL, conv.thread_id or "") == first  # nothing posted again, chart included


async def test_a_failed_upload_leaves_the_scorecard_text(
    harness: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    item, conv = _scorecard_item(harness)
    harness.fake.scopes = tuple(s for s in harness.fake.scopes if s != "files:write")  # an install from before charts
    client = AsyncWebClient(token=BOT_TOKEN, base_url=harness.fake.base_url)
    await SlackReplies(one_client(client), harness.service).send(item)
    thread = harness.thread(CHANNEL, conv.thread_id or "")
    assert any(is_scorecard(m) for m in thread) and charts(thread) == []
    assert "could not share the scorecard chart: missing_scope" in caplog.text
