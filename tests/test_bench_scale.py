"""bench.scale's count of lost and doubled replies, bench.slack's round-robin, and the floor app answering a turn."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bench.common import client_session, free_port, stop, wait_healthy
from bench.scale import tally
from bench.slack import Candidate, TimedSlack, Workers, app_env, spawn_app
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import event_callback, form_body, slash_command, thread_reply

THREAD = "1800000000.000100"


def _question(seq: int, *, item: str | None = None) -> dict[str, Any]:
    actions = {"type": "actions", "elements": [{"type": "button", "value": f"i1:{seq}"}]}
    metadata = {"event_type": "mock_interview_reply", "event_payload": {"item": item or f"i1:ask:{seq}", "part": 0}}
    return {"ts": f"18{seq}", "thread_ts": THREAD, "blocks": [actions], "metadata": metadata}


def _candidate(fake: TimedSlack, answers: int) -> Candidate:
    person = Candidate(0, workers=Workers(["http://w1"]), fake=fake, http=None)  # type: ignore[arg-type]
    person.thread_ts, person.answers = THREAD, answers
    return person


def test_tally_counts_an_answer_without_its_question_as_lost() -> None:
    fake = TimedSlack()
    intro = {"ts": "170", "thread_ts": THREAD, "blocks": []}  # before the first question: answers nothing
    fake.messages["C000000"] = [{"ts": THREAD}, intro, _question(1), _question(2)]
    assert tally(fake, [_candidate(fake, answers=1)]) == {"lost": 0, "doubled": 0}
    assert tally(fake, [_candidate(fake, answers=3)]) == {"lost": 2, "doubled": 0}


def test_tally_counts_a_turn_or_an_outbox_item_posted_twice_as_doubled() -> None:
    fake = TimedSlack()
    again = {**_question(2, item="i1:ask:2-other"), "ts": "185"}  # a second question for the same turn
    fake.messages["C000000"] = [_question(1), _question(2), again, {**_question(3), "ts": "186"}, _question(3)]
    assert tally(fake, [_candidate(fake, answers=2)]) == {"lost": 0, "doubled": 2}


def test_tally_counts_a_reply_to_no_answer_as_doubled_but_not_the_scorecard_with_its_chart() -> None:
    fake = TimedSlack()
    note = {"ts": "190", "thread_ts": THREAD, "blocks": [], "metadata": None}
    scorecard, chart = {**note, "ts": "191"}, {"ts": "192", "thread_ts": THREAD, "files": [{"id": "F1"}]}
    fake.messages["C000000"] = [_question(1), note, _question(2)]
    assert tally(fake, [_candidate(fake, answers=1)]) == {"lost": 0, "doubled": 1}
    fake.messages["C000000"] = [_question(1), _question(2), scorecard, chart]
    assert tally(fake, [_candidate(fake, answers=2)]) == {"lost": 0, "doubled": 0}


def test_requests_go_to_the_workers_in_turn_and_a_retry_to_the_other() -> None:
    workers = Workers(["http://a", "http://b"], retries=True)
    assert [workers.next() for _ in range(3)] == [
        ("http://a/slack/events", "http://b/slack/events"),
        ("http://b/slack/events", "http://a/slack/events"),
        ("http://a/slack/events", "http://b/slack/events"),
    ]


def test_the_floor_app_opens_a_thread_and_answers_each_reply_with_one_model_call_and_one_question() -> None:
    async def scenario() -> None:
        fake = TimedSlack()
        async with FakeOpenAI() as model, fake, client_session() as http:
            port = free_port()
            env = app_env(database_url="sqlite://", model_url=model.base_url, slack_url=fake.base_url)
            process = spawn_app("floor", port, env)
            try:
                await wait_healthy(http, f"http://127.0.0.1:{port}", within=30)
                person = Candidate(0, workers=Workers([f"http://127.0.0.1:{port}"]), fake=fake, http=http)
                fields = slash_command("data-science", user=person.user, channel=person.channel, response_url="")
                await person.post(form_body(fields), "application/x-www-form-urlencoded")
                thread_ts = await asyncio.wait_for(fake.parents[person.channel].get(), 10)
                arrivals = fake.arrivals[(person.channel, thread_ts)]
                await asyncio.wait_for(arrivals.get(), 10)
                reply = thread_reply("An answer.", user=person.user, channel=person.channel, thread_ts=thread_ts)
                await person.post(json.dumps(event_callback(reply)).encode(), "application/json", event=True)
                await asyncio.wait_for(arrivals.get(), 10)
                assert len(fake.thread(person.channel, thread_ts)) == 2
                assert model.answered == 1
            finally:
                await stop(process, within=10)

    asyncio.run(scenario())
