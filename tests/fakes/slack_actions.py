"""Interactions on messages with selects (a block_actions payload of an option chosen in a section's accessory), and
messages sent at the top of a person's DM with the app, exactly as Slack sends them."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from tests.fakes.slack_payloads import APP_ID, thread_reply
from tests.fakes.slack_server import TEAM_ID

_counter = itertools.count(1)


def select_action(
    message: dict[str, Any], action_id: str, value: str, *, user: str, channel: str, response_url: str
) -> dict[str, Any]:
    """A block_actions payload for choosing the option whose value is value in the select action_id of message (a
    section's accessory, or an element of an actions block), as the fake stored message."""
    found = [b["accessory"] for b in message["blocks"] if b.get("accessory", {}).get("action_id") == action_id]
    found += [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    select = next(e for e in found if e["action_id"] == action_id and e["type"] == "static_select")
    option = next(o for o in select["options"] if o["value"] == value)
    block = next(b for b in message["blocks"] if b.get("accessory") is select or select in b.get("elements", []))
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": message.get("thread_ts"),
        },
        "trigger_id": f"{next(_counter)}.1234567890.{uuid.uuid4().hex[:24]}",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "practice"},
        "message": message,
        "state": {
            "values": {block.get("block_id", "b"): {action_id: {"type": "static_select", "selected_option": option}}}
        },
        "response_url": response_url,
        "actions": [
            {
                "type": "static_select",
                "action_id": action_id,
                "block_id": block.get("block_id", "b"),
                "selected_option": option,
                "placeholder": select.get("placeholder"),
                "action_ts": f"{1_790_100_000 + next(_counter)}.000200",
            }
        ],
    }


def dm_message(text: str, *, user: str, channel: str, files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A `message` event at the top of the person's DM with the app: text, or files (an audio clip) with it."""
    event = thread_reply(text, user=user, channel=channel, thread_ts="", channel_type="im")
    for key in ("thread_ts", "parent_user_id"):
        event.pop(key)
    if files:
        event |= {"subtype": "file_share", "files": files, "upload": False}
        event.pop("client_msg_id")
        event.pop("blocks")
    return event
