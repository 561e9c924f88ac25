"""Interactions on messages with selects (a block_actions payload of an option chosen in a section's accessory), and
messages sent at the top of a person's DM with the app, exactly as Slack sends them."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.slack_payloads import action_payload, thread_reply

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
    block_id = block.get("block_id", "b")
    action = {
        "type": "static_select",
        "action_id": action_id,
        "block_id": block_id,
        "selected_option": option,
        "placeholder": select.get("placeholder"),
        "action_ts": f"{1_790_100_000 + next(_counter)}.000200",
    }
    state = {block_id: {action_id: {"type": "static_select", "selected_option": option}}}
    return action_payload(message, action, state, user=user, channel=channel, response_url=response_url)


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
