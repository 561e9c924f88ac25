"""`mock-interview check` against loopback fakes of every service: what works, what fails and what to change."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from db.migrate import upgrade_database
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.test_cli import call_cli

ROOT = Path(__file__).resolve().parents[1]
SPOKEN = "I would use cross validation to choose the model."


@dataclass
class World:
    openai: FakeOpenAI
    slack: FakeSlack
    discord: FakeDiscord
    env: dict[str, str]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    database = f"sqlite:///{tmp_path / 'check.db'}"
    upgrade_database(database)
    async with FakeOpenAI(transcript_text=SPOKEN) as openai, FakeSlack() as slack, FakeDiscord() as discord:
        slack.socket_url = "ws://127.0.0.1:9/link"  # handed out, never dialled: check only asks for it
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "xdg"),
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database,
            "OPENAI_API_KEY": "sk-test-not-a-real-key",
            "OPENAI_BASE_URL": openai.base_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": slack.base_url,
            "DISCORD_TOKEN": discord.token,
            "DISCORD_API_URL": discord.api_url,
        }
        yield World(openai, slack, discord, env)


async def check(env: dict[str, str], *, real_process: bool = False) -> tuple[int, str]:
    """`mock-interview check` with env as its whole environment and HOME as its folder; its status and output.

    In a thread of this process unless real_process (about a second less: the child imports every client library);
    the fakes keep serving on the test's event loop meanwhile."""
    if not real_process:
        done = await asyncio.wait_for(asyncio.to_thread(call_cli, ["check"], env, cwd=Path(env["HOME"])), timeout=50)
        return done.returncode, done.stdout + done.stderr
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bots.cli",
        "check",
        cwd=env["HOME"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=50)
    assert process.returncode is not None
    return process.returncode, out.decode()


def line_of(report: str, part: str) -> str:
    return next(line for line in report.splitlines() if f"] {part}" in line)


async def test_everything_configured_works_and_says_what_it_found(world: World) -> None:
    code, report = await check(world.env, real_process=True)
    assert code == 0, report
    assert line_of(report, "Database").startswith("  [ok]") and "migrations current" in report
    chat = line_of(report, "Chat model")
    assert chat.startswith("  [ok]") and "json_schema" in chat and "one grade in" in chat
    assert line_of(report, "Speech").startswith("  [ok]") and "prompt accepted" in report
    assert world.openai.transcriptions[0]["prompt"]  # the domain prompt went along
    assert "Socket Mode connects" in line_of(report, "Slack") and "every scope" in report
    assert line_of(report, "Discord").startswith("  [ok]") and "Message Content intent on" in report
    assert "Everything configured works." in report
    assert "sk-test" not in report and BOT_TOKEN not in report and world.discord.token not in report


async def test_a_server_that_refuses_json_schema_is_reported_on_the_rung_it_takes(tmp_path: Path, world: World) -> None:
    async with FakeOpenAI(transcript_text=SPOKEN, rejects_json_schema_with=500) as llama:
        code, report = await check({**world.env, "OPENAI_BASE_URL": llama.base_url})
    assert code == 0, report
    assert "json_object+schema" in line_of(report, "Chat model")


async def test_a_llama_cpp_like_server_works_for_chat_and_is_named_as_having_no_speech(world: World) -> None:
    async with FakeOpenAI(rejects_json_schema_with=500, follows_prompt_schema=False) as llama:
        llama.serves_audio = False
        code, report = await check({**world.env, "OPENAI_BASE_URL": llama.base_url})
    assert code == 1, report
    assert line_of(report, "Chat model").startswith("  [ok]")
    speech = line_of(report, "Speech")
    assert speech.startswith("  [!!]") and "no such endpoint" in speech, report
    assert "MOCK_INTERVIEW_STT_BASE_URL" in report


async def test_a_model_whose_json_does_not_fit_is_told_apart_from_a_wrong_address(world: World) -> None:
    async with FakeOpenAI(transcript_text=SPOKEN, supports_json_schema=False, follows_prompt_schema=False) as small:
        small.refuses_schema_in_json_object = True  # so only the prompt carries the schema, which it does not follow
        code, report = await check({**world.env, "OPENAI_BASE_URL": small.base_url})
    assert code == 1, report
    chat = line_of(report, "Chat model")
    assert chat.startswith("  [!!]") and "did not match" in chat
    assert "bigger model" in report and "check OPENAI_BASE_URL" not in report


async def test_every_failure_says_what_to_change_and_exits_1(world: World) -> None:
    world.slack.scopes = ("commands", "chat:write")
    world.discord.application_flags = 0
    env = {**world.env, "OPENAI_API_KEY": "sk-test-wrong-key", "DISCORD_TOKEN": "not.the.token"}
    world.openai.api_key = "sk-test-not-a-real-key"  # the server now refuses the key we send
    code, report = await check(env)
    assert code == 1, report
    assert line_of(report, "Chat model").startswith("  [!!]") and "OPENAI_API_KEY" in report
    slack = line_of(report, "Slack")
    assert slack.startswith("  [!!]") and "channels:history" in slack and "reinstall" in report
    assert "Discord rejected DISCORD_TOKEN" in line_of(report, "Discord")
    assert report.count("-> ") >= 3 and "problems:" in report
    assert "sk-test-wrong-key" not in report


async def test_the_message_content_intent_switched_off_is_named(world: World) -> None:
    world.discord.application_flags = 0
    code, report = await check(world.env)
    assert code == 1 and "Message Content intent is off" in line_of(report, "Discord")


async def test_with_nothing_configured_the_built_in_coach_is_all_there_is(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "PYTHONPATH": str(ROOT),
    }
    code, report = await check(env)
    assert code == 0, report
    assert "built-in coach" in line_of(report, "Chat model") and line_of(report, "Slack").startswith("  [--]")
    assert "not created yet" in line_of(report, "Database")
    assert not (tmp_path / "xdg" / "mock-interview" / "interviews.db").exists()  # checking creates nothing
