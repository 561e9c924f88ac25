"""The Slack app's Home tab: published when opened and after each scorecard; Start opens an interview in the DM."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.fakes.slack_payloads import app_home_opened, home_click, interactivity_body, thread_reply
from tests.slack_support import FORM, SlackHarness, block_text, is_question, is_scorecard, slack_harness

ANSWER = "I would listen to both sides, check the policy and agree next steps in writing, for example after a dispute."


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with slack_harness(f"sqlite:///{tmp_path / 'home.db'}") as h:
        yield h


def home_text(view: dict[str, Any]) -> str:
    return "\n".join(block_text({"blocks": [b]}) for b in view["blocks"])


async def test_opening_home_shows_progress_and_a_start_button_per_role(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    dm = "D" + who[1:]
    assert await harness.event(app_home_opened(user=who, channel=dm)) == 200
    view = await harness.fake.wait_for(lambda: harness.fake.home_views.get(who))
    assert "No answered interviews yet" in home_text(view) and "No interviews yet" in home_text(view)
    starts = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(starts) == len(harness.service.catalog.packs) and all(e["value"] == dm for e in starts)

    await harness.event(app_home_opened(user=who, channel=dm, tab="messages"))
    assert harness.fake.calls_to("views.publish") and len(harness.fake.calls_to("views.publish")) == 1  # not redrawn


async def test_start_from_home_runs_the_interview_in_the_dm_and_the_tab_refreshes(harness: SlackHarness) -> None:
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    dm = "D" + who[1:]
    await harness.event(app_home_opened(user=who, channel=dm))
    view = await harness.fake.wait_for(lambda: harness.fake.home_views.get(who))
    status, _ = await harness.post(
        interactivity_body(home_click(view, "mi-home:start:human-resources", user=who)), content_type=FORM
    )
    assert status == 200
    await harness.fake.wait_for(lambda: any(is_question(m) for m in harness.fake.messages.get(dm, [])))
    thread_ts = harness.parent(dm, who)["ts"]
    await harness.event(thread_reply(ANSWER, user=who, channel=dm, thread_ts=thread_ts, channel_type="im"))
    await harness.event(thread_reply("end", user=who, channel=dm, thread_ts=thread_ts, channel_type="im"))
    await harness.fake.wait_for(lambda: any(is_scorecard(m) for m in harness.thread(dm, thread_ts)))
    refreshed = await harness.fake.wait_for(lambda: "1 interview" in home_text(harness.fake.home_views[who]) or None)
    assert refreshed and "Human Resources" in home_text(harness.fake.home_views[who])

    # The trend chart: a PNG the app uploaded (shared in no channel), shown by its file id, with alt text.
    [image] = [b for b in harness.fake.home_views[who]["blocks"] if b["type"] == "image"]
    chart = Image.open(io.BytesIO(harness.fake.uploads[image["slack_file"]["id"]]))
    assert chart.format == "PNG" and chart.text["Description"] == image["alt_text"]
    assert "Human Resources" in image["alt_text"]

    # The refreshed tab did not know the DM: a Start click finds it by posting there.
    view = harness.fake.home_views[who]
    await harness.post(interactivity_body(home_click(view, "mi-home:start:law", user=who)), content_type=FORM)
    await harness.fake.wait_for(
        lambda: any("Starting your Law interview here" in m.get("text", "") for m in harness.fake.messages.get(dm, []))
    )

    # Opened again with nothing finished since: the same chart file, not a new upload.
    uploads = len(harness.fake.calls_to("files.getUploadURLExternal"))
    await harness.event(app_home_opened(user=who, channel=dm))
    await harness.fake.wait_for(lambda: dm in str(harness.fake.home_views[who]))  # redrawn, knowing the DM now
    assert len(harness.fake.calls_to("files.getUploadURLExternal")) == uploads
    assert [b for b in harness.fake.home_views[who]["blocks"] if b["type"] == "image"] == [image]
