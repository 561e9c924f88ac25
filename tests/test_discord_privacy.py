"""In Discord a person's DM `history` and `report` reach only their own Discord interviews.

A Discord user id is one person in every server, so their DM lists their interviews from any server (and their
DMs); an interview on another platform under the same id string, or anyone else's, is never listed or opened.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.discord.inbound import dm_conv, thread_conv
from core.domain.models import ConversationRef
from core.interview.service import InterviewService
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import RunningBot, running_bot
from tests.fakes.discord_server import FakeDiscord


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with FakeDiscord() as fake, running_bot(fake, f"sqlite:///{tmp_path / 'discord.db'}") as running:
        yield running


async def _started(service: InterviewService, conv: ConversationRef, role: str) -> str:
    """An interview begun through the core (what an earlier command would have left); its id."""
    replies = await service.start(conv, role=role, questions=1)
    found = next(r.interview_id for r in replies if r.interview_id)
    assert found is not None
    return found


async def test_dm_history_and_report_reach_only_the_users_own_discord_interviews(bot: RunningBot) -> None:
    fake, service = bot.fake, bot.service
    alice, bob = p.user("alice"), p.user("bob")
    dm, bob_dm = fake.open_dm(alice), fake.open_dm(bob)
    in_server = await _started(
        service, thread_conv(guild_id=11, parent_id=22, thread_id=33, user_id=int(alice["id"])), "law"
    )
    bobs = await _started(service, dm_conv(channel_id=int(bob_dm["id"]), user_id=int(bob["id"])), "hr")
    same_id_elsewhere = [
        await _started(service, ConversationRef("slack", "T0WS", "C0CH", "1790.0001", alice["id"]), "ds"),
        await _started(service, ConversationRef("terminal", "", "cli", None, alice["id"]), "behavioral"),
    ]

    await fake.user_message(alice, dm, "history")
    listing = (await fake.wait_for_messages(dm["id"], 1))[0]["content"]
    assert in_server[:8] in listing and "Law" in listing
    for other in (bobs, *same_id_elsewhere):
        assert other[:8] not in listing

    for n, other in enumerate((bobs, *same_id_elsewhere), start=2):
        await fake.user_message(alice, dm, f"report {other}")
        refusal = (await fake.wait_for_messages(dm["id"], n))[-1]
        assert "No interview has an id starting with" in refusal["content"] and not refusal.get("files")

    await fake.user_message(alice, dm, f"report {in_server[:8]}")
    report = (await fake.wait_for_messages(dm["id"], 5))[-1]
    assert list(report["files"]) == [f"interview-{in_server[:8]}.md"]
