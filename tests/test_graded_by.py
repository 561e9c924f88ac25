"""Every score says who gave it: the AI model by name or the built-in coach, on every surface and in the report."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from bots.discord.render import scorecard_messages as discord_scorecard
from bots.slack.render import scorecard_messages as slack_scorecard
from bots.terminal.render import TerminalStyle, render_scorecard
from core.coaching.scorecard import SummaryText, build_scorecard
from core.domain.models import ConversationRef, Grade, Interview, InterviewStatus, Turn, TurnKind, UsageTotals
from core.interview.report import report_json, report_markdown, scorecard_markdown
from tests.fakes.openai_server import FakeOpenAI
from tests.support import conv_for, make_service, store_of

ANSWER = (
    "I would check the grain of both tables and the uniqueness of the join keys, because a one to many join fans out "
    "rows and double counts revenue; at my last job I aggregated first and reconciled against finance."
)


def _mixed_interview() -> Interview:
    conv = ConversationRef("terminal", "", "cli", None, "someone")
    interview = Interview(str(uuid.uuid4()), conv, "data-science", InterviewStatus.COMPLETED, planned_questions=2)
    by_model = Grade(score=7, feedback="Clear.", grader="model", model="gpt-4o-mini")
    by_coach = Grade(score=4, feedback="Partly.", grader="offline")
    interview.turns = [
        Turn(seq=1, kind=TurnKind.QUESTION, question="Q one?", question_index=0, answer="A one.", grade=by_model),
        Turn(seq=2, kind=TurnKind.QUESTION, question="Q two?", question_index=1, answer="A two.", grade=by_coach),
    ]
    return interview


def test_mixed_grades_say_who_graded_each_answer_on_every_surface() -> None:
    interview = _mixed_interview()
    card = build_scorecard(interview, role_title="Data Science", summary=SummaryText("Fine."))
    assert card.mixed_graders
    assert card.graded_by.startswith("Graded by the AI model gpt-4o-mini (1 answer) and the built-in coach (1 answer)")
    assert [i.grader for i in card.items] == ["AI model gpt-4o-mini", "built-in coach"]
    slack = json.dumps([m.blocks for m in slack_scorecard(card)])
    discord = json.dumps([m.embeds for m in discord_scorecard(card)])
    terminal = render_scorecard(card, TerminalStyle(color=False))
    markdown = scorecard_markdown(card)
    for shown in (slack, discord, terminal, markdown):
        assert "gpt-4o-mini (1 answer)" in shown
        assert shown.count("built-in coach") >= 2  # in the line at the top, and on the answer it graded
    document = report_json(interview, role_title="Data Science", usage=UsageTotals())
    assert [t["grader"] for t in document["turns"]] == ["AI model gpt-4o-mini", "built-in coach"]
    assert "built-in coach (1 answer)" in document["graded_by"]
    assert "graded by the built-in coach" in report_markdown(interview, role_title="Data Science", usage=UsageTotals())


def test_one_grader_is_named_once_at_the_top_and_not_on_every_answer() -> None:
    interview = _mixed_interview()
    interview.turns[1].grade = Grade(score=6, feedback="Good.", grader="model", model="gpt-4o-mini")
    card = build_scorecard(interview, role_title="Data Science", summary=SummaryText("Fine."))
    assert card.graded_by == "Graded by the AI model gpt-4o-mini." and not card.mixed_graders
    assert render_scorecard(card, TerminalStyle(color=False)).count("gpt-4o-mini") == 1


def test_a_grade_stored_before_names_were_kept_reads_as_the_ai_model() -> None:
    stored = Grade(score=5, feedback="ok").to_dict()
    del stored["model"]
    assert Grade.from_dict(stored).model is None
    interview = _mixed_interview()
    interview.turns[0].grade = Grade.from_dict(stored)
    card = build_scorecard(interview, role_title="Data Science", summary=SummaryText(""))
    assert card.items[0].grader == "AI model"


async def test_the_model_names_itself_on_a_real_interviews_grades(tmp_path: Path) -> None:
    async with FakeOpenAI() as fake:
        service = make_service(
            f"sqlite:///{tmp_path / 'named.db'}",
            OPENAI_API_KEY="sk-test-not-a-real-key",
            OPENAI_BASE_URL=fake.base_url,
            MOCK_INTERVIEW_MODEL="tiny-grader-1",
        )
        conv = conv_for(f"u-{uuid.uuid4().hex[:6]}")
        try:
            await service.start(conv, role="data-science", questions=1)
            replies = []
            while not replies or replies[-1].scorecard is None:
                replies = await service.answer(conv, ANSWER * 2)
            card = replies[-1].scorecard
            assert card is not None and card.graded_by == "Graded by the AI model tiny-grader-1."
            interview = await store_of(service).get_interview(card.interview_id)
            assert interview is not None
            assert {t.grade.model for t in interview.turns if t.grade} == {"tiny-grader-1"}
        finally:
            await service.close()


async def test_the_built_in_coach_says_so(tmp_path: Path) -> None:
    service = make_service(f"sqlite:///{tmp_path / 'builtin.db'}")
    conv = conv_for(f"u-{uuid.uuid4().hex[:6]}")
    try:
        await service.start(conv, role="data-science", questions=1)
        replies = []
        while not replies or replies[-1].scorecard is None:
            replies = await service.answer(conv, ANSWER)
        card = replies[-1].scorecard
        assert card is not None and card.graded_by == "Graded by the built-in coach."
    finally:
        await service.close()
