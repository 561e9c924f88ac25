"""The fake Slack's Web API methods, one api_<method> each, answering as Slack does; FakeSlack routes calls here."""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.fakes.slack_files import StoredFile
from tests.fakes.slack_ids import BOT_ID, BOT_USER_ID, TEAM_ID


class WebApiMethodsMixin:
    """auth, chat, conversations, users, reactions, files, apps.connections and oauth methods; mixed into FakeSlack."""

    bot_tokens: set[str]
    app_token: str
    messages: dict[str, list[dict[str, Any]]]
    files: dict[str, StoredFile]
    uploads: dict[str, bytes]
    upload_info: dict[str, dict[str, str]]  # file id -> the filename and alt text its upload URL was asked with
    scopes: tuple[str, ...]
    home_views: dict[str, dict[str, Any]]  # user id -> their published Home tab
    unreachable_channels: set[str]
    unjoined_channels: set[str]
    socket_url: str | None
    oauth_codes: dict[str, dict[str, Any]]
    user_zones: dict[str, str]
    root_url: str
    _ts: itertools.count[int]
    _ids: itertools.count[int]

    async def api_auth_test(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """auth.test."""
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "coach",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _next_ts(self) -> str:
        return f"{1_800_000_000 + next(self._ts)}.000100"

    async def api_chat_postMessage(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """chat.postMessage: stores the message; not_in_channel for unreachable channels."""
        channel = params.get("channel", "")
        if channel.startswith("U"):  # a user id: Slack posts in the app's DM with that person
            channel = "D" + channel[1:]
        if channel in self.unreachable_channels or channel in self.unjoined_channels:
            return {"ok": False, "error": "not_in_channel"}
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": self._next_ts(),
            "text": params.get("text", ""),
            "blocks": _json_field(params.get("blocks")) or [],
            "metadata": _json_field(params.get("metadata")),
        }
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    async def api_views_publish(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """views.publish: keeps each person's Home tab (at most 100 blocks, as Slack allows)."""
        view = _json_field(params.get("view")) or {}
        if view.get("type") != "home" or len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        images = [b for b in view["blocks"] if b.get("type") == "image"]
        for image in images:  # an image is a public URL or a file the app can see, never both; alt text is required
            source = image.get("slack_file") or {}
            if not image.get("alt_text") or bool(image.get("image_url")) == bool(source):
                return {"ok": False, "error": "invalid_blocks"}
            if source and source.get("id") not in self.uploads:
                return {"ok": False, "error": "invalid_blocks", "errors": ["slack_file: file not found"]}
        self.home_views[str(params.get("user_id"))] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **view}}

    async def api_users_info(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """users.info: the person's profile, with the time zone Slack keeps (users:read; no tz when unknown)."""
        if "users:read" not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "users:read"}
        user = str(params.get("user", ""))
        profile: dict[str, Any] = {"id": user, "team_id": TEAM_ID, "name": user.lower(), "is_bot": False}
        if user in self.user_zones:
            profile |= {"tz": self.user_zones[user], "tz_label": self.user_zones[user], "tz_offset": 0}
        return {"ok": True, "user": profile}

    async def api_conversations_join(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """conversations.join: works for public channels only."""
        channel = params.get("channel", "")
        if channel in self.unreachable_channels:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        self.unjoined_channels.discard(channel)
        return {"ok": True, "channel": {"id": channel, "is_member": True}}

    async def api_chat_update(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """chat.update of a message the app posted."""
        channel, ts = params.get("channel", ""), params.get("ts")
        for message in self.messages.get(channel, []):
            if message["ts"] == ts and message.get("user") != BOT_USER_ID:
                return {"ok": False, "error": "cant_update_message"}  # a person's message: only they can edit it
            if message["ts"] == ts:
                message["text"] = params.get("text", message["text"])
                if "blocks" in params:
                    message["blocks"] = _json_field(params["blocks"]) or []
                if params.get("metadata"):
                    message["metadata"] = _json_field(params["metadata"])
                return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}
        return {"ok": False, "error": "message_not_found"}

    async def api_chat_postEphemeral(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """chat.postEphemeral (recorded only: nobody else sees it); not_in_channel where the app cannot post."""
        if params.get("channel") in self.unreachable_channels:
            return {"ok": False, "error": "not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    async def api_reactions_add(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """reactions.add."""
        return {"ok": True}

    async def api_reactions_remove(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """reactions.remove."""
        return {"ok": True}

    async def api_conversations_replies(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """conversations.replies: the parent first, then the thread."""
        channel, ts = params.get("channel", ""), params.get("ts")
        found = [m for m in self.messages.get(channel, []) if m["ts"] == ts or m.get("thread_ts") == ts]
        if not found:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": found[: int(params.get("limit", 1000))], "has_more": False}

    async def api_files_info(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """files.info."""
        stored = self.files.get(params.get("file", ""))
        return {"ok": True, "file": stored.info} if stored else {"ok": False, "error": "file_not_found"}

    async def api_files_getUploadURLExternal(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Step 1 of files_upload_v2: where to send the bytes (missing_scope without files:write, as Slack says)."""
        if "files:write" not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "files:write"}
        file_id = f"F{next(self._ids):08d}"
        self.upload_info[file_id] = {"name": params.get("filename", ""), "alt_txt": params.get("alt_txt", "")}
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    async def api_files_completeUploadExternal(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Step 3 of files_upload_v2: share the uploaded files in a channel."""
        files = _json_field(params.get("files")) or []
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "invalid_file_id"}
        channel = params.get("channel_id")
        if channel in self.unreachable_channels:
            return {"ok": False, "error": "not_in_channel"}
        shared = [{"id": f["id"], "title": f.get("title", ""), **self.upload_info.get(f["id"], {})} for f in files]
        if channel:  # as Slack does: the bot shares the files in a message of its own, in the thread when given one
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": self._next_ts(), "files": shared}
            message["text"] = params.get("initial_comment", "")
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}

    async def api_apps_connections_open(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """apps.connections.open: needs the app-level token."""
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        if self.socket_url is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url}

    async def api_oauth_v2_access(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """oauth.v2.access: exchanges a code registered in oauth_codes."""
        answer = self.oauth_codes.get(params.get("code", ""))
        if answer is None:
            return {"ok": False, "error": "invalid_code"}
        self.bot_tokens.add(answer["access_token"])
        return answer


def _json_field(value: Any) -> Any:
    """A field that slack_sdk sends as JSON text in form bodies, or as JSON in JSON bodies."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value
