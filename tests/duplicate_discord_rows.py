"""The Discord rows of the duplicate matrix: a DM answer, a DM voice note, a button press, the slash command, the
tailoring form sent back, and a job posting sent with `tailor` in a DM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from core.domain.models import TurnKind
from tests.duplicate_support import (
    SPOKEN,
    MatrixBots,
    discord_four_times,
    discord_quiet,
    interviews_of,
    one_graded_answer,
)
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord
from tests.tailoring_support import make_pdf

VOICE_NOTE = Path(__file__).parent / "fixtures" / "audio" / "voice-message.ogg"
ANSWER = "I would listen to both sides first, agree on the facts, then follow the policy and write it down."
HR_POSTING = "HR Business Partner\nRecruitment, onboarding, performance management, employment law."


def has_buttons(message: dict[str, Any]) -> bool:
    """Whether a message carries our interview buttons: a question, follow-up or hint."""
    ids = [c.get("custom_id", "") for row in message.get("components") or [] for c in row.get("components", [])]
    return any(i.startswith("mi:") for i in ids)


def everything_in(fake: FakeDiscord, channel_id: str) -> list[dict[str, Any]]:
    """Every message the bot created in a channel, ephemeral ones included."""
    return [m for m in fake.messages.values() if m["channel_id"] == channel_id]


def question_after(fake: FakeDiscord, channel_id: str, before: int) -> Callable[[], Awaitable[Any]]:
    """A waiter for a message with buttons past the first `before` in a channel."""
    return lambda: fake.wait_until(lambda: any(has_buttons(m) for m in everything_in(fake, channel_id)[before:]))


async def _dm_interview(bots: MatrixBots) -> tuple[dict[str, Any], dict[str, Any]]:
    """A candidate with an interview open in their DM, its first question sent; the user and the DM."""
    fake = bots.discord.fake
    user = p.user("candidate")
    dm = fake.open_dm(user)
    await fake.user_message(user, dm, "start hr 2")
    await question_after(fake, dm["id"], 0)()  # the question is the last message a turn sends
    return user, dm


async def discord_dm_answer(bots: MatrixBots, wire: str, timing: str) -> None:
    """A typed answer in a DM: one next question, one stored and graded answer."""
    fake = bots.discord.fake
    user, dm = await _dm_interview(bots)
    before = len(everything_in(fake, dm["id"]))
    replied = question_after(fake, dm["id"], before)
    await discord_four_times(
        bots, lambda: fake.user_message(user, dm, ANSWER), wire=wire, timing=timing, replied=replied
    )
    await discord_quiet(bots)
    assert [has_buttons(m) for m in everything_in(fake, dm["id"])[before:]] == [True]
    [interview] = await interviews_of(bots.discord.service, user["id"], "discord")
    one_graded_answer(interview)


async def discord_voice_note(bots: MatrixBots, wire: str, timing: str) -> None:
    """A voice note in a DM: downloaded and transcribed once, one transcript and one next question."""
    fake = bots.discord.fake
    user, dm = await _dm_interview(bots)
    before, downloads = len(everything_in(fake, dm["id"])), len(fake.cdn_requests)
    heard = len(bots.openai.transcriptions)
    audio = VOICE_NOTE.read_bytes()
    replied = question_after(fake, dm["id"], before)
    await discord_four_times(
        bots, lambda: fake.voice_message(user, dm, audio, seconds=6.1), wire=wire, timing=timing, replied=replied
    )
    await discord_quiet(bots)
    new = everything_in(fake, dm["id"])[before:]
    assert len(new) == 2 and SPOKEN in new[0]["content"] and has_buttons(new[1])
    assert len(bots.openai.transcriptions) == heard + 1 and len(fake.cdn_requests) == downloads + 1
    [interview] = await interviews_of(bots.discord.service, user["id"], "discord")
    one_graded_answer(interview)


async def discord_hint_button(bots: MatrixBots, wire: str, timing: str) -> None:
    """The Hint button under a DM question: one hint, one hint turn."""
    fake = bots.discord.fake
    user, dm = await _dm_interview(bots)
    question = next(m for m in everything_in(fake, dm["id"]) if has_buttons(m))
    before = len(everything_in(fake, dm["id"]))
    replied = question_after(fake, dm["id"], before)
    await discord_four_times(
        bots, lambda: fake.click(user, question, f"mi:hint:{user['id']}"), wire=wire, timing=timing, replied=replied
    )
    await discord_quiet(bots)
    new = everything_in(fake, dm["id"])[before:]
    assert [has_buttons(m) for m in new] == [True] and "Hint" in new[0]["content"]
    [interview] = await interviews_of(bots.discord.service, user["id"], "discord")
    assert [t.kind for t in interview.turns] == [TurnKind.QUESTION, TurnKind.HINT]


async def discord_slash_command(bots: MatrixBots, wire: str, timing: str) -> None:
    """`/mock-interview role:hr` in a server channel: one thread, one question in it, one interview."""
    fake, channel = bots.discord.fake, bots.guild_channel
    user = p.user("candidate")
    threads = len(fake.threads())

    async def replied() -> None:
        await fake.wait_until(
            lambda: any(has_buttons(m) for t in fake.threads()[threads:] for m in everything_in(fake, t["id"]))
        )

    await discord_four_times(
        bots,
        lambda: fake.slash_command(user, channel, {"role": "hr", "questions": 1}),
        wire=wire,
        timing=timing,
        replied=replied,
    )
    await discord_quiet(bots)
    [thread] = fake.threads()[threads:]
    assert sum(has_buttons(m) for m in everything_in(fake, thread["id"])) == 1
    assert len(await interviews_of(bots.discord.service, user["id"], "discord")) == 1


async def discord_tailor_form(bots: MatrixBots, wire: str, timing: str) -> None:
    """The tailoring form sent back in a server channel: one thread, one question in it, one interview."""
    fake, channel = bots.discord.fake, bots.guild_channel
    user = p.user("candidate")
    shown = await fake.slash_command(user, channel, {"role": "hr", "tailor": True})
    modal = await fake.wait_until(lambda: fake.modal_shown(shown))
    threads = len(fake.threads())

    async def replied() -> None:
        await fake.wait_until(
            lambda: any(has_buttons(m) for t in fake.threads()[threads:] for m in everything_in(fake, t["id"]))
        )

    values = {"posting": HR_POSTING, "questions": "1"}
    await discord_four_times(
        bots, lambda: fake.submit_modal(user, channel, modal, values), wire=wire, timing=timing, replied=replied
    )
    await discord_quiet(bots)
    [thread] = fake.threads()[threads:]
    assert sum(has_buttons(m) for m in everything_in(fake, thread["id"])) == 1
    [interview] = await interviews_of(bots.discord.service, user["id"], "discord")
    assert interview.tailoring


async def discord_dm_tailor_file(bots: MatrixBots, wire: str, timing: str) -> None:
    """A job posting sent with `tailor hr` in a DM: one tailored intro and question there, one interview."""
    fake = bots.discord.fake
    user = p.user("candidate")
    dm = fake.open_dm(user)
    posting = [("posting.pdf", make_pdf([HR_POSTING]), "application/pdf")]
    await discord_four_times(
        bots,
        lambda: fake.file_message(user, dm, "tailor hr", posting),
        wire=wire,
        timing=timing,
        replied=question_after(fake, dm["id"], 0),
    )
    await discord_quiet(bots)
    said = everything_in(fake, dm["id"])
    assert sum(has_buttons(m) for m in said) == 1 and sum("tailored to" in m["content"] for m in said) == 1
    [interview] = await interviews_of(bots.discord.service, user["id"], "discord")
    assert interview.tailoring


DISCORD_ROWS = {
    "dm-answer": discord_dm_answer,
    "dm-voice-note": discord_voice_note,
    "hint-button": discord_hint_button,
    "slash-command": discord_slash_command,
    "tailor-form": discord_tailor_form,
    "dm-tailor-file": discord_dm_tailor_file,
}
