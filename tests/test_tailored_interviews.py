"""Interviews tailored to a posting or a résumé, through the service: the real store (SQLite and PostgreSQL), real
PDF and Word files, the real openai SDK against the loopback fake that answers the question-writing schema."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from core.domain.models import ConversationRef, InterviewStatus, TurnKind
from core.domain.replies import ReplyCode, ReplyKind, reply_from_data, reply_to_data
from core.domain.tailoring import TailorRequest, Upload
from core.interview.service import InterviewService
from tests.fakes.openai_responder import NOT_A_QUESTION
from tests.fakes.openai_server import FakeOpenAI
from tests.support import conv_for, make_service, store_of
from tests.tailoring_support import make_docx, make_pdf, make_scanned_pdf

POSTING = """Senior Data Scientist - Growth Analytics

Requirements
- Designing and analysing A/B tests and experiments
- Building churn and retention models
- Writing production SQL for feature pipelines
- Communicating results to non-technical stakeholders

Apply: jobs@growth.example.com or call +1 415 555 0100.
"""
RESUME = [
    "Jane Doe | jane.doe@mail.example.com | +44 20 7946 0958 | linkedin.com/in/janedoe",
    "12 Elm Street, Springfield, IL 62704",
    "Experience",
    "- Built a churn model that cut monthly churn by 8% across 2 million subscribers",
    "- Led the migration of 40 dashboards from Tableau to Looker in three months",
]
GERMAN = (
    "Wir suchen eine erfahrene Data Scientistin für unser Team in Berlin. Sie entwickeln Modelle und arbeiten mit "
    "den Fachabteilungen zusammen. Sie haben Erfahrung mit Python und SQL und sind sicher in der Statistik. "
    "Wir bieten ein tolles Team, flexible Arbeitszeiten und die Möglichkeit, im Homeoffice zu arbeiten."
)
ANSWER = (
    "First I would state a hypothesis and one primary metric with guardrails, randomise by user, and size the sample "
    "with a power analysis. For example, at my last job I built a churn model and measured it against a holdout."
)
PERSONAL = ("jane.doe@mail.example.com", "7946", "linkedin.com/in/janedoe", "Elm Street", "jobs@growth", "555 0100")


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def _conv() -> ConversationRef:
    return conv_for(f"tailor-{uuid.uuid4().hex[:8]}")


def _offline(database_url: str) -> InterviewService:
    return make_service(database_url)


def _with_model(database_url: str, fake: FakeOpenAI) -> InterviewService:
    return make_service(
        database_url,
        OPENAI_API_KEY="sk-test-not-a-real-key",
        OPENAI_BASE_URL=fake.base_url,
        MOCK_INTERVIEW_MODEL_TIMEOUT=5,
    )


async def test_the_built_in_coach_tailors_from_a_pdf_posting_and_a_word_resume(database_url: str) -> None:
    service = _offline(database_url)
    conv = _conv()
    request = TailorRequest(
        posting=Upload("posting.pdf", make_pdf([POSTING])),
        resume=Upload("jane-cv.docx", make_docx(RESUME)),
        questions=3,
    )
    try:
        started = await service.tailor(conv, request)
        intro, first = started[0], started[1]
        assert intro.code is ReplyCode.STARTED
        assert "tailored to the job posting and your résumé" in intro.text
        assert "closest role" in intro.text and "Data Science" in intro.text
        assert "Building churn and retention models" in intro.text
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None and interview.level == "senior"
        plan = interview.state["plan"]
        assert len(plan) == 3 and sum(qid.startswith("resume-") for qid in plan) == 1
        # The pack's A/B testing question leads: it matches the posting's first requirement best.
        assert "A/B test" in first.text
        # Nothing personal is stored, and neither document is: only requirements, claims and questions.
        stored = json.dumps(interview.state)
        assert not any(p in stored for p in PERSONAL)
        assert "cut monthly churn by 8%" in stored and "Jane Doe" not in stored
        replies = []
        for _ in range(12):
            if not await service.is_open(conv):
                break
            replies = await service.answer(conv, ANSWER)
        card = replies[-1].scorecard
        assert card is not None and card.fit and card.fit_lines[-1].startswith("Not reached: ")
        assert "Designing and analysing A/B tests and experiments: answer" in card.fit[0]
    finally:
        await service.close()


async def test_a_model_writes_questions_for_the_posting_and_our_checks_refuse_a_bad_one(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    service = _with_model(f"sqlite:///{tmp_path / 'tailor.db'}", fake)
    conv = _conv()
    resume = "\n".join(RESUME)
    try:
        started = await service.tailor(conv, TailorRequest(posting=POSTING, resume=resume, role="ds", questions=6))
        assert started[0].code is ReplyCode.STARTED and "closest role" not in started[0].text
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        own = interview.tailoring["questions"]
        written = [q for q in own if q["id"].startswith("posting-")]
        assert len(written) == 2  # half of the 4 posting questions (6 less 2 on the résumé)
        assert all(NOT_A_QUESTION not in q["text"] for q in own)  # the fake's bad item was refused
        assert interview.tailoring["probes"][written[0]["id"]] == written[0]["topic"]
        # What went to the model: the requirements, redacted; never the résumé or contact details.
        bodies = [json.dumps(r["body"]) for r in fake.requests]
        writer = [b for b in bodies if "tailored_questions" in b]
        assert len(writer) == 1 and "Building churn and retention models" in writer[0]
        assert not any(p in b for b in bodies for p in PERSONAL)
        assert not any("cut monthly churn" in b for b in writer)
        # A generated question is asked, answered and graded like a pack question.
        answers = 0
        replies = started
        while await service.is_open(conv) and answers < 20:
            replies = await service.answer(
                conv,
                "In my last role I built a churn model; the result was an 8% cut, measured against a holdout "
                "baseline, and I would change the feature pipeline now because it was slow.",
            )
            answers += 1
        card = replies[-1].scorecard
        assert card is not None
        assert any(line.startswith("your résumé: answer") for line in card.fit)
        assert any("Building churn and retention models" in line for line in card.fit + card.unreached)
        assert "Fit for the posting" in replies[-1].text
        assert reply_from_data(reply_to_data(replies[-1])) == replies[-1]  # as the outbox keeps it
        report = await service.report(card.interview_id, user_id=conv.user_id, platform=conv.platform)
        assert isinstance(report.document, dict)
        tailored = report.document["tailored"]
        assert tailored["from"] == ["posting", "resume"] and tailored["covered"] == list(card.fit)
    finally:
        await service.close()


async def test_a_model_that_fails_leaves_the_packs_best_matches_and_says_so(tmp_path: Path, fake: FakeOpenAI) -> None:
    service = make_service(
        f"sqlite:///{tmp_path / 'down.db'}",
        OPENAI_API_KEY="sk-test-not-a-real-key",
        OPENAI_BASE_URL=fake.base_url,
        MOCK_INTERVIEW_MODEL_RETRIES=0,
    )
    fake.enqueue("500")  # the question writer's call
    conv = _conv()
    try:
        started = await service.tailor(conv, TailorRequest(posting=POSTING, questions=3))
        assert started[0].code is ReplyCode.STARTED
        assert "could not write questions for this posting" in started[0].text
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None and not interview.tailoring["questions"]
    finally:
        await service.close()


async def test_when_every_written_question_fails_the_checks_the_intro_says_so(tmp_path: Path, fake: FakeOpenAI) -> None:
    service = _with_model(f"sqlite:///{tmp_path / 'refused.db'}", fake)
    pack_question = (
        "Walk me through how you would design an A/B test for a redesigned checkout button on an e-commerce site?"
    )
    bad = [
        {"question": pack_question, "key_points": ["power", "metric"], "hint": "Think of power.", "requirement": ""},
        {"question": "Why? How? When?", "key_points": ["a b c"], "hint": "", "requirement": "nothing listed"},
    ]
    fake.enqueue_content(json.dumps({"questions": bad}))
    conv = _conv()
    try:
        started = await service.tailor(conv, TailorRequest(posting=POSTING, questions=2))
        assert "did not pass my checks" in started[0].text
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None and interview.tailoring["questions"] == []
    finally:
        await service.close()


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (TailorRequest(), "Send me a job posting"),
        (TailorRequest(posting="   "), "is empty"),
        (TailorRequest(posting=GERMAN), "looks like it is in German"),
        (TailorRequest(posting=Upload("scan.pdf", make_scanned_pdf())), "looks like a scanned image"),
        (TailorRequest(posting=Upload("long.pdf", make_pdf([POSTING] * 50))), "a 50-page document"),
        (TailorRequest(posting=Upload("empty.docx", b"")), "is empty"),
        (TailorRequest(resume=Upload("cv.pdf", b"Jane Doe, data scientist")), "cv.pdf is not a PDF"),
        (TailorRequest(resume="\n".join(RESUME)), "A résumé alone doesn't tell me which job"),
        (TailorRequest(posting="Head chef for a busy kitchen, fresh pasta and sauces, weekend shifts."), "Name the"),
        (TailorRequest(posting=POSTING, role="astronaut"), "I don't know the role"),
        (TailorRequest(posting=POSTING, questions=40), "you asked for 40"),
    ],
)
async def test_bad_input_says_what_happened_and_starts_nothing(
    database_url: str, request_: TailorRequest, expected: str
) -> None:
    service = _offline(database_url)
    conv = _conv()
    try:
        assert expected in (await service.tailor_problem(request_) or "")
        replies = await service.tailor(conv, request_)
        assert len(replies) == 1 and replies[0].kind is ReplyKind.ERROR and expected in replies[0].text
        assert not await service.is_open(conv)
        assert await service.history(user_id=conv.user_id, platform=conv.platform) == []
    finally:
        await service.close()


async def test_a_resume_with_a_role_works_and_delete_my_data_erases_it(database_url: str) -> None:
    service = _offline(database_url)
    conv = _conv()
    try:
        started = await service.tailor(conv, TailorRequest(resume="\n".join(RESUME), role="data-science", questions=3))
        assert "tailored to your résumé" in started[0].text
        seen = [*started, *await service.answer(conv, "skip"), *await service.answer(conv, "skip")]
        assert any("You write that you built a churn model that cut monthly churn by 8%" in r.text for r in seen)
        await service.delete_user_data(user_id=conv.user_id, platform=conv.platform)
        engine = store_of(service).engine
        with engine.connect() as connection:
            mine = text("SELECT count(*) FROM interviews WHERE user_id = :user")
            assert connection.execute(mine, {"user": conv.user_id}).scalar_one() == 0
    finally:
        await service.close()


async def test_a_second_try_of_a_question_written_for_the_posting_asks_it_again(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    service = _with_model(f"sqlite:///{tmp_path / 'again.db'}", fake)
    conv = _conv()
    try:
        await service.tailor(conv, TailorRequest(posting=POSTING, role="data-science", questions=2))
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        written = next(i for i, qid in enumerate(interview.state["plan"]) if qid.startswith("posting-"))
        replies = []
        while await service.is_open(conv):
            replies = await service.answer(conv, ANSWER)
        assert replies[-1].scorecard is not None
        finished = await store_of(service).get_interview(interview.id)
        assert finished is not None and finished.status is InterviewStatus.COMPLETED
        seq = next(t.seq for t in finished.turns if t.question_index == written and t.kind is TurnKind.QUESTION)
        again = await service.try_again(conv, interview.id, seq)
        assert again[0].code is ReplyCode.STARTED
        assert interview.tailoring["questions"][0]["text"] in again[1].text
    finally:
        await service.close()
