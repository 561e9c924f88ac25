"""InterviewService with the offline coach on a real database: the whole turn lifecycle and bad input."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.domain.models import InterviewStatus, TurnKind
from core.domain.replies import Reply, ReplyKind
from core.interview.service import InterviewService
from core.ports import OutboxItem
from tests.support import conv_for, make_service, planned, store_of, strong_answer


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


@pytest.fixture
async def service(sqlite_url: str):
    svc = make_service(sqlite_url)
    yield svc
    await svc.close()


def _user() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


async def test_start_asks_the_first_planned_question(service: InterviewService) -> None:
    conv = conv_for(_user())
    replies = await service.start(conv, role="data-science", questions=4)
    assert [r.kind for r in replies] == [ReplyKind.INFO, ReplyKind.QUESTION]
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.planned_questions == 4
    assert len(set(interview.state["plan"])) == 4
    pack = service.catalog.get("data-science")
    first = planned(pack, interview, 0)
    assert "Question 1 of 4" in replies[1].text and first.text in replies[1].text
    assert replies[1].actions == ("hint", "skip", "end")


async def test_a_whole_interview_of_strong_answers_scores_high(database_url: str) -> None:
    service = make_service(database_url)
    conv = conv_for(_user())
    pack = service.catalog.get("software-engineering")
    try:
        await service.start(conv, role="swe", questions=3)
        replies = []
        for index in range(3):
            interview = await store_of(service).get_open_interview(conv)
            assert interview is not None
            replies = await service.answer(conv, strong_answer(planned(pack, interview, index)))
        assert replies[-1].kind is ReplyKind.SCORECARD
        card = replies[-1].scorecard
        assert card is not None and card.answered == 3 and len(card.items) == 3  # strong answers get no follow-up
        assert all(item.score is not None and item.score >= 8 for item in card.items)
        assert card.overall_score is not None and card.overall_score >= 8
        stored = await store_of(service).get_interview(card.interview_id)
        assert stored is not None and stored.status is InterviewStatus.COMPLETED
        assert stored.overall_score == card.overall_score and stored.summary
    finally:
        await service.close()


async def test_a_thin_answer_gets_a_follow_up_on_the_same_question(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="data-science", questions=2)
    replies = await service.answer(conv, "I would look at the numbers carefully and talk to the team about it.")
    assert [r.kind for r in replies] == [ReplyKind.FOLLOW_UP]
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    first, follow_up = interview.turns
    assert follow_up.kind is TurnKind.FOLLOW_UP and follow_up.question_index == first.question_index == 0
    assert follow_up.question in planned(service.catalog.get("data-science"), interview, 0).follow_ups


async def test_i_dont_know_is_kept_scored_1_and_followed_by_the_hint(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="law", questions=2)
    replies = await service.answer(conv, "Sorry, I don't know.")
    assert [r.kind for r in replies] == [ReplyKind.HINT]
    await service.drain()
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    question = planned(service.catalog.get("law"), interview, 0)
    assert interview.turns[0].answer == "Sorry, I don't know." and interview.turns[0].score == 1
    assert interview.turns[1].kind is TurnKind.HINT and question.hint in interview.turns[1].question


async def test_empty_answer_and_hint_command_give_hints_without_recording_an_answer(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="hr", questions=2)
    first = await service.answer(conv, "   ")
    second = await service.answer(conv, "hint")
    assert [r.kind for r in first + second] == [ReplyKind.HINT, ReplyKind.HINT]
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    assert [t.kind for t in interview.turns] == [TurnKind.QUESTION, TurnKind.HINT, TurnKind.HINT]
    assert all(t.answer is None for t in interview.turns)
    assert interview.turns[0].hint_requested and interview.turns[1].hint_requested
    assert interview.turns[1].question != interview.turns[2].question  # the second hint says more


async def test_skip_repeat_and_end(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="pm", questions=3)
    repeat = await service.command(conv, "repeat")
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and len(interview.turns) == 1
    assert repeat[0].seq == 1 and "Question 1 of 3" in repeat[0].text
    skipped = await service.answer(conv, "/skip")
    assert "Question 2 of 3" in skipped[0].text
    await service.answer(conv, strong_answer(planned(service.catalog.get("product-management"), interview, 1)))
    ended = await service.answer(conv, "end")
    card = ended[-1].scorecard
    assert card is not None
    statuses = [i.status for i in card.items]
    assert statuses == ["skipped", "graded", "unanswered"]
    graded = card.items[1].score
    assert graded is not None and card.overall_score == round((1 + graded) / 2, 1)


async def test_ending_before_any_answer_abandons_without_a_score(service: InterviewService) -> None:
    conv = conv_for(_user())
    started = await service.start(conv, role="behavioral", questions=2)
    replies = await service.command(conv, "end")
    assert [r.kind for r in replies] == [ReplyKind.INFO] and "nothing to score" in replies[0].text
    stored = await store_of(service).get_interview(started[0].interview_id or "")
    assert stored is not None and stored.status is InterviewStatus.ABANDONED and stored.overall_score is None


async def test_answer_length_limit_is_exact_and_rejection_keeps_the_question_open(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="data-science", questions=2)
    limit = service.settings.max_answer_chars
    too_long = await service.answer(conv, "wordy " * 3333 + "ab")  # 20,000 characters
    assert too_long[0].kind is ReplyKind.ERROR and "20,000" in too_long[0].text and f"{limit:,}" in too_long[0].text
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer is None
    exactly = ("x" * (limit - 1)) + "y"
    accepted = await service.answer(conv, exactly)
    assert accepted and accepted[0].kind is not ReplyKind.ERROR
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[0].answer == exactly


async def test_unknown_role_lists_the_valid_ones_and_aliases_resolve(service: InterviewService) -> None:
    replies = await service.start(conv_for(_user()), role="astronaut")
    assert replies[0].kind is ReplyKind.ERROR
    for role_id in ("data-science", "digital-marketing", "full-stack", "law", "behavioral"):
        assert role_id in replies[0].text
    for alias, role_id in (
        ("ds", "data-science"),
        ("HR", "human-resources"),
        ("Product Management", "product-management"),
    ):
        conv = conv_for(_user())
        await service.start(conv, role=alias, questions=1)
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None and interview.role == role_id


async def test_question_count_out_of_range_is_refused(service: InterviewService) -> None:
    replies = await service.start(conv_for(_user()), role="ds", questions=40)
    assert replies[0].kind is ReplyKind.ERROR and "1 to" in replies[0].text


async def test_a_duplicate_event_gives_no_second_reply_or_answer(service: InterviewService) -> None:
    conv = conv_for(_user(), platform="slack")
    await service.start(conv, role="ds", questions=2)
    first = await service.answer(conv, "An answer about joins and duplicate keys.", event_id="Ev123")
    again = await service.answer(conv, "An answer about joins and duplicate keys.", event_id="Ev123")
    assert first and again == []
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and sum(1 for t in interview.turns if t.answer) == 1
    assert interview.current_turn is not None and interview.current_turn.seq == 2  # the replay did not answer it
    hint = await service.answer(conv, "hint", event_id="Ev124")
    assert [r.kind for r in hint] == [ReplyKind.HINT] and await service.answer(conv, "hint", event_id="Ev124") == []
    empty = await service.answer(conv, "", event_id="Ev125")
    assert empty and await service.answer(conv, "", event_id="Ev125") == []


async def test_the_pair_cap_ends_the_interview(sqlite_url: str) -> None:
    service = make_service(sqlite_url, MOCK_INTERVIEW_MAX_PAIRS=3)
    conv = conv_for(_user())
    try:
        await service.start(conv, role="ds", questions=3)
        replies = []
        for _ in range(3):
            replies = await service.answer(conv, "hint")
        kinds = [r.kind for r in replies]
        assert kinds == [ReplyKind.INFO, ReplyKind.INFO]  # cap notice, then "nothing to score"
        assert "3 question–response pairs" in replies[0].text
        assert await store_of(service).get_open_interview(conv) is None
    finally:
        await service.close()


async def test_start_shows_the_open_interview_and_replace_abandons_it(service: InterviewService) -> None:
    conv = conv_for(_user())
    first = await service.start(conv, role="ds", questions=2)
    again = await service.start(conv, role="law", questions=2)
    assert again[0].kind is ReplyKind.INFO and "already have" in again[0].text
    assert again[1].interview_id == first[0].interview_id
    fresh = await service.start(conv, role="law", questions=2, replace=True)
    assert fresh[0].interview_id != first[0].interview_id
    old = await store_of(service).get_interview(first[0].interview_id or "")
    assert old is not None and old.status is InterviewStatus.ABANDONED


async def test_pause_blocks_answers_and_resume_repeats_the_question(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="ds", questions=2)
    await service.command(conv, "pause")
    blocked = await service.answer(conv, "A real answer that should wait until resume.")
    assert "paused" in blocked[0].text.lower()
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.status is InterviewStatus.PAUSED and interview.turns[0].answer is None
    resumed = await service.command(conv, "resume")
    assert resumed[0].kind is ReplyKind.QUESTION and resumed[0].seq == 1


async def test_report_json_is_complete_and_prefix_lookup_works(service: InterviewService) -> None:
    conv = conv_for(_user())
    started = await service.start(conv, role="ds", questions=1)
    interview_id = started[0].interview_id or ""
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None
    await service.answer(conv, strong_answer(planned(service.catalog.get("data-science"), interview, 0)))
    document = (await service.report(interview_id[:8])).document
    assert isinstance(document, dict)
    assert {"id", "role", "status", "overall_score", "turns", "usage"} <= set(document)
    assert document["id"] == interview_id and document["status"] == "completed"
    turn = document["turns"][0]
    assert {"seq", "kind", "question", "answer", "source", "score", "feedback"} <= set(turn)
    assert turn["kind"] == "question" and turn["source"] == "text" and 1 <= turn["score"] <= 10
    assert document["usage"] == {"prompt_tokens": 0, "cached_tokens": 0, "completion_tokens": 0, "calls": 0}
    markdown = (await service.report(interview_id[:6], fmt="md")).document
    assert isinstance(markdown, str) and interview_id in markdown and "Score:" in markdown


async def test_escape_sequences_and_control_characters_are_not_answers(service: InterviewService) -> None:
    conv = conv_for(_user())
    await service.start(conv, role="ds", questions=2)
    replies = await service.answer(conv, "\x1b[4~\x1b[A\x07")  # the End and Up keys and a bell: nothing typed
    assert [r.kind for r in replies] == [ReplyKind.HINT]
    await service.answer(conv, "Duplicate \x1b[31mkeys\x1b[0m fan out\x00 rows.")
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and interview.turns[1].answer == "Duplicate keys fan out rows."


class _Recorder:
    """A ReplySender that notes what it is asked to do."""

    def __init__(self) -> None:
        self.sent: list[OutboxItem] = []
        self.progress: list[bool] = []

    async def send(self, item: OutboxItem) -> str | None:
        self.sent.append(item)
        return f"ts{len(self.sent)}"

    async def tell(self, note: Reply) -> None:
        pass

    async def working(self, on: bool) -> None:
        self.progress.append(on)


async def test_a_new_event_skips_the_handled_check_but_is_still_answered_once(service: InterviewService) -> None:
    conv = conv_for(_user(), platform="slack")
    await service.start(conv, role="ds", questions=2)
    first, again, told_new = _Recorder(), _Recorder(), _Recorder()
    assert await service.answer(conv, "An answer about joins and duplicate keys.", event_id="Ev9", sender=first)
    assert first.progress == [True, False] and first.sent
    assert await service.answer(conv, "An answer about joins and duplicate keys.", event_id="Ev9", sender=again) == []
    assert again.progress == [] and not again.sent  # a copy: asked the store, and shows nothing
    # Told (wrongly) that a copy is new: progress shows, but the unit of work still answers it once.
    text = "An answer about joins and duplicate keys."
    assert await service.answer(conv, text, event_id="Ev9", sender=told_new, new_event=True) == []
    assert told_new.progress == [True, False] and not told_new.sent
    interview = await store_of(service).get_open_interview(conv)
    assert interview is not None and sum(1 for t in interview.turns if t.answer) == 1
