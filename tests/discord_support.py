"""Helpers for Discord tests against the loopback Discord: a finished one-question DM interview, and the answer an
interaction got."""

from __future__ import annotations

from typing import Any

from tests.fakes.discord_server import FakeDiscord

CONTRACT_ANSWER = "An offer, an acceptance and consideration, for example a sale of a car."


async def scorecard_in_dm(
    fake: FakeDiscord, user: dict[str, Any], dm: dict[str, Any], answer: str = CONTRACT_ANSWER
) -> dict[str, Any]:
    """Run a one-question law interview in the DM to its scorecard; the scorecard's (last) message."""
    await fake.user_message(user, dm, "start law 1")
    await fake.wait_for_messages(dm["id"], len(fake.sent_in(dm["id"])) + 2)
    await fake.user_message(user, dm, answer)
    card = (await fake.wait_for_messages(dm["id"], len(fake.sent_in(dm["id"])) + 1))[-1]
    while not card["embeds"]:  # the coach may follow up first: end it
        await fake.user_message(user, dm, "end")
        card = (await fake.wait_for_messages(dm["id"], len(fake.sent_in(dm["id"])) + 1))[-1]
    return card


async def callback_of(fake: FakeDiscord, event: dict[str, Any]) -> dict[str, Any]:
    """The first answer the bot gave an interaction (its callback)."""
    return await fake.wait_until(
        lambda: next((c for c in fake.callbacks if c["interaction"] == event["d"]["id"]), None)
    )
