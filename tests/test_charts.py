"""Scorecard and progress charts: PNGs decoded (size, and the bars their description lists), not compared by pixels."""

from __future__ import annotations

import io
import os
import re
import subprocess
import uuid
from pathlib import Path

from PIL import Image

from core.interview.charts import DPI, SIZE_IN
from tests.support import conv_for, make_service, store_of
from tests.test_cli import call_cli

ANSWER = "I would check the data grain and the join keys first, because a one to many join duplicates rows. " * 2


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image


async def test_the_scorecard_chart_has_a_bar_per_pair_and_says_what_it_shows(database_url: str) -> None:
    service = make_service(database_url, seed=2)
    ada = f"ada-{uuid.uuid4().hex[:8]}"  # the PostgreSQL database is shared by the session
    conv = conv_for(ada)
    try:
        await service.start(conv, role="data-science", questions=2)
        interview = await store_of(service).get_open_interview(conv)
        assert interview is not None
        await service.answer(conv, ANSWER)
        await service.command(conv, "skip")
        await service.command(conv, "end")
        done = await store_of(service).get_interview(interview.id)
        report = await service.report(interview.id[:8], fmt="png", user_id=ada)
    finally:
        await service.close()

    assert done is not None and isinstance(report.document, bytes)
    image = decoded(report.document)
    assert image.size == (round(SIZE_IN[0] * DPI), round(SIZE_IN[1] * DPI))
    description = image.text["Description"]
    bars = re.findall(r"Q\d+(?: f/u| hint)? (?:\d+|skipped|unanswered|ungraded|hint requested)", description)
    assert len(bars) == len(done.turns) >= 2
    assert description.startswith(f"Data Science scorecard, overall {done.overall_score:.1f} of 10")
    assert "skipped" in description


async def test_the_progress_chart_draws_every_finished_interview(database_url: str) -> None:
    service = make_service(database_url, seed=4)
    lin = f"lin-{uuid.uuid4().hex[:8]}"
    try:
        for _ in range(3):
            conv = conv_for(lin)
            await service.start(conv, role="law", questions=1)
            await service.answer(conv, ANSWER)
            await service.command(conv, "end")
        progress = await service.progress(user_id=lin, platform="terminal")
        image = decoded(await service.progress_png(progress))
    finally:
        await service.close()

    assert image.size[1] == round(SIZE_IN[1] * DPI) and image.size[0] > image.size[1]
    scores = ", ".join(f"{p.overall_score:.1f}" for p in progress.roles["law"])
    assert f"Law: {scores}." in image.text["Description"] and len(progress.roles["law"]) == 3


def test_png_output_needs_a_file_and_is_written_there(tmp_path: Path) -> None:
    # mock-interview in this process (test_cli and test_progress run report and progress as real processes).
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    env.pop("OPENAI_API_KEY", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return call_cli(list(args), env, stdin)

    assert (
        run("practice", "--role", "law", "--questions", "1", "--user", "ada", stdin=f"{ANSWER}\nend\n").returncode == 0
    )
    listing = run("history", "--user", "ada").stdout.splitlines()
    interview_id = listing[1].split()[0]
    refused = run("report", interview_id, "--format", "png")
    assert refused.returncode == 2 and "--output" in refused.stderr and refused.stdout == ""
    card, chart = tmp_path / "card.png", tmp_path / "progress.png"
    assert run("report", interview_id, "--format", "png", "--output", str(card)).returncode == 0
    assert run("progress", "--user", "ada", "--format", "png", "--output", str(chart)).returncode == 0
    assert "Law scorecard" in decoded(card.read_bytes()).text["Description"]
    assert "Law:" in decoded(chart.read_bytes()).text["Description"]
    markdown = tmp_path / "report.md"
    assert run("report", interview_id, "--output", str(markdown)).returncode == 0
    assert markdown.read_text().startswith("# Law mock interview")
