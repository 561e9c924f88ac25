"""Sharding over processes: DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS checked before connecting, and two real
`mock-interview discord` processes on one database, each opening half the shards of one token."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bots.cli import main
from bots.discord.inbound import dm_conv, thread_conv
from bots.discord.runner import check_settings
from bots.discord.shards import ShardPlan, shard_plan
from db.migrate import upgrade_database
from tests.discord_support import CONTRACT_ANSWER, scorecard_in_dm
from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import running_bot
from tests.fakes.discord_server import FakeDiscord
from tests.process_support import ROOT, process_env, stop
from tests.support import make_service, make_settings, store_of

RECOVER_AFTER = 0.5
REPLY_S = 20  # two processes on two shared cores: a reply may take a while
NEEDS_COUNT = "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT set to the number of shards over all processes"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0,1"}, None),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": " 2-3 "}, None),
        ({"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "0, 2-3"}, None),
        ({"DISCORD_SHARD_COUNT": "auto", "DISCORD_SHARDS": "AUTO"}, None),
        ({"DISCORD_SHARD_IDS": "0,1"}, NEEDS_COUNT),
        ({"DISCORD_SHARD_COUNT": "auto", "DISCORD_SHARD_IDS": "0"}, NEEDS_COUNT),
        (
            {"DISCORD_SHARD_COUNT": "0"},
            "DISCORD_SHARD_COUNT must be a number of shards (1 or more) or `auto`, not “0”.",
        ),
        ({"DISCORD_SHARD_COUNT": "²"}, "DISCORD_SHARD_COUNT must be a number of shards"),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARDS": "2"},
            "DISCORD_SHARDS is the older name of DISCORD_SHARD_COUNT",
        ),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "2,4"},
            "DISCORD_SHARD_IDS must be shard ids from 0 to 3 (DISCORD_SHARD_COUNT is 4), not 4.",
        ),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0-9999999"}, "from 0 to 3"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1,1"}, "DISCORD_SHARD_IDS lists shard 1 more than once."),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0-2,2"}, "lists shard 2 more than once"),
        *[
            (
                {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": ids},
                f"DISCORD_SHARD_IDS must list shard ids such as `0,1` or `0-3`, not “{ids.strip()}”.",
            )
            for ids in ("-1", "3-1", "zero", "0,,1", "0;1", "1-", "0 1")
        ],
    ],
)
def test_shard_settings_are_checked_before_connecting(tmp_path: Path, overrides: dict, problem: str | None) -> None:
    found = check_settings(make_settings(f"sqlite:///{tmp_path / 'x.db'}", DISCORD_TOKEN="abc", **overrides))
    assert (found is None) if problem is None else (found is not None and problem in found), found
    assert found is None or "\n" not in found


@pytest.mark.parametrize(
    ("overrides", "plan"),
    [
        ({}, ShardPlan()),
        ({"DISCORD_SHARDS": "2"}, ShardPlan(sharded=True, count=2)),
        ({"DISCORD_SHARD_COUNT": "auto"}, ShardPlan(sharded=True, count=None)),
        ({"DISCORD_SHARD_COUNT": "8", "DISCORD_SHARD_IDS": "6-7,0"}, ShardPlan(sharded=True, count=8, ids=(6, 7, 0))),
        ({"DISCORD_SHARD_COUNT": "8", "DISCORD_SHARD_IDS": "4-5"}, ShardPlan(sharded=True, count=8, ids=(4, 5))),
    ],
)
def test_the_plan_says_which_shards_this_process_opens(tmp_path: Path, overrides: dict, plan: ShardPlan) -> None:
    assert shard_plan(make_settings(f"sqlite:///{tmp_path / 'x.db'}", **overrides)) == plan
    # The process holding shard 0 gets the DMs and publishes the slash command: with no ids, that is this one.
    assert plan.holds_shard_0 == (plan.ids is None or 0 in plan.ids)


def test_the_cli_names_the_shard_setting_and_exits_2_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def")
    monkeypatch.setenv("DISCORD_API_URL", "http://127.0.0.1:9/api/v10")  # nothing listens: it must not get there
    monkeypatch.setenv("DISCORD_SHARD_IDS", "2,3")
    assert main(["discord"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(NEEDS_COUNT)


async def test_an_invalid_shard_in_identify_is_refused_as_discord_does() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
        assert (await ws.receive_json())["op"] == 10  # HELLO
        await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 0, "properties": {}, "shard": [4, 4]}})
        closed = await ws.receive()
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010


async def test_a_process_without_shard_0_still_sends_what_a_stopped_worker_left_anywhere(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'discord.db'}"
    async with FakeDiscord() as fake:
        channel = fake.add_guild("on shard 1", shard=(1, 4))
        thread = p.thread(
            channel, owner_id=fake.bot_user["id"], name="Law", kind=p.PUBLIC_THREAD, archive_minutes=60, invitable=True
        )
        fake.channels[thread["id"]] = thread
        alice = p.user("alice")
        dm = fake.open_dm(alice)
        # A worker stored both interviews' first replies and stopped before sending them.
        stopped = make_service(url, MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER)
        await stopped.start(dm_conv(channel_id=int(dm["id"]), user_id=int(alice["id"])), role="law", questions=1)
        in_thread = thread_conv(
            guild_id=int(channel["guild_id"]),
            parent_id=int(channel["id"]),
            thread_id=int(thread["id"]),
            user_id=int(alice["id"]),
        )
        await stopped.start(in_thread, role="law", questions=1)
        await stopped.close()
        overrides = {
            "DISCORD_SHARD_COUNT": "4",
            "DISCORD_SHARD_IDS": "2,3",
            "MOCK_INTERVIEW_RECOVER_AFTER": str(RECOVER_AFTER),
        }
        async with running_bot(fake, url, sessions=2, **overrides):
            # Its sweeper sends over REST, which knows no shards: the DM and shard 1's thread get their replies.
            await fake.wait_for_messages(dm["id"], 2)
            await fake.wait_for_messages(thread["id"], 2)
            await asyncio.sleep(4 * RECOVER_AFTER)  # a second copy would have shown up by now
            assert len(fake.sent_in(dm["id"])) == len(fake.sent_in(thread["id"])) == 2
            assert not fake.commands  # a process without shard 0 leaves the slash command alone
        # The echoes of what it sent belong to shards 0 and 1, which nobody opened here.
        assert {e["d"]["channel_id"] for e in fake.gateway.dropped} == {dm["id"], thread["id"]}


async def _spawn(fake: FakeDiscord, home: Path, database_url: str, ids: str) -> asyncio.subprocess.Process:
    """`mock-interview discord` as a process of its own, opening shards ids of 4."""
    env = process_env(
        home,
        DATABASE_URL=database_url,
        DISCORD_TOKEN=fake.token,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_SHARD_COUNT="4",
        DISCORD_SHARD_IDS=ids,
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bots.cli", "discord"),
        cwd=home.parent,  # the test's own folder: no .env of the developer's
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _thread_interview(fake: FakeDiscord, user: dict[str, Any], channel: dict[str, Any]) -> dict[str, Any]:
    """/mock-interview in a server channel, answered to its scorecard in the thread; the thread."""
    await fake.slash_command(user, channel, {"role": "law", "questions": 1})
    await fake.wait_until(lambda: [t for t in fake.threads() if t["parent_id"] == channel["id"]], within_s=REPLY_S)
    [thread] = [t for t in fake.threads() if t["parent_id"] == channel["id"]]
    await fake.wait_for_messages(thread["id"], 2, within_s=REPLY_S)
    await fake.user_message(user, thread, CONTRACT_ANSWER)
    card = (await fake.wait_for_messages(thread["id"], 3, within_s=REPLY_S))[-1]
    while not card["embeds"]:  # the coach may follow up first: end it
        await fake.user_message(user, thread, "end")
        card = (await fake.wait_for_messages(thread["id"], len(fake.sent_in(thread["id"])) + 1, within_s=REPLY_S))[-1]
    return thread


async def test_two_processes_split_the_shards_and_serve_each_event_once(database_url: str, tmp_path: Path) -> None:
    upgrade_database(database_url)  # the Procfile's release step, before the processes start
    async with FakeDiscord() as fake:
        channels = [fake.add_guild(f"on shard {n}", shard=(n, 4)) for n in range(4)]
        first = await _spawn(fake, tmp_path / "a", database_url, "0,1")
        second = await _spawn(fake, tmp_path / "b", database_url, "2-3")
        try:
            await fake.gateway.wait_sessions(4, within_s=60)
            assert sorted(i["shard"] for i in fake.gateway.identifies) == [[0, 4], [1, 4], [2, 4], [3, 4]]
            assert not any(r["path"] == "/gateway/bot" for r in fake.requests)  # the count is given, not looked up
            # Each process's READY and GUILD_CREATEs hold only the servers of its own shards.
            for process in (first, second):
                assert process.stdout is not None
                line = (await asyncio.wait_for(process.stdout.readline(), REPLY_S)).decode()
                assert line.startswith("Connected to Discord as coach in 2 server(s).")
            await fake.wait_until(lambda: fake.commands)
            puts = [r for r in fake.requests if r["method"] == "PUT" and r["path"].endswith("/commands")]
            assert len(puts) == 1  # only the process holding shard 0 publishes /mock-interview

            # A server on each process's shards: the interview runs in its thread, served by that process alone.
            alice, bob, carol = p.user("alice"), p.user("bob"), p.user("carol")
            threads = await asyncio.gather(
                _thread_interview(fake, alice, channels[1]), _thread_interview(fake, bob, channels[2])
            )
            for thread, number in zip(threads, (1, 2), strict=True):
                shard = next(s for s in fake.gateway.sessions.values() if s.shard == (number, 4))
                assert [e for e in shard.events if e["d"].get("channel_id") == thread["id"]]
                others = [s for s in fake.gateway.sessions.values() if s.shard != (number, 4)]
                assert not [e for s in others for e in s.events if e["d"].get("channel_id") == thread["id"]]

            # A DM reaches shard 0 alone (as Discord routes DMs): one process serves it, once.
            dm = fake.open_dm(carol)
            await asyncio.wait_for(scorecard_in_dm(fake, carol, dm), REPLY_S * 2)
            await asyncio.sleep(0.5)  # time for a second process to (wrongly) answer too
            sent = fake.sent_in(dm["id"])
            assert len({m["content"] for m in sent}) == len(sent), [m["content"][:40] for m in sent]
            assert sum(bool(m["embeds"]) for m in sent) == 1
            dm_events = [
                (s.shard, e) for s in fake.gateway.sessions.values() for e in s.events if e["t"] == "MESSAGE_CREATE"
            ]
            assert {shard for shard, e in dm_events if e["d"]["channel_id"] == dm["id"]} == {(0, 4)}
        finally:
            outs = [await stop(process) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert not any(fake.token in out + err for out, err in outs)

    # The shared database holds each interview once.
    service = make_service(database_url)
    try:
        for user in (alice, bob, carol):
            interviews = await store_of(service).interviews_of(platform="discord", user_id=user["id"])
            assert len(interviews) == 1 and interviews[0].ended_at is not None, user["username"]
    finally:
        await service.close()
