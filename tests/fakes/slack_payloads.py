"""Requests exactly as Slack sends them: slash command forms, event callbacks, block_actions, and their signatures."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_server import BOT_USER_ID, TEAM_ID

APP_ID = "A0FAKE"
_counter = itertools.count(1)


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None, content_type: str) -> dict[str, str]:
    """The X-Slack-Signature headers Slack adds (v0 HMAC-SHA256 over "v0:timestamp:body")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_command(text: str, *, user: str, channel: str, response_url: str, team: str = TEAM_ID) -> dict[str, str]:
    """The form fields of a `/mock-interview` invocation."""
    n = next(_counter)
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "practice",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/mock-interview",
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{n}.1234567890.{uuid.uuid4().hex[:24]}",
    }


def form_body(fields: dict[str, str]) -> bytes:
    """A form-encoded body, as Slack posts commands and interactivity."""
    return urlencode(fields).encode()


def _ts() -> str:
    return f"{1_790_000_000 + next(_counter)}.{next(_counter):06d}"


def thread_reply(
    text: str, *, user: str, channel: str, thread_ts: str, channel_type: str = "channel", **extra: Any
) -> dict[str, Any]:
    """A `message` event for a reply in a thread the bot started."""
    ts = _ts()
    event = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": TEAM_ID,
        "client_msg_id": str(uuid.uuid4()),
        "thread_ts": thread_ts,
        "parent_user_id": BOT_USER_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "x1",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
    }
    event.update(extra)
    return event


def audio_reply(file: dict[str, Any], *, user: str, channel: str, thread_ts: str) -> dict[str, Any]:
    """A thread reply carrying a Slack audio clip (subtype file_share, the file with subtype slack_audio)."""
    event = thread_reply("", user=user, channel=channel, thread_ts=thread_ts, subtype="file_share", upload=False)
    event.pop("client_msg_id")
    event.pop("blocks")
    event["files"] = [file]
    return event


def audio_file(name: str, *, mimetype: str, filetype: str, user: str, duration_ms: int = 6000) -> dict[str, Any]:
    """The file object of an audio clip recorded in Slack (before the fake adds its URLs)."""
    return {
        "id": f"F0CLIP{next(_counter):04d}",
        "created": 1_790_000_000,
        "timestamp": 1_790_000_000,
        "name": name,
        "title": name,
        "mimetype": mimetype,
        "filetype": filetype,
        "pretty_type": "Audio",
        "user": user,
        "user_team": TEAM_ID,
        "editable": False,
        "mode": "hosted",
        "is_external": False,
        "is_public": False,
        "subtype": "slack_audio",
        "transcription": {"status": "none"},
        "duration_ms": duration_ms,
        "media_display_type": "audio",
    }


def event_callback(event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM_ID) -> dict[str, Any]:
    """The Events API envelope around an event."""
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "context_team_id": team,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{uuid.uuid4().hex}",
    }


def block_actions(
    message: dict[str, Any], action_id: str, *, user: str, channel: str, response_url: str
) -> dict[str, Any]:
    """A block_actions payload for a click on one of the buttons of message (as the fake stored it)."""
    button = next(
        e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id
    )
    action = {**button, "block_id": "mi", "action_ts": _ts()}
    return action_payload(message, action, {}, user=user, channel=channel, response_url=response_url)


def action_payload(
    message: dict[str, Any],
    action: dict[str, Any],
    state: dict[str, Any],
    *,
    user: str,
    channel: str,
    response_url: str,
) -> dict[str, Any]:
    """A block_actions payload of one action taken on message (as the fake stored it), with the blocks' state."""
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
        "state": {"values": state},
        "response_url": response_url,
        "actions": [action],
    }


def interactivity_body(payload: dict[str, Any]) -> bytes:
    """The form body Slack posts for interactivity: one `payload` field of JSON."""
    return form_body({"payload": json.dumps(payload)})


def app_home_opened(*, user: str, channel: str, tab: str = "home") -> dict[str, Any]:
    """An `app_home_opened` event: the person opened the app's Home (or Messages) tab; channel is their DM."""
    return {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab, "event_ts": _ts()}


def home_click(view: dict[str, Any], action_id: str, *, user: str) -> dict[str, Any]:
    """A block_actions payload for a click on a button of a published Home tab (no channel, no response_url)."""
    button = next(
        e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id
    )
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": f"{next(_counter)}.1234567890.{uuid.uuid4().hex[:24]}",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "view": {"id": "V0HOME", **view},
        "actions": [{**button, "block_id": "b", "action_ts": _ts()}],
    }


def view_submission(view: dict[str, Any], values: dict[str, Any], *, user: str, team: str = TEAM_ID) -> dict[str, Any]:
    """A view_submission payload for a modal the fake opened, its fields filled with values (by block id: text, an
    option's value, or a number); refuses what Slack's client would not submit (a required field left empty, text
    over max_length, a number out of range)."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, value = block["element"], values.get(block["block_id"])
        if value in (None, "") and not block.get("optional"):
            raise ValueError(f"Slack does not submit a form with {block['block_id']} empty")
        state[block["block_id"]] = {element["action_id"]: _field_state(element, value)}
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_counter)}.1234567890.{uuid.uuid4().hex[:24]}",
        "view": {**view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def _field_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """One input's entry in view.state.values, as Slack sends it."""
    kind = element["type"]
    if kind == "static_select":
        chosen = next((o for o in element["options"] if o["value"] == value), None)
        if value is not None and chosen is None:
            raise ValueError(f"{value!r} is not one of the options")
        return {"type": kind, "selected_option": chosen}
    if kind == "number_input" and value is not None:
        low, high = int(element.get("min_value", "-999999")), int(element.get("max_value", "999999"))
        if not low <= int(value) <= high:
            raise ValueError(f"Slack's client refuses {value} outside {low}..{high}")
        return {"type": kind, "value": str(value)}
    if kind == "plain_text_input" and value is not None and len(value) > element.get("max_length", 3000):
        raise ValueError("Slack's client stops typing at max_length")
    return {"type": kind, "value": value}


def document_file(name: str, *, mimetype: str, filetype: str, user: str) -> dict[str, Any]:
    """The file object of a document uploaded in Slack (before the fake adds its URLs and size)."""
    return {
        "id": f"F0DOC{next(_counter):05d}",
        "created": 1_790_000_000,
        "timestamp": 1_790_000_000,
        "name": name,
        "title": name,
        "mimetype": mimetype,
        "filetype": filetype,
        "pretty_type": filetype.upper(),
        "user": user,
        "user_team": TEAM_ID,
        "editable": False,
        "mode": "hosted",
        "is_external": False,
        "is_public": False,
    }


def file_share_dm(text: str, files: list[dict[str, Any]], *, user: str, channel: str) -> dict[str, Any]:
    """A `message` event of files uploaded at the top of the person's DM with the app, with text typed beside them."""
    ts = _ts()
    return {
        "type": "message",
        "subtype": "file_share",
        "text": text,
        "files": files,
        "upload": False,
        "user": user,
        "display_as_bot": False,
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
    }
