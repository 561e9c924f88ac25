"""kill -9 at each step of a turn, in Slack HTTP mode and in the terminal: after a restart every interview goes on.

Each case stops a real bot process with SIGKILL at one point of a turn, held there by the fakes (a Slack call or a
model call that never answers), then starts a new process on the same database. The pending reply must arrive
once, the answer must be stored once and graded, and the interview must reach its scorecard.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from db.engine import create_db_engine
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import event_callback, form_body, signed_headers, slash_command, thread_reply
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.process_support import free_port, process_env, spawn_slack_http, stop, wait_healthy
from tests.slack_support import FORM, block_text, is_question, is_scorecard

pytestmark = pytest.mark.timeout(120)

SECRET = "crash-signing-secret"
CHANNEL = "C0CRASH"
RECOVER_AFTER_S = "1"  # how long the new process waits before taking over what the killed one left
ANSWER = "I would use k-fold cross-validation, compare against a simple baseline and watch the variance."


def _env(home: Path, database_url: str, fake: FakeSlack, openai: FakeOpenAI) -> dict[str, str]:
    return process_env(
        home,
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.base_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        OPENAI_BASE_URL=openai.base_url,
        MOCK_INTERVIEW_RECOVER_AFTER=RECOVER_AFTER_S,
    )


def _answers(database_url: str) -> list[tuple[int, str | None, bool]]:
    """(seq, answer, graded) of every turn in the database."""
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT seq, answer, graded_at IS NOT NULL FROM turns ORDER BY interview_id, seq")
            return [(seq, answer, bool(graded)) for seq, answer, graded in conn.execute(query)]
    finally:
        engine.dispose()


class SlackBotProcess:
    """One `mock-interview slack --http` process and how to talk to it as Slack would."""

    def __init__(self, env: dict[str, str], home: Path) -> None:
        self._env, self._home = env, home
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, http: aiohttp.ClientSession) -> None:
        self.process = await spawn_slack_http(self._env, cwd=self._home, port=self.port)
        await wait_healthy(http, f"http://127.0.0.1:{self.port}/healthz")

    async def post(self, http: aiohttp.ClientSession, body: bytes, content_type: str) -> None:
        headers = signed_headers(SECRET, body, content_type=content_type)
        async with http.post(f"http://127.0.0.1:{self.port}/slack/events", data=body, headers=headers) as response:
            assert response.status == 200

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no cleanup, no finishing the reply in flight
        await self.process.communicate()


Crash = Callable[[FakeSlack, FakeOpenAI], Awaitable[None]]


def _hold_slack(method: str, *, after_doing_it: bool = False) -> Callable[[FakeSlack, FakeOpenAI], asyncio.Event]:
    def arm(fake: FakeSlack, openai: FakeOpenAI) -> asyncio.Event:
        return fake.hold_next(method, after_doing_it=after_doing_it)

    return arm


def _hold_model(fake: FakeSlack, openai: FakeOpenAI) -> asyncio.Event:
    openai.enqueue("timeout", "timeout")  # the grader's and the interviewer's calls both hang
    return openai.arrival_of(len(openai.requests) + 2)


STEPS = {
    # acknowledged and kept in the inbox, not yet stored as the answer (the bot is adding its reaction)
    "after_the_answer_arrived": _hold_slack("reactions.add"),
    # the answer stored, the grader and the interviewer waiting on the model
    "during_the_model_call": _hold_model,
    # the next question stored in the outbox, its post not yet made
    "after_the_reply_was_stored": _hold_slack("chat.postMessage"),
    # the next question posted, but the process died before hearing back (so it never marked it sent)
    "after_the_reply_was_posted": _hold_slack("chat.postMessage", after_doing_it=True),
}


# Every step on SQLite; on PostgreSQL the one that leaves the most to carry on (a move owed, an answer ungraded).
CASES = [("sqlite", step) for step in STEPS] + [("postgresql", "during_the_model_call")]


@pytest.fixture
def crash_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test alone, on the backend the case names."""
    if request.node.callspec.params["backend"] == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    databases = request.getfixturevalue("postgres_databases")
    url = databases.create()
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.mark.parametrize(("backend", "step"), CASES)
async def test_slack_http_killed_mid_turn_carries_on_after_a_restart(
    backend: str, step: str, crash_database_url: str, tmp_path: Path
) -> None:
    async with FakeSlack() as fake, FakeOpenAI(hang_seconds=60) as openai, aiohttp.ClientSession() as http:
        env = _env(tmp_path, crash_database_url, fake, openai)
        first, second = SlackBotProcess(env, tmp_path), SlackBotProcess(env, tmp_path)
        who = f"U{uuid.uuid4().hex[:8].upper()}"
        try:
            await first.start(http)
            command = slash_command("ds questions=2", user=who, channel=CHANNEL, response_url=fake.response_url(who))
            await first.post(http, form_body(command), FORM)
            await fake.wait_for(lambda: any(is_question(m) for m in fake.messages.get(CHANNEL, [])), within=20)
            thread_ts = next(m["ts"] for m in fake.messages[CHANNEL] if "thread_ts" not in m)

            def questions() -> list[dict]:
                return [m for m in fake.thread(CHANNEL, thread_ts) if is_question(m)]

            crash_point = STEPS[step](fake, openai)
            answer = thread_reply(ANSWER, user=who, channel=CHANNEL, thread_ts=thread_ts)
            await first.post(http, json.dumps(event_callback(answer)).encode(), "application/json")
            await asyncio.wait_for(crash_point.wait(), 20)
            await first.kill()

            await second.start(http)
            await fake.wait_for(lambda: len(questions()) >= 2, within=30)
            await asyncio.sleep(3 * float(RECOVER_AFTER_S))  # long enough for any second copy to show up
            texts = [block_text(m) for m in fake.thread(CHANNEL, thread_ts)]
            assert len(questions()) == 2, texts  # the pending question arrived, once
            assert len(texts) == len(set(texts)), texts  # no message doubled

            end = thread_reply("end", user=who, channel=CHANNEL, thread_ts=thread_ts)
            await second.post(http, json.dumps(event_callback(end)).encode(), "application/json")
            await fake.wait_for(lambda: any(is_scorecard(m) for m in fake.thread(CHANNEL, thread_ts)), within=30)
        finally:
            for bot in (first, second):
                if bot.process is not None and bot.process.returncode is None:
                    await stop(bot.process)
        turns = _answers(crash_database_url)
        assert [t for t in turns if t[1] is not None] == [(1, ANSWER, True)]  # stored once, and graded
        assert [t[0] for t in turns] == [1, 2]
        assert sum(is_scorecard(m) for m in fake.thread(CHANNEL, thread_ts)) == 1


class TerminalProcess:
    """`mock-interview practice` with its input and output piped, as a person at a terminal would use it."""

    def __init__(self, env: dict[str, str], home: Path) -> None:
        self._env, self._home = env, home
        self.output = ""
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bots.cli", "practice", "--role", "ds", "--questions", "2", "--user", "kim",
            cwd=self._home, env=self._env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip

    async def read_until(self, predicate: Callable[[str], bool], *, within: float = 30) -> None:
        assert self.process is not None and self.process.stdout is not None
        async with asyncio.timeout(within):
            while not predicate(self.output):
                chunk = await self.process.stdout.read(4096)
                if not chunk:
                    raise AssertionError(f"the program ended early:\n{self.output}")
                self.output += chunk.decode()

    async def say(self, line: str) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()


def _asked(output: str) -> int:
    return output.count("Question 1 of 2") + output.count("Question 2 of 2") + output.count("Follow-up")


async def test_terminal_killed_during_the_model_call_carries_on_when_started_again(tmp_path: Path) -> None:
    async with FakeOpenAI(hang_seconds=60) as openai:
        env = process_env(
            tmp_path,
            DATABASE_URL=f"sqlite:///{tmp_path / 'practice.db'}",
            OPENAI_API_KEY="sk-test-not-a-real-key",
            OPENAI_BASE_URL=openai.base_url,
        )
        first, second = TerminalProcess(env, tmp_path), TerminalProcess(env, tmp_path)
        try:
            await first.start()
            await first.read_until(lambda out: "Question 1 of 2" in out)
            crash_point = _hold_model(FakeSlack(), openai)
            await first.say(ANSWER)
            await asyncio.wait_for(crash_point.wait(), 20)
            assert first.process is not None
            first.process.kill()
            await first.process.wait()

            await second.start()
            await second.read_until(lambda out: _asked(out) >= 1)
            assert "Question 1 of 2" not in second.output  # not asked again: the owed next question comes
            await second.say("end")
            await second.read_until(lambda out: "Scorecard" in out or "scorecard" in out.lower())
            assert second.process is not None and second.process.stdin is not None
            second.process.stdin.close()
            await asyncio.wait_for(second.process.wait(), 30)
        finally:
            for run in (first, second):
                if run.process is not None and run.process.returncode is None:
                    run.process.kill()
                    await run.process.wait()
        assert _asked(second.output) == 1, second.output  # the pending question shown once
        turns = _answers(f"sqlite:///{tmp_path / 'practice.db'}")
        assert [t for t in turns if t[1] is not None] == [(1, ANSWER, True)]
