"""The permissions the bot uses in a server, and the invite URL that asks for exactly those."""

from __future__ import annotations

import discord

# Permission flag -> the name Discord's UI shows. Each is used: threads are created (public or private) and written
# in, answers are replied to (a reply needs Read Message History), and the scorecard is an embed.
THREAD_PERMISSIONS: dict[str, str] = {
    "view_channel": "View Channels",
    "create_public_threads": "Create Public Threads",
    "create_private_threads": "Create Private Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "read_message_history": "Read Message History",
    "embed_links": "Embed Links",
}
# Asked for, not required: without Attach Files the scorecard comes without its chart (bots/discord/replies.py).
OPTIONAL_PERMISSIONS: dict[str, str] = {"attach_files": "Attach Files"}
SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    """Every permission the invite asks for in a channel where /mock-interview is used."""
    return discord.Permissions(**dict.fromkeys({**THREAD_PERMISSIONS, **OPTIONAL_PERMISSIONS}, True))


def missing_for_thread(granted: discord.Permissions, *, private: bool) -> list[str]:
    """The names of permissions an interview thread needs that granted lacks (only one kind of thread is made)."""
    skip = "create_public_threads" if private else "create_private_threads"
    return [label for flag, label in THREAD_PERMISSIONS.items() if flag != skip and not getattr(granted, flag)]


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot and its slash command to a server with exactly these permissions."""
    return discord.utils.oauth_url(application_id, permissions=required_permissions(), scopes=SCOPES)
