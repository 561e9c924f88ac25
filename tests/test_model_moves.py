"""The AI interviewer's moves: which need a model call, and what a move that asks the wrong question becomes.

The real openai SDK talks to the loopback fake server.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from core.domain.models import TurnKind
from core.domain.replies import ReplyKind
from tests.fakes.openai_server import FakeOpenAI
from tests.support import conv_for, planned, store_of
from tests.test_service_model import LONG_ANSWER, fake, model_service

__all__ = ["fake"]  # the fixture


def _moves(fake: FakeOpenAI) -> int:
    return sum(
        (r["body"].get("response_format") or {}).get("json_schema", {}).get("name") == "interviewer_move"
        for r in fake.requests
    )


async def test_after_a_follow_up_the_plan_question_comes_without_a_call(tmp_path: Path, fake: FakeOpenAI) -> None:
    service = model_service(tmp_path, fake)
    conv = conv_for(f"u-{uuid.uuid4().hex[:6]}")
    try:
        await service.start(conv, role="data-science", questions=3)
        assert _moves(fake) == 0  # the plan's first question opens, as written
        follow = await service.answer(conv, "Duplicate keys, probably.")  # short: the fake follows up
        assert follow[-1].kind is ReplyKind.FOLLOW_UP and _moves(fake) == 1
        moved = await service.answer(conv, "Still duplicate keys.")  # short again, yet no second follow-up
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        assert moved[-1].kind is ReplyKind.QUESTION and _moves(fake) == 1
        assert interview.turns[-1].question == planned(service.catalog.get("data-science"), interview, 1).text
        assert [t.kind for t in interview.turns] == [TurnKind.QUESTION, TurnKind.FOLLOW_UP, TurnKind.QUESTION]
        await service.answer(conv, LONG_ANSWER)  # a main answer: the model chooses again
        assert _moves(fake) == 2
        follow = await service.answer(conv, "Simpson's paradox?")  # question 3 of 3, followed up
        assert follow[-1].kind is ReplyKind.FOLLOW_UP and _moves(fake) == 3
        hinted = await service.command(conv, "hint")  # a hint after the follow-up is the model's to write
        assert hinted[-1].kind is ReplyKind.HINT and _moves(fake) == 4
        ended = await service.answer(conv, "Weights changed.")  # then no second follow-up: the plan is done
        assert ended[-1].kind is ReplyKind.SCORECARD and _moves(fake) == 4
    finally:
        await service.close()


async def test_a_next_question_that_is_not_the_planned_one_is_replaced_by_it(tmp_path: Path, fake: FakeOpenAI) -> None:
    service = model_service(tmp_path, fake)
    conv = conv_for(f"u-{uuid.uuid4().hex[:6]}")
    moves = 0

    def first_move_asks_nothing(body: dict) -> str:
        nonlocal moves
        if (body.get("response_format") or {}).get("json_schema", {}).get("name") == "interviewer_move":
            moves += 1
            if moves == 1:  # what SmolLM2-135M wrote for a move: the right action, no question at all
                return '{"action": "next_question", "message": "Your question has been answered.", "note": ""}'
        return fake.default_responder(body)

    fake.responder = first_move_asks_nothing
    try:
        await service.start(conv, role="data-science", questions=3)
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        pack = service.catalog.get("data-science")
        second = planned(pack, interview, 1).text
        moved = await service.answer(conv, LONG_ANSWER * 2)
        assert moved[-1].kind is ReplyKind.QUESTION and second in moved[-1].text and "answered" not in moved[-1].text
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None and interview.turns[1].question == second
        # A model that wraps the planned question in words of its own is kept as it wrote it.
        moved = await service.answer(conv, LONG_ANSWER * 2)
        assert "Fake question" in moved[-1].text and planned(pack, interview, 2).text in moved[-1].text
    finally:
        await service.close()
