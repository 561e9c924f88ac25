"""In Slack a person sees and continues only their own interviews, and only those of the workspace they ask in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from slack_sdk.oauth.installation_store import Installation

from bots.slack.installs import ThreadedInstallationStore
from bots.slack.texts import outsider_note
from core.domain.models import ConversationRef
from tests.fakes.slack_payloads import APP_ID, form_body, slash_command
from tests.fakes.slack_server import BOT_ID, BOT_TOKEN, BOT_USER_ID, TEAM_ID
from tests.slack_support import FORM, SlackHarness, slack_harness
from tests.support import store_of

CHANNEL = "C0PRIVACY"
OTHER_TEAM = "T0OTHERWS"
CLIENT_ID = "5555.6666"


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[SlackHarness]:
    async with slack_harness(database_url) as h:
        yield h


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


async def ask(h: SlackHarness, text: str, who: str, *, team: str = TEAM_ID) -> str:
    """Run a command whose answer is private, in team; that answer's text."""
    seen = len(h.fake.responses)
    fields = slash_command(text, user=who, channel=CHANNEL, response_url=h.fake.response_url(who), team=team)
    status, _ = await h.post(form_body(fields), content_type=FORM)
    assert status == 200
    await h.fake.wait_for(lambda: len(h.fake.responses) > seen)
    response = h.fake.responses[-1]
    assert response["response_type"] == "ephemeral" and response["key"] == who
    return str(response["text"])


async def started(h: SlackHarness, conv: ConversationRef, role: str) -> str:
    """An interview begun for conv through the core (what an earlier command would have left); its id."""
    replies = await h.service.start(conv, role=role, questions=1)
    return next(r.interview_id for r in replies if r.interview_id)


async def install(h: SlackHarness, team: str, token: str) -> None:
    """The app installed in team (as the OAuth flow leaves it), its bot token known to the fake."""
    store = ThreadedInstallationStore(client_id=CLIENT_ID, engine=store_of(h.service).engine)
    await store.async_save(
        Installation(app_id=APP_ID, enterprise_id=None, team_id=team, bot_token=token, bot_id=BOT_ID,
                     bot_user_id=BOT_USER_ID, user_id="U0INSTALLER")
    )  # fmt: skip
    h.fake.bot_tokens.add(token)


async def test_history_and_report_are_the_users_own_in_this_workspace_even_by_full_id(database_url: str) -> None:
    # Installed in two workspaces (with one bot token, another workspace's requests are not answered at all).
    oauth = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "client-secret"}
    async with slack_harness(database_url, oauth=True, **oauth) as harness:
        await install(harness, TEAM_ID, BOT_TOKEN)
        await install(harness, OTHER_TEAM, "xoxb-other-workspace-token")
        await _history_and_report(harness)


async def _history_and_report(harness: SlackHarness) -> None:
    me, someone = user(), user()
    mine = await started(harness, ConversationRef("slack", TEAM_ID, CHANNEL, "1790000001.000100", me), "law")
    # The same Slack user id in another workspace of an Enterprise Grid org, another person here, and a terminal
    # user who happens to have the same name: none of them is this person in this workspace.
    elsewhere = await started(harness, ConversationRef("slack", OTHER_TEAM, CHANNEL, "1790000002.000100", me), "hr")
    theirs = await started(harness, ConversationRef("slack", TEAM_ID, CHANNEL, "1790000003.000100", someone), "ds")
    terminal = await started(harness, ConversationRef("terminal", "", "cli", None, me), "behavioral")

    listing = await ask(harness, "history", me)
    assert mine[:8] in listing and "Law" in listing
    for other in (elsewhere, theirs, terminal):
        assert other[:8] not in listing

    for other in (elsewhere, theirs, terminal):
        answer = await ask(harness, f"report {other}", me)
        assert answer == f"No interview has an id starting with `{other}`."  # the words for an id that does not exist
    assert harness.fake.calls_to("files.getUploadURLExternal") == []

    assert await harness.command(f"report {mine[:6]}", user=me, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: harness.fake.calls_to("files.completeUploadExternal"))
    assert harness.fake.calls_to("files.getUploadURLExternal")[0].params["filename"] == f"mock-interview-{mine[:8]}.md"

    # Asked in the other workspace, the same person sees that workspace's interview and not this one's.
    there = await ask(harness, "history", me, team=OTHER_TEAM)
    assert elsewhere[:8] in there and mine[:8] not in there
    assert "No interview has an id" in await ask(harness, f"report {mine}", me, team=OTHER_TEAM)


async def test_someone_elses_buttons_are_refused_and_change_nothing(harness: SlackHarness) -> None:
    owner, other = user(), user()
    assert await harness.command("law questions=2", user=owner, channel=CHANNEL) == 200
    await harness.fake.wait_for(lambda: CHANNEL in harness.fake.messages)
    thread_ts = harness.parent(CHANNEL, owner)["ts"]
    [question] = [m for m in await harness.wait_thread(CHANNEL, thread_ts, after=0) if m.get("blocks")][-1:]
    before = len(harness.thread(CHANNEL, thread_ts))

    for action in ("mi:hint", "mi:skip", "mi:end"):
        seen = len(harness.fake.responses)
        assert await harness.click(question, action, user=other, channel=CHANNEL) == 200
        await harness.fake.wait_for(lambda seen=seen: len(harness.fake.responses) > seen)
        told = harness.fake.responses[-1]
        assert told["key"] == other and told["response_type"] == "ephemeral"
        assert told["text"] == outsider_note(owner)

    assert len(harness.thread(CHANNEL, thread_ts)) == before  # nothing posted in the thread
    # The owner's buttons are still there: the clicked message was never replaced.
    assert all(c.params.get("ts") != question["ts"] for c in harness.fake.calls_to("chat.update"))
    interview = await store_of(harness.service).get_open_interview(
        ConversationRef("slack", TEAM_ID, CHANNEL, thread_ts, owner)
    )
    assert interview is not None and interview.status.is_open
    assert [(t.seq, t.answer, t.skipped, t.hint_requested) for t in interview.turns] == [(1, None, False, False)]
