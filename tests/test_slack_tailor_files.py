"""A job posting or a résumé uploaded in the DM with the app with the word `tailor`: downloaded with the bot token,
read by the core, and a tailored interview started in a thread under the upload, answered in that thread; a file
that cannot be read is said in the DM and starts nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.slack.texts import FOREIGN_FILE, TAILOR_HOW
from core.domain.models import ConversationRef, Interview
from tests.fakes.slack_payloads import document_file, file_share_dm, thread_reply
from tests.fakes.slack_server import TEAM_ID
from tests.slack_support import SlackHarness, block_text, is_question, is_scorecard, slack_harness
from tests.support import store_of
from tests.tailoring_support import make_docx, make_pdf

POSTING = [
    "Senior Data Scientist (Churn)\n\nWhat you'll do:\n"
    "- Design and analyse A/B tests and experiments for the growth team\n"
    "- Build churn and propensity models in Python and SQL\n"
    "- Explain results to non-technical stakeholders\n\nRequirements\n"
    "- Strong statistics: hypothesis testing, p-values, causal inference\n"
    "- Experience with feature engineering and gradient boosting"
]
RESUME = [
    "Jane Doe",
    "Experience",
    "Senior Data Scientist, Acme Bank, 2019-2023",
    "- Built a churn model that cut churn by 8 % across 2 million customers.",
    "- Migrated reporting from Excel to dbt and Looker, saving 20 hours a week.",
]
ANSWER = (
    "I would not conclude causation from that. I would run a randomised holdout: randomly withhold the newsletter "
    "from a control group, compare spend with a t-test, check the sample size with a power analysis first."
)
PDF = ("application/pdf", "pdf")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[SlackHarness]:
    async with slack_harness(database_url) as h:
        yield h


def person() -> tuple[str, str]:
    """A fresh user id and their DM channel with the app."""
    who = f"U{uuid.uuid4().hex[:8].upper()}"
    return who, "D" + who[1:]


async def upload(
    h: SlackHarness, who: str, dm: str, text: str, files: list[tuple[str, tuple[str, str], bytes]], **kw: Any
) -> dict[str, Any]:
    """Upload files at the top of the DM with text beside them; the message event, as delivered."""
    shared = [
        h.fake.add_file(document_file(name, mimetype=kind[0], filetype=kind[1], user=who), data)
        for name, kind, data in files
    ]
    event = h.fake.said(file_share_dm(text, shared, user=who, channel=dm))
    assert await h.event(event, **kw) == 200
    return event


def bot_top_level(h: SlackHarness, dm: str) -> list[dict[str, Any]]:
    """What the app posted at the top of a DM (not in a thread)."""
    return [m for m in h.fake.messages.get(dm, []) if "thread_ts" not in m and m.get("bot_id")]


async def open_interview(h: SlackHarness, conv: ConversationRef) -> Interview:
    found = await store_of(h.service).get_open_interview(conv)
    assert found is not None
    return found


async def interview_from_a_pdf(h: SlackHarness) -> None:
    who, dm = person()
    event = await upload(h, who, dm, "tailor", [("Senior_Data_Scientist.pdf", PDF, make_pdf(POSTING))])
    thread_ts = event["ts"]
    posted = await h.wait_thread(dm, thread_ts, after=0)
    intro = block_text(posted[0])
    assert "Data Science mock interview, tailored to the job posting" in intro
    assert "Explain results to non-technical stakeholders" in intro
    assert is_question(posted[-1])
    assert bot_top_level(h, dm) == []  # nothing at the top of the DM: no nudge, no note
    conv = ConversationRef("slack", TEAM_ID, dm, thread_ts, who)
    assert (await open_interview(h, conv)).tailoring["from"] == ["posting"]

    # An answer in the thread under the person's own message is taken and graded.
    reply = thread_reply(ANSWER, user=who, channel=dm, thread_ts=thread_ts, channel_type="im", parent_user_id=who)
    before = len(h.thread(dm, thread_ts))
    assert await h.event(reply) == 200
    await h.wait_thread(dm, thread_ts, after=before)
    await h.service.drain()  # the grade is computed in the background, after the next question is posted
    turn = (await open_interview(h, conv)).turns[0]
    assert turn.answer == ANSWER and turn.grade is not None

    # Ended there, the scorecard comes in the thread with its fit for the posting.
    end = thread_reply("end", user=who, channel=dm, thread_ts=thread_ts, channel_type="im", parent_user_id=who)
    before = len(h.thread(dm, thread_ts))
    assert await h.event(end) == 200
    new = await h.wait_thread(dm, thread_ts, after=before, scorecard=True)
    assert "Fit for the posting" in "\n".join(block_text(m) for m in new)


async def test_a_pdf_sent_with_tailor_starts_an_interview_in_a_thread_under_it(harness: SlackHarness) -> None:
    await asyncio.gather(interview_from_a_pdf(harness), interview_from_a_pdf(harness))  # two people at once
    assert {d["authorized"] for d in harness.fake.downloads} == {True} and len(harness.fake.downloads) == 2
    reacted = {c.params["timestamp"] for c in harness.fake.calls_to("reactions.add")}
    assert reacted and reacted == {c.params["timestamp"] for c in harness.fake.calls_to("reactions.remove")}


async def test_a_posting_and_a_resume_together_tailor_to_both(harness: SlackHarness) -> None:
    who, dm = person()
    files = [("posting.pdf", PDF, make_pdf(POSTING)), ("Jane_Doe_CV.docx", DOCX, make_docx(RESUME))]
    event = await upload(harness, who, dm, "tailor", files)
    posted = await harness.wait_thread(dm, event["ts"], after=0)
    assert "tailored to the job posting and your résumé" in block_text(posted[0])
    interview = await open_interview(harness, ConversationRef("slack", TEAM_ID, dm, event["ts"], who))
    assert interview.tailoring["from"] == ["posting", "resume"]


@pytest.mark.parametrize(
    ("text", "name", "kind", "data", "said"),
    [
        ("tailor", "cv.pdf", PDF, make_docx(RESUME), "cv.pdf is not a PDF: it looks like a Word document"),
        ("tailor", "posting.pdf", PDF, "\n".join(POSTING).encode(), "posting.pdf is not a PDF: it looks like a plain"),
        ("tailor resume", "cv.docx", DOCX, make_docx(RESUME), "A résumé alone doesn't tell me which job"),
        ("tailor astronaut", "posting.pdf", PDF, make_pdf(POSTING), "I don't know the role “astronaut”"),
    ],
)
async def test_a_file_that_cannot_be_used_is_said_once_in_the_dm_and_starts_nothing(
    harness: SlackHarness, text: str, name: str, kind: tuple[str, str], data: bytes, said: str
) -> None:
    who, dm = person()
    event = await upload(harness, who, dm, text, [(name, kind, data)], event_id=f"Ev{uuid.uuid4().hex[:8]}")
    await harness.fake.wait_for(lambda: bot_top_level(harness, dm))
    [told] = bot_top_level(harness, dm)
    assert said in block_text(told)
    assert harness.fake.thread(dm, event["ts"]) == []
    assert await harness.service.history(user_id=who, platform="slack") == []


async def test_a_copy_of_the_upload_delivered_again_is_answered_once(harness: SlackHarness) -> None:
    who, dm = person()
    event = await upload(harness, who, dm, "tailor", [("cv.pdf", PDF, make_docx(RESUME))], event_id="Ev0TAILORCOPY")
    await harness.fake.wait_for(lambda: bot_top_level(harness, dm))
    assert await harness.event(event, event_id="Ev0TAILORCOPY", retry=1) == 200
    await asyncio.sleep(0.5)
    assert len(bot_top_level(harness, dm)) == 1

    # A good posting delivered twice starts one interview.
    event = await upload(harness, who, dm, "tailor", [("jd.pdf", PDF, make_pdf(POSTING))], event_id="Ev0TAILORTWICE")
    await harness.wait_thread(dm, event["ts"], after=0)
    assert await harness.event(event, event_id="Ev0TAILORTWICE", retry=1) == 200
    await asyncio.sleep(0.5)
    assert sum(is_question(m) for m in harness.thread(dm, event["ts"])) == 1
    assert len(await harness.service.history(user_id=who, platform="slack")) == 1


async def test_tailor_typed_without_a_file_says_how(harness: SlackHarness) -> None:
    who, dm = person()
    typed = file_share_dm("tailor", [], user=who, channel=dm)
    typed.pop("subtype"), typed.pop("files"), typed.pop("upload")
    assert await harness.event(typed) == 200
    await harness.fake.wait_for(lambda: bot_top_level(harness, dm))
    assert [block_text(m) for m in bot_top_level(harness, dm)] == [TAILOR_HOW]
    assert not any(is_scorecard(m) for m in harness.fake.messages.get(dm, []))


async def test_a_file_announced_without_details_is_looked_up_and_a_foreign_link_is_not_opened(
    harness: SlackHarness,
) -> None:
    who, dm = person()
    full = harness.fake.add_file(document_file("jd.pdf", mimetype=PDF[0], filetype=PDF[1], user=who), make_pdf(POSTING))
    # Slack sometimes sends only the id and asks the app to call files.info for the rest.
    partial = {"id": full["id"], "file_access": "check_file_info", "created": 1_790_000_000, "user": who}
    event = harness.fake.said(file_share_dm("tailor", [partial], user=who, channel=dm))
    assert await harness.event(event) == 200
    await harness.wait_thread(dm, event["ts"], after=0)
    assert [c.params["file"] for c in harness.fake.calls_to("files.info")] == [full["id"]]

    # A link that points outside Slack never gets the bot token, nor any request.
    who, dm = person()
    elsewhere = {
        **full,
        "url_private": "https://files.example.net/jd.pdf",
        "url_private_download": "https://files.example.net/jd.pdf",
    }
    downloads = len(harness.fake.downloads)
    assert await harness.event(harness.fake.said(file_share_dm("tailor", [elsewhere], user=who, channel=dm))) == 200
    await harness.fake.wait_for(lambda: bot_top_level(harness, dm))
    assert block_text(bot_top_level(harness, dm)[0]).endswith(FOREIGN_FILE)
    assert len(harness.fake.downloads) == downloads
    assert await harness.service.history(user_id=who, platform="slack") == []
