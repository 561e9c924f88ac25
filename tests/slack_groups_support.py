"""Driving a study group in the Slack app under test: opening it, its buttons, selects and Answer form, and reading
what it posted and told whom."""

from __future__ import annotations

import json
import uuid
from typing import Any

from core.domain.groups import GroupSession
from core.domain.models import ConversationRef
from tests.fakes.slack_actions import select_action
from tests.fakes.slack_payloads import block_actions, interactivity_body, view_submission
from tests.fakes.slack_server import TEAM_ID
from tests.slack_support import FORM, SlackHarness
from tests.support import store_of

PREFIX = "mi-group:"


def user() -> str:
    """A fresh user id (tests share a database)."""
    return f"U{uuid.uuid4().hex[:8].upper()}"


def channel() -> str:
    """A fresh channel id: every fake numbers its messages from the start, and a thread holds one group for good."""
    return f"C{uuid.uuid4().hex[:8].upper()}"


def action_ids(message: dict[str, Any]) -> list[str]:
    """The action ids of a message's buttons and selects."""
    ids = [b["accessory"]["action_id"] for b in message.get("blocks") or [] if "accessory" in b]
    return ids + [e["action_id"] for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def under(h: SlackHarness, where: tuple[str, str], action: str) -> list[dict[str, Any]]:
    """The thread's messages with the group's action under them, in order."""
    return [m for m in h.thread(*where) if PREFIX + action in action_ids(m)]


async def latest(h: SlackHarness, where: tuple[str, str], action: str, *, count: int = 1) -> dict[str, Any]:
    """The newest message with action under it, once there are count of them."""
    await h.fake.wait_for(lambda: len(under(h, where, action)) >= count)
    return under(h, where, action)[-1]


def told(h: SlackHarness, who: str) -> list[str]:
    """What who was told privately: through a click's response_url, or as an ephemeral message."""
    answered = [r["text"] for r in h.fake.responses if r["key"] == who]
    return answered + [c.params["text"] for c in h.fake.calls_to("chat.postEphemeral") if c.params.get("user") == who]


async def told_with(h: SlackHarness, who: str, words: str) -> list[str]:
    """Wait until who was told something with words in it; what they were told with them."""
    await h.fake.wait_for(lambda: any(words in t for t in told(h, who)))
    return [t for t in told(h, who) if words in t]


async def open_group(h: SlackHarness, host: str, options: str = "questions=2") -> tuple[str, str]:
    """`/mock-interview group data-science options` by host in a new channel; (the channel, the thread's ts) once
    its lobby is there."""
    where = channel()
    assert await h.command(f"group data-science {options}", user=host, channel=where) == 200
    await h.fake.wait_for(lambda: any(f"<@{host}>" in m["text"] for m in h.fake.messages.get(where, [])))
    found = (where, h.parent(where, host)["ts"])
    await latest(h, found, "join")
    return found


def channel_of(h: SlackHarness, message: dict[str, Any]) -> str:
    """The channel a posted message is in."""
    return next(where for where, posted in h.fake.messages.items() if message in posted)


def press(h: SlackHarness, message: dict[str, Any], action: str, who: str) -> dict[str, Any]:
    """The payload of who's click on action under message (deliver it with deliver)."""
    where = channel_of(h, message)
    return block_actions(message, PREFIX + action, user=who, channel=where, response_url=h.fake.response_url(who))


def rating(h: SlackHarness, reveal: dict[str, Any], who: str, rated: str, value: int) -> dict[str, Any]:
    """The payload of who choosing value in the rating select of rated's answer under a reveal."""
    action_id = f"{PREFIX}rate:{rated}"
    select = next(b["accessory"] for b in reveal["blocks"] if b.get("accessory", {}).get("action_id") == action_id)
    option = next(o["value"] for o in select["options"] if o["value"].endswith(f":{rated}:{value}"))
    where = channel_of(h, reveal)
    return select_action(reveal, action_id, option, user=who, channel=where, response_url=h.fake.response_url(who))


async def deliver(h: SlackHarness, payload: dict[str, Any]) -> None:
    """Deliver an interaction payload (again, for a copy of the same click)."""
    status, _ = await h.post(interactivity_body(payload), content_type=FORM)
    assert status == 200


async def answer_form(h: SlackHarness, where: tuple[str, str], who: str, text: str) -> dict[str, Any]:
    """who presses Answer under the open question and fills the form; the submission's payload (not delivered)."""
    question = await latest(h, where, "answer")
    seen = set(h.fake.views)
    await deliver(h, press(h, question, "answer", who))
    await h.fake.wait_for(lambda: set(h.fake.views) - seen)
    [view_id] = set(h.fake.views) - seen
    view = h.fake.views[view_id]
    assert json.loads(view["private_metadata"])["thread"] == where[1]
    return view_submission(view, {"answer": text}, user=who)


async def session_of(h: SlackHarness, where: tuple[str, str], host: str) -> GroupSession:
    """The stored session of the group in the thread where."""
    stored = await store_of(h.service).group_in_thread(ConversationRef("slack", TEAM_ID, *where, host))
    assert stored is not None
    return stored.session
