"""Sending rendered messages to Discord with mentions locked down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bots.discord.buttons import controls_view
from bots.discord.render import OutMessage

# Nothing the bot sends pings anybody: user text is echoed (transcripts, scorecards) and must stay inert.
NO_PINGS = discord.AllowedMentions.none()
# A reply may notify the candidate it answers, and nobody else.
REPLY_PING = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=True)

Sender = Callable[..., Awaitable[Any]]


def message_kwargs(out: OutMessage, *, candidate_id: int) -> dict[str, Any]:
    """Keyword arguments for Messageable.send / Webhook.send that deliver one rendered message."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if out.content:
        kwargs["content"] = out.content
    if out.embeds:
        kwargs["embeds"] = [discord.Embed.from_dict(e) for e in out.embeds]
    view = controls_view(out.buttons, user_id=candidate_id)
    if view is not None:
        kwargs["view"] = view
    return kwargs


async def send_messages(
    send: Sender,
    messages: Sequence[OutMessage],
    *,
    candidate_id: int,
    reply_to: discord.Message | None = None,
    mention_candidate: bool = False,
) -> None:
    """Send messages in order; the first may reply to the candidate's message or mention the candidate."""
    for index, out in enumerate(messages):
        kwargs = message_kwargs(out, candidate_id=candidate_id)
        if index == 0 and mention_candidate:
            kwargs["content"] = f"<@{candidate_id}> " + kwargs.get("content", "")
            kwargs["allowed_mentions"] = discord.AllowedMentions(
                everyone=False, roles=False, replied_user=False, users=[discord.Object(candidate_id)]
            )
        elif index == 0 and reply_to is not None:
            kwargs["reference"] = reply_to.to_reference(fail_if_not_exists=False)
            kwargs["allowed_mentions"] = REPLY_PING
        await send(**kwargs)
