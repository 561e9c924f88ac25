"""Sending rendered messages to Discord with mentions locked down, and acknowledging interactions."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bots.discord.buttons import controls_view
from bots.discord.group_buttons import group_view
from bots.discord.render import CONTENT_LIMIT, OutMessage

# Nothing the bot sends pings anybody: user text is echoed (transcripts, scorecards) and must stay inert.
NO_PINGS = discord.AllowedMentions.none()
# A reply may notify the candidate it answers, and nobody else.
REPLY_PING = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=True)

Sender = Callable[..., Awaitable[Any]]
ALREADY_ACKNOWLEDGED = 40060  # Discord's error code when an interaction is answered twice


async def acknowledge(interaction: discord.Interaction[Any], *, ephemeral: bool = False, thinking: bool = True) -> bool:
    """Defer an interaction; False when it was answered already (the same interaction delivered twice)."""
    try:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.defer()  # an update: no "thinking…" message under the buttons
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
    except discord.HTTPException as exc:
        if exc.code == ALREADY_ACKNOWLEDGED:
            return False
        raise
    return True


def message_kwargs(out: OutMessage, *, candidate_id: int) -> dict[str, Any]:
    """Keyword arguments for Messageable.send / Webhook.send that deliver one rendered message."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if out.content:
        kwargs["content"] = out.content
    if out.embeds:
        kwargs["embeds"] = [discord.Embed.from_dict(e) for e in out.embeds]
    if out.file is not None:
        name, data = out.file
        kwargs["file"] = discord.File(io.BytesIO(data if isinstance(data, bytes) else data.encode()), filename=name)
    if out.group is not None:
        view = group_view(out.group)
    else:
        view = controls_view(out.buttons, user_id=candidate_id, try_again=out.try_again)
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
) -> Any:
    """Send messages in order; the first may reply to the candidate's message or mention the candidate.
    Returns what sending the first one returned (its Message)."""
    first: Any = None
    for index, out in enumerate(messages):
        kwargs = message_kwargs(out, candidate_id=candidate_id)
        if index == 0 and mention_candidate:
            # The mention notifies the candidate and, in a thread, adds them to it; it pings nobody else.
            ping = discord.AllowedMentions(
                everyone=False, roles=False, replied_user=False, users=[discord.Object(candidate_id)]
            )
            mention, content = f"<@{candidate_id}>", kwargs.get("content", "")
            if len(mention) + 1 + len(content) <= CONTENT_LIMIT:
                kwargs["content"] = f"{mention} {content}".strip()
                kwargs["allowed_mentions"] = ping
            else:
                first = await send(content=mention, allowed_mentions=ping)
        elif index == 0 and reply_to is not None:
            kwargs["reference"] = reply_to.to_reference(fail_if_not_exists=False)
            kwargs["allowed_mentions"] = REPLY_PING
        sent = await send(**kwargs)
        first = first if first is not None else sent
    return first
