"""`/mock-interview tailor`: a form (a Slack modal) to paste a job posting into; its submission starts one interview
tailored to the posting in a new thread, or shows what stops it in the form itself."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.slack.tailor_form import CALLBACK_ID
from tests.fakes.slack_payloads import view_submission
from tests.slack_support import SlackHarness, block_text, is_question, slack_harness

CHANNEL = "C0TAILOR"
POSTING = """Senior Data Scientist (Churn)

What you'll do:
- Design and analyse A/B tests and experiments for the growth team
- Build churn and propensity models in Python and SQL
- Explain results to non-technical stakeholders

Requirements
- Strong statistics: hypothesis testing, p-values, causal inference
- Experience with feature engineering and gradient boosting
"""
GERMAN = (
    "Wir suchen eine Data Scientist (m/w/d) für unser Team in Berlin. Du entwickelst Modelle mit Python und SQL "
    "und bist für die Auswertung von Experimenten verantwortlich. Wir bieten dir ein tolles Team und flexible "
    "Arbeitszeiten."
)
PASTRY = (
    "Pastry Chef\nWe are looking for a pastry chef to bake croissants, cakes and bread in our bakery. "
    "You will decorate wedding cakes and manage the morning shift."
)


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[SlackHarness]:
    async with slack_harness(database_url) as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


def parents(h: SlackHarness, who: str) -> list[dict[str, Any]]:
    return [m for m in h.fake.messages.get(CHANNEL, []) if "thread_ts" not in m and f"<@{who}>" in m["text"]]


async def open_form(h: SlackHarness, who: str, text: str = "tailor") -> dict[str, Any]:
    """Type `/mock-interview text` and return the modal the app opened for who."""
    seen = len(h.fake.views)
    assert await h.command(text, user=who, channel=CHANNEL) == 200
    await h.fake.wait_for(lambda: len(h.fake.views) > seen)
    return [v for v in h.fake.views.values() if json.loads(v["private_metadata"])["user"] == who][-1]


async def test_the_form_asks_for_the_posting_role_and_count(harness: SlackHarness) -> None:
    who = user()
    view = await open_form(harness, who, "tailor data-science")
    [call] = harness.fake.calls_to("views.open")
    assert call.params["trigger_id"]  # the slash command's own trigger
    assert (view["type"], view["callback_id"], view["title"]["text"]) == ("modal", CALLBACK_ID, "Tailored interview")
    assert json.loads(view["private_metadata"]) == {"channel": CHANNEL, "user": who}
    posting, role, count = view["blocks"]
    assert [b["block_id"] for b in view["blocks"]] == ["posting", "role", "questions"]
    assert posting["element"]["type"] == "plain_text_input" and posting["element"]["multiline"] is True
    assert posting["element"]["max_length"] == 3000 and not posting.get("optional")
    assert "3,000 characters" in posting["hint"]["text"] and '"tailor"' in posting["hint"]["text"]
    assert "PDF or Word file" in posting["hint"]["text"]
    assert role["optional"] is True and role["element"]["type"] == "static_select"
    values = [o["value"] for o in role["element"]["options"]]
    assert "data-science" in values and "law" in values
    assert role["element"]["initial_option"]["value"] == "data-science"  # typed after `tailor`
    assert count["optional"] is True and count["element"]["type"] == "number_input"
    assert count["element"]["is_decimal_allowed"] is False and count["element"]["min_value"] == "1"

    # An unknown role is said privately, and no form opens.
    before = len(harness.fake.views)
    assert await harness.command("tailor astronaut", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: harness.fake.responses)
    assert "astronaut" in harness.fake.responses[-1]["text"]
    assert len(harness.fake.views) == before


async def test_a_submission_starts_one_tailored_interview_however_often_it_comes(harness: SlackHarness) -> None:
    who = user()
    view = await open_form(harness, who)
    payload = view_submission(view, {"posting": POSTING, "questions": 2}, user=who)
    assert await harness.submit(payload) == (200, None)  # the form closes
    await harness.fake.wait_for(lambda: parents(harness, who))
    [parent] = parents(harness, who)
    posted = await harness.wait_thread(CHANNEL, parent["ts"], after=0)
    intro = block_text(posted[0])
    assert "Data Science mock interview, tailored to the job posting" in intro
    assert "What the posting asks for:" in intro and "Build churn and propensity models in Python and SQL" in intro
    assert is_question(posted[-1])
    await harness.fake.wait_for(lambda: "reply in this thread" in parents(harness, who)[0]["text"])
    assert "*Data Science* mock interview" in parents(harness, who)[0]["text"]

    # Slack delivering the same submission again (and again at once) starts nothing more.
    assert await asyncio.gather(harness.submit(payload), harness.submit(payload)) == [(200, None), (200, None)]
    await asyncio.sleep(0.5)  # room for a second thread to (wrongly) appear
    assert len(parents(harness, who)) == 1
    rows = await harness.service.history(user_id=who, platform="slack")
    assert len(rows) == 1 and rows[0].status.is_open and rows[0].role == "data-science"


async def test_several_people_submit_at_once_and_each_gets_their_own_thread(harness: SlackHarness) -> None:
    people = [user() for _ in range(3)]
    views = [await open_form(harness, who) for who in people]
    filled = {"posting": POSTING, "role": "data-science"}
    payloads = [view_submission(v, filled, user=w) for v, w in zip(views, people, strict=True)]
    assert {s for s, _ in await asyncio.gather(*map(harness.submit, payloads))} == {200}
    await harness.fake.wait_for(lambda: all(parents(harness, who) for who in people))
    for who in people:
        [parent] = parents(harness, who)
        posted = await harness.wait_thread(CHANNEL, parent["ts"], after=0)
        assert "tailored to the job posting" in block_text(posted[0])
        rows = await harness.service.history(user_id=who, platform="slack")
        assert [r.role for r in rows] == ["data-science"]


@pytest.mark.parametrize(
    ("values", "block", "words"),
    [
        ({"posting": "   \n  "}, "posting", "The job posting you sent is empty"),
        ({"posting": GERMAN}, "posting", "looks like it is in German"),
        ({"posting": PASTRY}, "role", "couldn't tell which of my roles this posting is for"),
        ({"posting": POSTING, "questions": 25}, "questions", "25"),
    ],
)
async def test_what_stops_a_start_is_shown_in_the_form_and_nothing_starts(
    harness: SlackHarness, values: dict[str, Any], block: str, words: str
) -> None:
    who = user()
    view = await open_form(harness, who)
    status, answer = await harness.submit(view_submission(view, values, user=who))
    assert status == 200 and answer is not None
    assert answer["response_action"] == "errors" and list(answer["errors"]) == [block]
    assert words in answer["errors"][block] and "`" not in answer["errors"][block]  # plain text, as a form shows it
    await asyncio.sleep(0.3)
    assert parents(harness, who) == []
    assert await harness.service.history(user_id=who, platform="slack") == []

    # Fixed in the same form (the same view), it starts.
    status, answer = await harness.submit(view_submission(view, {"posting": POSTING, "questions": 2}, user=who))
    assert (status, answer) == (200, None)
    await harness.fake.wait_for(lambda: parents(harness, who))
    await harness.wait_thread(CHANNEL, parents(harness, who)[0]["ts"], after=0)


async def test_with_an_interview_open_in_the_channel_no_form_opens(harness: SlackHarness) -> None:
    who = user()
    assert await harness.command("law questions=1", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: parents(harness, who))
    await harness.wait_thread(CHANNEL, parents(harness, who)[0]["ts"], after=0)
    seen = len(harness.fake.responses)
    assert await harness.command("tailor", user=who, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: len(harness.fake.responses) > seen)
    assert "already have an interview open in this channel" in harness.fake.responses[-1]["text"]
    assert not [v for v in harness.fake.views.values() if who in v["private_metadata"]]


async def test_where_the_app_cannot_post_the_person_is_told_in_their_dm(harness: SlackHarness) -> None:
    who, private = user(), "G0PRIVATE"
    harness.fake.unreachable_channels.add(private)
    assert await harness.command("tailor", user=who, channel=private) == 200
    await harness.fake.wait_for(lambda: harness.fake.views)
    [view] = harness.fake.views.values()
    assert await harness.submit(view_submission(view, {"posting": POSTING}, user=who)) == (200, None)
    dm = "D" + who[1:]
    await harness.fake.wait_for(lambda: harness.fake.messages.get(dm))
    assert "/invite" in harness.fake.messages[dm][0]["text"]
    assert await harness.service.history(user_id=who, platform="slack") == []
