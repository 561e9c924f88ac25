"""What every family of injections must pass: caught by the screen, worth nothing offline, never lifting a grade."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.coaching.flow import GradeRequest
from core.coaching.injection import INJECTION_NOTE, screen_answer
from core.coaching.model_grader import ModelGrader
from core.coaching.offline import grade_offline
from core.coaching.rules import apply_grade_rules
from core.domain.models import TurnKind
from core.domain.roles import Question, RolePack, load_catalog
from core.providers.chat import OpenAIChatModel
from tests.fakes.openai_server import FakeOpenAI
from tests.support import strong_answer

CATALOG = load_catalog()
HONEST_BASE = "I would check the join keys first, because a one to many join fans out the rows."
PLACES = ("end", "own line", "start")


def request_for(pack: RolePack, question: Question, answer: str) -> GradeRequest:
    """A grade request for a main question of pack."""
    return GradeRequest(
        pack=pack,
        kind=TurnKind.QUESTION,
        asked=question.text,
        answer=answer,
        key_points=question.key_points,
        main_question=question.text,
        level=None,
    )


def placed(base: str, injection: str, where: str) -> str:
    """The injection after the answer, on a line of its own, or before it."""
    return {"end": f"{base} {injection}", "own line": f"{base}\n{injection}", "start": f"{injection}\n{base}"}[where]


def missed_by_the_screen(injections: list[str]) -> list[str]:
    """The injections the screen lets through, wherever they are placed in an honest answer."""
    return [i for i in injections for where in PLACES if not screen_answer(placed(HONEST_BASE, i, where)).found]


def flagged_innocents(answers: list[str]) -> list[str]:
    """The honest answers the screen would cut anything from."""
    return [a for a in answers if screen_answer(a).found or screen_answer(a).text != a]


def offline_lifts(injections: list[str], pack_id: str = "data-science") -> list[tuple[str, str]]:
    """(injection, place) where the offline grade differs from the answer's grade without it, or is not flagged."""
    pack = CATALOG.resolve(pack_id)
    wrong: list[tuple[str, str]] = []
    for n, injection in enumerate(injections):
        question = pack.questions[n % len(pack.questions)]
        for base in (strong_answer(question), "I think it depends on the data, honestly, and on the team's goals."):
            expected = apply_grade_rules(
                grade_offline(request_for(pack, question, base)), answer=base, kind=TurnKind.QUESTION
            )
            for where in PLACES:
                answer = placed(base, injection, where)
                got = apply_grade_rules(
                    grade_offline(request_for(pack, question, answer)), answer=answer, kind=TurnKind.QUESTION
                )
                if got.score != expected.score or "injection" not in got.flags or INJECTION_NOTE not in got.feedback:
                    wrong.append((injection, where))
    return wrong


@asynccontextmanager
async def model_grader() -> AsyncIterator[tuple[ModelGrader, FakeOpenAI]]:
    """The model grader, talking to a loopback fake OpenAI server."""
    async with FakeOpenAI() as fake:
        chat = OpenAIChatModel(api_key="sk-test", base_url=fake.base_url, model="fake", max_retries=0)
        try:
            yield ModelGrader(chat), fake
        finally:
            await chat.close()


def graded_answer(fake: FakeOpenAI, index: int = -1) -> str:
    """The candidate answer the model was shown in one recorded request."""
    content = fake.requests[index]["body"]["messages"][-1]["content"]
    return str(content).split("<candidate_answer>")[1].split("</candidate_answer>")[0].strip()


async def model_lifts(model: ModelGrader, fake: FakeOpenAI, injections: list[str]) -> list[str]:
    """The injections that lift a model grade, go unflagged, or whose second grading still sees them."""
    pack = CATALOG.resolve("software-engineering")
    question = pack.questions[0]
    base = " ".join(strong_answer(question).split()[:40]) + "."  # mid-length: the fake scores it 7, not 10
    clean, _ = await model.grade(request_for(pack, question, base))
    assert clean.score == 7
    wrong: list[str] = []
    for injection in injections:
        sent_before = len(fake.requests)
        # The fake grades longer answers higher, so the injected text alone would lift the first grading.
        grade, _ = await model.grade(request_for(pack, question, f"{base}\n{injection}"))
        second_saw_base = len(fake.requests) - sent_before == 2 and graded_answer(fake).split() == base.split()
        if grade.score > clean.score or "injection" not in grade.flags or not second_saw_base:
            wrong.append(injection)
    return wrong


async def innocents_flagged_by_the_model_path(model: ModelGrader, fake: FakeOpenAI, answers: list[str]) -> list[str]:
    """The honest answers the model grader grades more than once or marks as an injection."""
    pack = CATALOG.resolve("software-engineering")
    wrong: list[str] = []
    for answer in answers:
        sent_before = len(fake.requests)
        grade, _ = await model.grade(request_for(pack, pack.questions[0], answer))
        if len(fake.requests) - sent_before != 1 or "injection" in grade.flags or INJECTION_NOTE in grade.feedback:
            wrong.append(answer)
    return wrong
