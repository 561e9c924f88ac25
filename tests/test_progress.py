"""Progress: figures checked against interviews made through the service, on SQLite and PostgreSQL; the streak with
the day given; the `progress` command's text, JSON and file output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean

from core.domain.models import utcnow
from core.domain.roles import load_catalog
from core.interview.progress import streak
from core.interview.service import InterviewService
from tests.support import conv_for, make_service, planned, store_of, strong_answer
from tests.test_cli import call_cli

ROLE = "data-science"
WEAK = "I am not sure, maybe it depends on the data."


async def one_interview(service: InterviewService, user: str, *, strong_first: bool) -> str:
    """Two main questions: the first answered strongly (or weakly), the second the other way; the interview's id."""
    conv = conv_for(user)
    await service.start(conv, role=ROLE, questions=2)
    store = store_of(service)
    pack = service.catalog.get(ROLE)
    interview = await store.get_open_interview(conv)
    assert interview is not None
    for index, strong in enumerate((strong_first, not strong_first)):
        answer = strong_answer(planned(pack, interview, index)) if strong else WEAK
        await service.answer(conv, answer)
        current = await store.get_open_interview(conv)
        while current is not None and current.turns[-1].question_index == index:  # a follow-up: move on
            await service.command(conv, "skip")
            current = await store.get_open_interview(conv)
    return interview.id


async def test_progress_adds_up_the_stored_interviews(database_url: str) -> None:
    service = make_service(database_url, seed=5)
    try:
        ada, grace = f"ada-{uuid.uuid4().hex[:8]}", f"grace-{uuid.uuid4().hex[:8]}"  # the PostgreSQL database is shared
        ids = [await one_interview(service, ada, strong_first=first) for first in (False, True, True)]
        await one_interview(service, grace, strong_first=True)  # someone else's: not in ada's progress
        progress = await service.progress(user_id=ada, platform="terminal")
        only_law = await service.progress(user_id=ada, platform="terminal", role="law")
        stored = [await store_of(service).get_interview(i) for i in ids]
    finally:
        await service.close()

    assert progress.interviews == 3 and only_law.interviews == 0
    trend = progress.roles[ROLE]
    assert [p.interview_id for p in trend] == ids
    assert [p.overall_score for p in trend] == [round(i.overall_score or 0, 1) for i in stored if i]
    assert progress.weak_topics and progress.weak_topics[0].mean_score <= progress.weak_topics[-1].mean_score
    assert progress.worst is not None and progress.best is not None
    assert progress.worst.mean_score < progress.best.mean_score
    assert progress.missed_points and all(times >= 1 for _, times in progress.missed_points)
    assert progress.streak_days == 1  # every answer was given today
    document = progress.to_dict()
    assert set(document) >= {"interviews", "roles", "weak_topics", "streak_days"}
    assert document["roles"][ROLE][0] == {
        "id": ids[0],
        "date": utcnow().date().isoformat(),
        "overall_score": trend[0].overall_score,
    }


async def test_weak_topics_are_the_lowest_means_of_the_stored_grades(database_url: str) -> None:
    service = make_service(database_url, seed=11)
    try:
        lin = f"lin-{uuid.uuid4().hex[:8]}"
        for first in (True, False):
            await one_interview(service, lin, strong_first=first)
        progress = await service.progress(user_id=lin, platform="terminal")
        interviews = await store_of(service).interviews_of(platform="terminal", user_id=lin)
    finally:
        await service.close()

    pack_topics = {q.id: q.topic for q in load_catalog(None).packs[ROLE].questions}
    by_topic: dict[str, list[int]] = {}
    for interview in interviews:
        for turn in interview.turns:
            if turn.grade is not None and turn.question_index is not None:
                topic = pack_topics[interview.state["plan"][turn.question_index]]
                by_topic.setdefault(topic, []).append(turn.grade.score)
    expected = sorted((round(fmean(s), 1), topic) for topic, s in by_topic.items())[:3]
    assert [(t.mean_score, t.topic) for t in progress.weak_topics] == expected


def test_the_streak_counts_days_in_a_row_up_to_today_or_yesterday() -> None:
    today = date(2026, 12, 4)
    day = timedelta(days=1)
    assert streak([today, today - day, today - 2 * day], today) == 3
    assert streak([today - day, today - 2 * day], today) == 2  # not yet today: still alive
    assert streak([today - 2 * day, today - 3 * day], today) == 0  # a day missed
    assert streak([today, today - 2 * day], today) == 1
    assert streak([], today) == 0


def test_the_progress_command_prints_text_json_and_writes_a_file(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    env.pop("OPENAI_API_KEY", None)
    cli = [sys.executable, "-m", "bots.cli"]
    root = Path(__file__).resolve().parents[1]

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli, *args], input=stdin, capture_output=True, text=True, env=env, cwd=root, timeout=90, check=False
        )

    def call(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return call_cli(list(args), env, stdin)  # the same entry point in this process: a second less a call

    empty = call("progress", "--user", "ada")
    assert empty.returncode == 0 and "No answered interviews yet" in empty.stdout
    answer = "I would compare the groups with a two-sided test, check the sample size and the p-value. " * 3
    assert (
        call("practice", "--role", ROLE, "--questions", "1", "--user", "ada", stdin=f"{answer}\nend\n").returncode == 0
    )
    text = run("progress", "--user", "ada")  # a real process
    assert text.returncode == 0 and "1 interview" in text.stdout and "Data Science:" in text.stdout
    out = tmp_path / "progress.json"
    written = call("progress", "--user", "ada", "--format", "json", "--output", str(out))
    assert written.returncode == 0 and written.stdout == ""
    assert json.loads(out.read_text())["interviews"] == 1
    unknown = call("progress", "--role", "astrology")
    assert unknown.returncode == 2 and "astrology" in unknown.stderr
