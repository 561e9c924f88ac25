"""Payloads shaped like Discord's API v10 objects, and the checks Discord applies to a message body."""

from __future__ import annotations

import base64
import itertools
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
VOICE_MESSAGE_FLAG = 1 << 13
EPHEMERAL_FLAG = 1 << 6
# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
GUILD_TEXT, DM, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 11, 12
_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh, time-ordered Discord id (17-20 digits, like the real ones)."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (1 << 17) | (next(_counter) % 4096))


def iso_now() -> str:
    """A timestamp the way Discord writes them."""
    return datetime.now(UTC).isoformat()


def user(username: str, *, bot: bool = False, user_id: str | None = None) -> dict[str, Any]:
    """A user object."""
    return {
        "id": user_id or snowflake(),
        "username": username,
        "global_name": username.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(of: dict[str, Any]) -> dict[str, Any]:
    """A guild member object for a user (without the user, as in MESSAGE_CREATE)."""
    return {"roles": [], "joined_at": iso_now(), "deaf": False, "mute": False, "flags": 0, "pending": False}


def text_channel(guild_id: str, name: str) -> dict[str, Any]:
    """A guild text channel."""
    return {
        "id": snowflake(),
        "type": GUILD_TEXT,
        "guild_id": guild_id,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "default_auto_archive_duration": 1440,
        "flags": 0,
    }


def dm_channel(recipient: dict[str, Any]) -> dict[str, Any]:
    """A DM channel with one user."""
    return {"id": snowflake(), "type": DM, "last_message_id": None, "recipients": [recipient], "flags": 0}


def thread(parent: dict[str, Any], *, owner_id: str, name: str, kind: int, archive_minutes: int, invitable: bool):
    """A thread created off a text channel."""
    return {
        "id": snowflake(),
        "type": kind,
        "guild_id": parent["guild_id"],
        "parent_id": parent["id"],
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": archive_minutes,
            "archive_timestamp": iso_now(),
            "locked": False,
            "invitable": invitable,
            "create_timestamp": iso_now(),
        },
    }


def guild(name: str, *, owner_id: str, channels: list[dict[str, Any]], bot_user: dict[str, Any]) -> dict[str, Any]:
    """A GUILD_CREATE payload: the guild with its channels, active threads and the bot as a member."""
    guild_id = channels[0]["guild_id"] if channels else snowflake()
    everyone = {
        "id": guild_id,
        "name": "@everyone",
        "permissions": "1071698660929",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "owner_id": owner_id,
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "features": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
        "afk_timeout": 300,
        "unavailable": False,
        "member_count": 3,
        "large": False,
        "joined_at": iso_now(),
        "channels": channels,
        "threads": [],
        "members": [{**member(bot_user), "user": bot_user}],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def attachment(url: str, *, filename: str, size: int, content_type: str, duration_s: float | None = None):
    """An attachment object; a voice message's carries its duration and a waveform."""
    data: dict[str, Any] = {
        "id": snowflake(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }
    if duration_s is not None:
        data["duration_secs"] = duration_s
        data["waveform"] = base64.b64encode(bytes(range(0, 256, 4))).decode()
    return data


def message(
    *,
    channel_id: str,
    author: dict[str, Any],
    content: str = "",
    guild_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    flags: int = 0,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    message_id: str | None = None,
    reference: dict[str, Any] | None = None,
    webhook_id: str | None = None,
    interaction_metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message object as MESSAGE_CREATE and the REST API carry it."""
    data: dict[str, Any] = {
        "id": message_id or snowflake(),
        "channel_id": channel_id,
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": flags,
        "components": components or [],
    }
    if guild_id:
        data["guild_id"] = guild_id
        if not author.get("bot"):
            data["member"] = member(author)
    if reference:
        data["message_reference"] = reference
    if webhook_id:
        data["webhook_id"] = webhook_id
    if interaction_metadata:
        data["interaction_metadata"] = interaction_metadata
    return data


def _form_error(path: str, code: str, text: str) -> dict[str, Any]:
    node: dict[str, Any] = {"_errors": [{"code": code, "message": text}]}
    for part in reversed(path.split(".")):
        node = {part: node}
    return node


def check_message_body(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """Discord's 400 for a message body it refuses (limits, empty message), or None when it is fine."""
    errors: dict[str, Any] = {}
    content = body.get("content") or ""
    if len(content) > 2000:
        errors.update(_form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."))
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        errors.update(_form_error("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        limits = {"title": 256, "description": 4096}
        for key, most in limits.items():
            if len(embed.get(key) or "") > most:
                errors.update(_form_error(f"embeds.{i}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer."))
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.update(_form_error(f"embeds.{i}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer."))
        for j, field in enumerate(fields):
            name, value = field.get("name") or "", field.get("value") or ""
            if not name or not value or len(name) > 256 or len(value) > 1024:
                errors.update(_form_error(f"embeds.{i}.fields.{j}", "BASE_TYPE_BAD_LENGTH", "Bad field length."))
            total += len(name) + len(value)
        footer = (embed.get("footer") or {}).get("text") or ""
        if len(footer) > 2048:
            errors.update(_form_error(f"embeds.{i}.footer.text", "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer."))
        total += len(embed.get("title") or "") + len(embed.get("description") or "") + len(footer)
    if total > 6000:
        errors.update(_form_error("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    rows = body.get("components") or []
    if len(rows) > 5 or any(len(row.get("components") or []) > 5 for row in rows):
        errors.update(_form_error("components", "BASE_TYPE_MAX_LENGTH", "Too many components."))
    for row in rows:
        inner = row.get("components") or []
        if any(item.get("type") == 3 for item in inner) and len(inner) > 1:
            errors.update(_form_error("components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select fills its row."))
        if any(item.get("type") == 3 and not 1 <= len(item.get("options") or []) <= 25 for item in inner):
            errors.update(_form_error("components", "BASE_TYPE_BAD_LENGTH", "A select has 1 to 25 options."))
        for item in inner:
            if len(item.get("custom_id") or "") > 100 or len(item.get("label") or "") > 80:
                errors.update(_form_error("components", "BASE_TYPE_MAX_LENGTH", "Component field too long."))
    if errors:
        return 400, {"code": 50035, "errors": errors, "message": "Invalid Form Body"}
    if not content.strip() and not embeds and not rows and not body.get("attachments"):
        return 400, {"code": 50006, "message": "Cannot send an empty message"}
    return None
