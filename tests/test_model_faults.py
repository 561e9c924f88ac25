"""A model that fails one call in five at random: every interview still completes, and nothing is lost."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from core.domain.models import Interview
from core.domain.replies import ReplyKind
from core.interview.service import InterviewService
from tests.fakes.openai_server import FakeOpenAI
from tests.support import conv_for, make_service, store_of

ANSWER = (
    "I would start from the goal and the metric, then check the data and agree a baseline with the team. For example, "
    "a feature once leaked the label, so we removed it and used time-based validation, and the model still won."
)
INTERVIEWS = 12


async def test_every_interview_completes_when_a_fifth_of_model_calls_fail(tmp_path: Path) -> None:
    async with FakeOpenAI(fault_rate=0.2, seed=11, hang_seconds=2.0, retry_after=0.05) as fake:
        service = make_service(
            f"sqlite:///{tmp_path / 'faults.db'}",
            OPENAI_API_KEY="sk-test",
            OPENAI_BASE_URL=fake.base_url,
            MOCK_INTERVIEW_MODEL_TIMEOUT=0.5,
            MOCK_INTERVIEW_MODEL_RETRIES=1,
            MOCK_INTERVIEW_TURN_DEADLINE=3,
        )
        try:
            results = await asyncio.gather(*(_interview(service, n) for n in range(INTERVIEWS)))
        finally:
            await service.close()
    for answers_sent, _errors, slowest, interview in results:
        assert interview.status.value == "completed"
        stored = [t.answer for t in interview.turns if t.answer is not None]
        assert stored == [f"{ANSWER} ({n})" for n in range(answers_sent)]  # every answer kept, in order, once
        assert all(t.grade is not None for t in interview.turns if t.answer is not None)
        assert slowest < 4.0  # told within the turn deadline (3 s), never left waiting
    # The faults really happened (the SDK's retries, the offline fallback and `retry` absorbed them).
    assert sum(1 for r in fake.requests if r["fault"]) >= 10


async def _interview(service: InterviewService, n: int) -> tuple[int, int, float, Interview]:
    conv = conv_for(f"fault-{n}")
    replies = await service.start(conv, role="data-science", questions=3)
    interview_id = next(r.interview_id for r in replies if r.interview_id)
    sent = errors = 0
    slowest = 0.0
    for _ in range(40):
        last = replies[-1] if replies else None
        if last is not None and last.kind is ReplyKind.SCORECARD:
            break
        started = time.perf_counter()
        if last is not None and last.kind is ReplyKind.ERROR and "retry" in last.actions:
            errors += 1
            replies = await service.command(conv, "retry")
        else:
            replies = await service.answer(conv, f"{ANSWER} ({sent})", event_id=f"{n}-{sent}")
            sent += 1
        slowest = max(slowest, time.perf_counter() - started)
    interview = await store_of(service).get_interview(interview_id)
    assert interview is not None
    return sent, errors, slowest, interview
