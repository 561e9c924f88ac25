"""Two workers on one database get every event of the same interviews, at once: one reply each, nothing lost."""

from __future__ import annotations

import asyncio
import random

from core.domain.models import InterviewStatus
from core.domain.replies import Reply
from core.interview.service import InterviewService
from tests.support import conv_for, find_interview, make_service

ANSWERS = 6
INTERVIEWS = 8


def _worker(database_url: str, seed: int) -> InterviewService:
    """A worker as a separate process has it: its own engine, connections, threads and locks."""
    return make_service(database_url, seed=seed)


async def test_events_delivered_to_both_workers_are_served_once_in_order(database_url: str) -> None:
    workers = [_worker(database_url, 1), _worker(database_url, 2)]
    rng = random.Random(5)
    try:
        convs = [conv_for(f"two-{n}-{rng.random()}", platform="slack") for n in range(INTERVIEWS)]
        for conv in convs:
            await workers[0].start(conv, role="human-resources", questions=ANSWERS)
        replies_per_event: list[int] = []

        async def candidate(n: int) -> None:
            conv = convs[n]
            for k in range(ANSWERS):
                text = f"Answer {k} of candidate {n}: I would listen first, then act, because trust matters here."
                # Socket Mode spreads one event over connections: both workers get it at the same moment.
                both = await asyncio.gather(
                    *(w.answer(conv, text, event_id=f"ev-{n}-{k}") for w in rng.sample(workers, 2))
                )
                replies_per_event.append(sum(1 for replies in both if _question_or_card(replies)))

        await asyncio.gather(*(candidate(n) for n in range(INTERVIEWS)))
        for worker in workers:
            await worker.drain()
        assert replies_per_event == [1] * (INTERVIEWS * ANSWERS)  # exactly one worker replied to each event
        for n, conv in enumerate(convs):
            interview = await find_interview(workers[1], (await workers[1].history(user_id=conv.user_id))[0].id)
            answers = [t.answer for t in interview.turns if t.answer is not None]
            assert [a.split(":")[0] for a in answers] == [f"Answer {k} of candidate {n}" for k in range(len(answers))]
            assert len(answers) == ANSWERS  # every answer stored once
            assert [t.seq for t in interview.turns] == list(range(1, len(interview.turns) + 1))
            assert interview.status in (InterviewStatus.ACTIVE, InterviewStatus.COMPLETED)
    finally:
        for worker in workers:
            await worker.close()


def _question_or_card(replies: list[Reply]) -> bool:
    return any(r.is_question or r.scorecard is not None for r in replies)
