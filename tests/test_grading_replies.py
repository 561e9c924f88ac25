"""The model grader replaying recorded grading replies from the fake model (tests/data/grading_replies/*.json).

Each file holds an answer to the first software-engineering question (how a hash map works) and one reply a model
gave for it, as the server's message content. The score always comes from our rule, never from the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.coaching.injection import INJECTION_NOTE
from core.coaching.offline import grade_offline
from core.coaching.rules import apply_grade_rules, clamp_score
from core.domain.models import Grade, TurnKind
from core.providers.chat import OpenAIChatModel
from tests.fakes.openai_server import FakeOpenAI
from tests.injection_support import CATALOG, model_grader, request_for

REPLIES = Path(__file__).parent / "data" / "grading_replies"
PACK = CATALOG.resolve("software-engineering")
QUESTION = PACK.questions[0]
DEPTH_QUOTE = "In our payments service we saw p99 latency jump"


def recorded(name: str) -> dict[str, Any]:
    """One recorded reply with the answer it was given for."""
    data: dict[str, Any] = json.loads((REPLIES / f"{name}.json").read_text("utf-8"))
    return data


async def replay(name: str) -> tuple[Grade, FakeOpenAI]:
    """The grade the model grader makes of the recorded answer when the model sends the recorded reply."""
    case = recorded(name)
    async with model_grader() as (model, fake):
        fake.enqueue_content(json.dumps(case["reply"]))
        grade, _ = await model.grade(request_for(PACK, QUESTION, case["answer"]))
    return apply_grade_rules(grade, answer=case["answer"], kind=TurnKind.QUESTION), fake


def builtin_score(name: str) -> int:
    """What the built-in coach scores the recorded answer."""
    answer = recorded(name)["answer"]
    grade = grade_offline(request_for(PACK, QUESTION, answer))
    return apply_grade_rules(grade, answer=answer, kind=TurnKind.QUESTION).score


async def test_every_criterion_judged_gives_the_rules_score_not_the_models_own_total() -> None:
    grade, fake = await replay("criteria_full")
    # coverage 2, depth 3, structure 2: 6 + 6 + 2 = 14 of 18 points -> 8; the reply's "overall_score" 10 is ignored.
    assert grade.score == 8
    assert grade.grader == "model" and not grade.flags
    assert grade.evidence == (
        "hash function to get a bucket index",
        "chain them in a list or probe for the next free slot",
        DEPTH_QUOTE,
    )
    assert grade.feedback.startswith("You explain hashing") and grade.improvement.startswith("Explain resizing")
    assert len(fake.requests) == 1


async def test_levels_sent_as_strings_count_as_numbers() -> None:
    grade, _ = await replay("criteria_string_levels")
    assert grade.score == 8 and grade.grader == "model"


async def test_criteria_left_out_are_left_out_of_the_sum() -> None:
    grade, fake = await replay("criteria_missing")
    assert grade.score == 7  # coverage 2 alone: 6 of 9 points
    assert grade.grader == "model" and len(fake.requests) == 1


async def test_a_reply_that_does_not_judge_coverage_is_graded_by_the_built_in_coach() -> None:
    grade, fake = await replay("criteria_without_coverage")
    assert grade.grader == "offline"  # so the scorecard never passes it off as the model's
    assert grade.score == builtin_score("criteria_without_coverage")
    assert grade.covered  # the built-in coach's own account of the key points
    assert len(fake.requests) == 1


async def test_quotes_that_are_not_in_the_answer_are_dropped_and_earn_nothing() -> None:
    grade, _ = await replay("ungrounded_evidence")
    assert grade.evidence == (DEPTH_QUOTE,)
    # coverage 3 with no quote from the answer counts as 1: 3 + 6 + 2 = 11 of 18 -> 6.5 -> 7, not 9
    assert grade.score == 7


async def test_an_older_reply_with_one_score_as_a_string_still_counts() -> None:
    grade, _ = await replay("legacy_string_score")
    assert grade.score == 6 and grade.grader == "model"
    assert grade.evidence == ("a hash function",)


async def test_a_reply_with_no_usable_score_is_graded_by_the_built_in_coach() -> None:
    grade, _ = await replay("no_usable_score")
    assert grade.grader == "offline" and grade.score == builtin_score("no_usable_score")


async def test_a_reply_without_any_score_is_asked_for_again_and_the_turn_goes_on() -> None:
    case = recorded("criteria_full")
    reply = {k: v for k, v in case["reply"].items() if k != "score"}
    async with model_grader() as (model, fake):
        fake.enqueue_content(json.dumps(reply))
        grade, _ = await model.grade(request_for(PACK, QUESTION, case["answer"]))
    assert len(fake.requests) == 2  # the client asks once more for a whole object; the fake's own reply stands
    assert grade.grader == "model" and clamp_score(grade.score) == min(10, 2 + len(case["answer"].split()) // 8)


async def test_the_fake_model_judges_each_criterion_when_our_prompt_asks_for_it() -> None:
    answer = recorded("criteria_full")["answer"]
    async with model_grader() as (model, fake):
        grade, _ = await model.grade(request_for(PACK, QUESTION, answer))
        reply = _reply_content(fake)
    assert set(reply["score"]) == {"coverage", "depth", "structure"}
    assert grade.score == min(10, 2 + len(answer.split()) // 8)


async def test_every_answer_is_graded_in_a_fresh_context() -> None:
    first, second = recorded("criteria_full")["answer"], "I would use a balanced tree instead of a hash map here."
    async with model_grader() as (model, fake):
        await model.grade(request_for(PACK, QUESTION, first))
        await model.grade(request_for(PACK, QUESTION, second))
    later = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in later] == ["system", "user"]
    assert DEPTH_QUOTE not in json.dumps(later)  # nothing of the earlier answer or its grade comes along
    assert fake.requests[0]["body"]["messages"][0] == later[0]  # the same system prompt: a cacheable prefix
    assert [r["body"]["temperature"] for r in fake.requests] == [0, 0]  # judged, not sampled


async def test_other_calls_keep_the_clients_own_temperature() -> None:
    async with FakeOpenAI() as fake:
        chat = OpenAIChatModel(api_key="sk-test", base_url=fake.base_url, model="fake", max_retries=0)
        try:
            schema = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
            hello = [{"role": "user", "content": "hi"}]
            await chat.complete_json(purpose="interviewer", messages=hello, schema_name="move", schema=schema)
        finally:
            await chat.close()
    assert fake.requests[-1]["body"]["temperature"] == 0.3


def _reply_content(fake: FakeOpenAI) -> dict[str, Any]:
    """What the fake would answer to the last grading request it received."""
    content = fake.default_responder(fake.requests[-1]["body"])
    data: dict[str, Any] = json.loads(content)
    return data


async def test_a_flag_in_a_reply_with_no_usable_score_still_reaches_the_candidate() -> None:
    case = recorded("no_usable_score")
    async with model_grader() as (model, fake):
        fake.enqueue_content(json.dumps({**case["reply"], "injection_detected": True}))
        grade, _ = await model.grade(request_for(PACK, QUESTION, case["answer"]))
    assert "injection" in grade.flags and INJECTION_NOTE in grade.feedback
    assert grade.score <= builtin_score("no_usable_score")  # the flag never lifts the built-in coach's score
