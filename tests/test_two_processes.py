"""Two real `mock-interview slack --http` processes on one PostgreSQL database, every event sent to both.

As behind a load balancer that retries on another node (or Socket Mode spreading events over connections): each
request reaches both processes, at the same moment or as a retry a little later, while several interviews run at
once. The database alone decides who answers.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core.domain.models import InterviewStatus
from db.migrate import upgrade_database
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import event_callback, form_body, signed_headers, slash_command, thread_reply
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.process_support import free_port, process_env, spawn_slack_http, stop, wait_healthy
from tests.slack_support import FORM, block_text, is_question, is_scorecard
from tests.support import find_interview, make_service

SECRET = "two-processes-signing-secret"
INTERVIEWS = 4
MOST_ANSWERS = 5  # then "end", if the interview has not finished on its own
REPLY_S = 20  # the longest a reply may take with both processes busy
QUIET_S = 0.5


@pytest.fixture
def database(postgres_databases: Any) -> Iterator[str]:
    """A migrated PostgreSQL database of this test alone: several processes only ever share PostgreSQL."""
    url = postgres_databases.create()
    try:
        upgrade_database(url)
        yield url
    finally:
        postgres_databases.drop(url)


@dataclass
class Candidate:
    """One person's interview as the test drove it."""

    user: str
    channel: str
    thread_ts: str = ""
    answers: list[str] = field(default_factory=list)
    questions_after_answers: int = 0


class Nodes:
    """The two processes' /slack/events URLs, and a way to send one request to both."""

    def __init__(self, http: aiohttp.ClientSession, urls: list[str], rng: random.Random) -> None:
        self.http, self.urls, self.rng = http, urls, rng

    async def both(self, body: bytes, content_type: str) -> None:
        """Send body to both processes: together, or to one and then, as a retry, to the other."""
        first, second = self.rng.sample(self.urls, 2)
        if self.rng.random() < 0.5:
            await asyncio.gather(self._post(first, body, content_type), self._post(second, body, content_type, 1))
        else:
            await self._post(first, body, content_type)
            await asyncio.sleep(self.rng.uniform(0.05, 0.5))
            await self._post(second, body, content_type, 1)

    async def _post(self, url: str, body: bytes, content_type: str, retry: int = 0) -> None:
        headers = signed_headers(SECRET, body, content_type=content_type)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        async with self.http.post(url, data=body, headers=headers) as response:
            assert response.status == 200, await response.text()


async def _interview(n: int, nodes: Nodes, fake: FakeSlack) -> Candidate:
    """Start one interview through both processes and answer it until its scorecard."""
    tag = uuid.uuid4().hex[:6].upper()
    who = Candidate(f"U2P{n}{tag}", f"C2P{n}{tag}")
    url = fake.response_url(who.user)
    fields = slash_command("hr questions=4", user=who.user, channel=who.channel, response_url=url)
    await nodes.both(form_body(fields), FORM)
    await fake.wait_for(lambda: any(is_question(m) for m in fake.messages.get(who.channel, [])), within=REPLY_S)
    who.thread_ts = next(m["ts"] for m in fake.messages[who.channel] if "thread_ts" not in m)
    for k in range(MOST_ANSWERS + 1):
        text = f"Answer {k} of candidate {n}: I listen first, then act on the facts." if k < MOST_ANSWERS else "end"
        seen = len(fake.thread(who.channel, who.thread_ts))
        event = thread_reply(text, user=who.user, channel=who.channel, thread_ts=who.thread_ts)
        await nodes.both(json.dumps(event_callback(event)).encode(), "application/json")

        def replied(seen: int = seen) -> bool:
            return any(is_question(m) or is_scorecard(m) for m in fake.thread(who.channel, who.thread_ts)[seen:])

        await fake.wait_for(replied, within=REPLY_S)
        new = fake.thread(who.channel, who.thread_ts)[seen:]
        who.answers += [text] if k < MOST_ANSWERS else []
        if any(is_scorecard(m) for m in new):
            return who
        who.questions_after_answers += 1
        await asyncio.sleep(nodes.rng.uniform(0, 0.2))  # reading the question
    raise AssertionError(f"candidate {n} never got a scorecard")


async def _quiet(fake: FakeSlack) -> None:
    """Wait until neither process has called the fake for QUIET_S."""
    while True:
        seen = len(fake.calls) + len(fake.responses)
        await asyncio.sleep(QUIET_S)
        if seen == len(fake.calls) + len(fake.responses):
            return


async def test_two_processes_answer_each_event_once_and_finish_every_interview(database: str, tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    async with FakeSlack() as fake, FakeOpenAI(latency=(0.1, 0.4), seed=11) as openai:
        env = process_env(
            tmp_path,
            DATABASE_URL=database,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
            OPENAI_API_KEY="sk-test-not-a-real-key",
            OPENAI_BASE_URL=openai.base_url,
        )
        processes = [await spawn_slack_http(env, port=port, cwd=tmp_path) for port in ports]
        try:
            async with asyncio.timeout(50), aiohttp.ClientSession() as http:
                for port in ports:
                    await wait_healthy(http, f"http://127.0.0.1:{port}/healthz")
                nodes = Nodes(http, [f"http://127.0.0.1:{port}/slack/events" for port in ports], random.Random(4))
                candidates = await asyncio.gather(*(_interview(n, nodes, fake) for n in range(INTERVIEWS)))
                await _quiet(fake)
        finally:
            outputs = [await stop(process) for process in processes]
        for process, (_, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0 and "Traceback" not in err, err

        for who in candidates:
            posted = fake.messages[who.channel]
            assert len([m for m in posted if "thread_ts" not in m]) == 1  # one parent: the command ran once
            thread = fake.thread(who.channel, who.thread_ts)
            assert sum(is_question(m) for m in thread) == 1 + who.questions_after_answers  # one reply per answer
            assert sum(is_scorecard(m) for m in thread) == 1
            assert not any(block_text(m).startswith(":warning:") for m in thread)
            assert [r for r in fake.responses if r["key"] == who.user] == []
        await _check_stored(database, candidates)


async def _check_stored(database: str, candidates: list[Candidate]) -> None:
    """Each answer stored once, in order, graded; no gap in the turns; every interview completed."""
    service = make_service(database)
    try:
        for who in candidates:
            [row] = await service.history(user_id=who.user, platform="slack")
            interview = await find_interview(service, row.id, user_id=who.user)
            assert interview.status is InterviewStatus.COMPLETED
            answered = [t for t in interview.turns if t.answer is not None]
            assert [t.answer for t in answered] == who.answers
            assert all(t.grade is not None for t in answered)
            assert [t.seq for t in interview.turns] == list(range(1, len(interview.turns) + 1))
    finally:
        await service.close()
