"""Starting the Discord bot: configuration checks, clear exits for bad tokens and intents, endpoints and sharding."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bots.cli import main
from bots.discord import runner
from bots.discord.invite import (
    OPTIONAL_PERMISSIONS,
    THREAD_PERMISSIONS,
    invite_url,
    missing_for_thread,
    required_permissions,
)
from bots.discord.runner import check_settings, discord_endpoints, serve
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.support import make_service, make_settings


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "Bot abc.def"}, "bare bot token"),
        ({"DISCORD_TOKEN": "abc", "DISCORD_SHARDS": "two"}, "DISCORD_SHARDS must be"),
        ({"DISCORD_TOKEN": "abc", "DISCORD_SHARDS": "0"}, "DISCORD_SHARDS must be"),
        ({"DISCORD_TOKEN": "abc", "DISCORD_API_URL": "ftp://example.com"}, "DISCORD_API_URL must be"),
        ({"DISCORD_TOKEN": "abc", "DISCORD_GATEWAY_URL": "https://example.com"}, "DISCORD_GATEWAY_URL must be"),
        ({"DISCORD_TOKEN": "abc", "DISCORD_SHARDS": "auto"}, None),
        ({"DISCORD_TOKEN": "abc", "DISCORD_SHARDS": "4", "DISCORD_GATEWAY_URL": "wss://gw.example/"}, None),
    ],
)
def test_settings_are_checked_before_connecting(tmp_path: Path, overrides: dict, problem: str | None) -> None:
    found = check_settings(make_settings(f"sqlite:///{tmp_path / 'x.db'}", **overrides))
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_the_cli_says_what_is_missing_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["discord"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err


def test_endpoints_point_discord_py_at_the_settings_and_are_restored(tmp_path: Path) -> None:
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    settings = make_settings(
        f"sqlite:///{tmp_path / 'x.db'}",
        DISCORD_API_URL="http://127.0.0.1:9/api/v10/",
        DISCORD_GATEWAY_URL="ws://127.0.0.1:9/?v=9&encoding=etf",
    )
    with discord_endpoints(settings):
        assert Route.BASE == "http://127.0.0.1:9/api/v10"
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
        # discord.py adds its own v/encoding/compress; a query in the setting must not fight it
        assert DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL("ws://127.0.0.1:9/")
    assert (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) == before


async def _serve_once(fake: FakeDiscord, tmp_path: Path, **overrides: str) -> int:
    settings = make_settings(
        f"sqlite:///{tmp_path / 'x.db'}",
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        **{"DISCORD_TOKEN": fake.token, **overrides},
    )
    service = make_service(settings.database_url)
    try:
        return await asyncio.wait_for(serve(settings, service), 15)
    finally:
        await service.close()


async def test_a_rejected_token_exits_2_with_one_line_and_never_shows_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeDiscord() as fake:
        assert await _serve_once(fake, tmp_path, DISCORD_TOKEN="wrong.token-value.xyz") == 2
    err = capsys.readouterr().err
    assert err.strip() == runner.REJECTED_TOKEN
    assert "wrong.token-value" not in err + caplog.text


async def test_a_refused_message_content_intent_exits_2_and_says_where_to_turn_it_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeDiscord() as fake:
        fake.gateway.allow_message_content = False
        assert await _serve_once(fake, tmp_path) == 2
        assert fake.gateway.identifies[0]["intents"] & (1 << 15)
    assert "Message Content Intent" in capsys.readouterr().err


async def test_the_bot_identifies_with_exactly_its_intents_over_zlib_stream(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, running_bot(fake, f"sqlite:///{tmp_path / 'x.db'}") as bot:
        query = fake.gateway.connect_queries[0]
        assert query == {"path": "/", "v": "10", "encoding": "json", "compress": "zlib-stream"}
        guilds, guild_messages, dm_messages, message_content = 1 << 0, 1 << 9, 1 << 12, 1 << 15
        assert fake.gateway.identifies[0]["intents"] == guilds | guild_messages | dm_messages | message_content
        assert "shard" not in fake.gateway.identifies[0]  # one plain connection without DISCORD_SHARDS
        assert [c["name"] for c in fake.commands] == ["mock-interview"]
    assert bot.exit_code == 0


async def test_auto_sharding_asks_discord_for_the_gateway_and_shard_count(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        async with running_bot(fake, f"sqlite:///{tmp_path / 'x.db'}", DISCORD_SHARDS="auto"):
            assert any(r["path"] == "/gateway/bot" for r in fake.requests)
            assert fake.gateway.identifies[0]["shard"] == [0, 1]
            alice = p.user("alice")
            dm = fake.open_dm(alice)
            await fake.user_message(alice, dm, "start hr 1")
            assert len(await fake.wait_for_messages(dm["id"], 2)) == 2


async def test_two_shards_each_serve_their_own_guilds(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        fake.add_guild("on shard 0", shard=(0, 2))
        on_shard_1 = fake.add_guild("on shard 1", shard=(1, 2))
        assert (int(on_shard_1["guild_id"]) >> 22) % 2 == 1
        async with running_bot(fake, f"sqlite:///{tmp_path / 'x.db'}", sessions=2, DISCORD_SHARDS="2"):
            assert sorted(i["shard"] for i in fake.gateway.identifies) == [[0, 2], [1, 2]]
            assert not any(r["path"] == "/gateway/bot" for r in fake.requests)  # a fixed count needs no lookup
            alice = p.user("alice")
            await fake.slash_command(alice, on_shard_1, {"role": "law", "questions": 1})
            await fake.wait_until(lambda: fake.threads())
            thread = fake.threads()[0]
            await fake.wait_for_messages(thread["id"], 2)
            answer = await fake.user_message(alice, thread, "A contract needs offer, acceptance and consideration.")
            sent = await fake.wait_for_messages(thread["id"], 3)
            assert sent[2]["message_reference"]["message_id"] == answer["d"]["id"]
            shard_1 = next(s for s in fake.gateway.sessions.values() if s.shard == (1, 2))
            assert any(e["d"].get("id") == answer["d"]["id"] for e in shard_1.events)


def test_the_readme_invite_url_asks_for_exactly_the_permissions_the_bot_checks() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme[readme.index("## Discord") : readme.index("## Roles")]
    value = required_permissions().value
    assert f"scope=bot+applications.commands&permissions={value}" in section
    assert (
        invite_url(42)
        == f"https://discord.com/oauth2/authorize?client_id=42&scope=bot+applications.commands&permissions={value}"
    )
    for label in (*THREAD_PERMISSIONS.values(), *OPTIONAL_PERMISSIONS.values()):
        assert f"| {label} |" in section
    granted = discord.Permissions(value)
    assert missing_for_thread(granted, private=True) == missing_for_thread(granted, private=False) == []
    assert missing_for_thread(discord.Permissions.none(), private=False) == [
        label for flag, label in THREAD_PERMISSIONS.items() if flag != "create_private_threads"
    ]


async def test_the_cli_process_serves_a_dm_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "xdg"),
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bots.cli",
            "discord",
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(Path(__file__).parents[1])},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.gateway.wait_sessions(1, within_s=20)
            alice = p.user("alice")
            dm = fake.open_dm(alice)
            await fake.user_message(alice, dm, "start swe 1")
            sent = await fake.wait_for_messages(dm["id"], 2)
            assert sent[1]["content"].startswith("**Question 1 of 1**")
            assert process.stdout is not None  # on_ready comes once discord.py stops waiting for servers
            connected = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
            assert connected.startswith("Connected to Discord as coach")
            assert f"Invite URL: {invite_url(int(fake.application_id))}" in connected
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()
    assert fake.token not in out.decode() + err.decode()
    assert (tmp_path / "xdg" / "mock-interview" / "interviews.db").exists()
