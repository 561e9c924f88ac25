"""Helpers for the Discord study-group tests: open a group with the slash command, find its messages and their
controls, press them, answer through the form, and read what was said privately."""

from __future__ import annotations

from typing import Any

from tests.fakes import discord_payloads as p
from tests.fakes.discord_modals import text_inputs
from tests.fakes.discord_server import FakeDiscord

LOBBY, QUESTION, REVEAL, CARD = "**Study group", "**Question", "**Answers to question", "**Group scorecard**"
SELECT = 3


def text_channel(fake: FakeDiscord) -> dict[str, Any]:
    """The guild's text channel."""
    return next(c for c in fake.channels.values() if c["type"] == p.GUILD_TEXT)


async def open_group(fake: FakeDiscord, host: dict[str, Any], **options: Any) -> dict[str, Any]:
    """host runs /mock-interview group:True (data-science unless role is given); the thread, once its lobby is in."""
    before = {t["id"] for t in fake.threads()}
    await fake.slash_command(host, text_channel(fake), {"role": "data-science", "group": True, **options})
    thread = await fake.wait_until(lambda: next((t for t in fake.threads() if t["id"] not in before), None))
    await fake.wait_until(lambda: latest(fake, thread, LOBBY))
    return dict(thread)


def latest(fake: FakeDiscord, thread: dict[str, Any], starts: str) -> dict[str, Any] | None:
    """The newest message in the thread whose content starts with starts."""
    found = [m for m in fake.sent_in(thread["id"]) if m["content"].startswith(starts)]
    return found[-1] if found else None


def controls(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button and select under a message, in order."""
    return [item for row in message.get("components") or [] for item in row["components"]]


def control(message: dict[str, Any], action: str) -> str:
    """The custom id of the button for action ("join", "skip", …) under message."""
    return next(c["custom_id"] for c in controls(message) if c["custom_id"].split(":")[1] == action)


def selects(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The rating selects under message."""
    return [c for c in controls(message) if c["type"] == SELECT]


def told(fake: FakeDiscord, event: dict[str, Any]) -> list[str]:
    """What the bot said privately in answer to one interaction (ephemeral messages), in order."""
    said = fake.messages.values()
    return [m["content"] for m in said if m.get("answers_interaction") == event["d"]["id"] and m.get("ephemeral")]


async def told_once(fake: FakeDiscord, event: dict[str, Any]) -> str:
    """Wait for the private answer to an interaction; its text."""
    said: list[str] = await fake.wait_until(lambda: told(fake, event))
    return said[0]


async def press(fake: FakeDiscord, user: dict[str, Any], message: dict[str, Any], action: str) -> dict[str, Any]:
    """user presses a button under message; the interaction event."""
    return await fake.click(user, message, control(message, action))


async def answer(
    fake: FakeDiscord, user: dict[str, Any], thread: dict[str, Any], question: dict[str, Any], text: str
) -> dict[str, Any]:
    """user presses Answer under question and sends text in the form; the submission's event."""
    shown = await press(fake, user, question, "answer")
    modal = await fake.wait_until(lambda: fake.modal_shown(shown))
    [box] = text_inputs(modal)
    return await fake.submit_modal(user, thread, modal, {box["custom_id"]: text})


def dm_of(fake: FakeDiscord, user: dict[str, Any]) -> dict[str, Any] | None:
    """The DM channel between the bot and user, once there is one."""
    dms = (c for c in fake.channels.values() if c["type"] == p.DM)
    return next((c for c in dms if c["recipients"][0]["id"] == user["id"]), None)
