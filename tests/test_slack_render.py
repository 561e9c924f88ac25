"""bots/slack/render.py: replies as mrkdwn and Block Kit within Slack's limits, with mentions defused."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bots.slack.render import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    clicked_blocks,
    defuse,
    history_text,
    mrkdwn,
    reply_messages,
    scorecard_messages,
    split_text,
)
from core.domain.commands import QUESTION_ACTIONS
from core.domain.models import InterviewStatus, InterviewSummary
from core.domain.replies import Reply, ReplyKind, Scorecard, ScoreItem


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**Question 1 of 5** · SQL", "*Question 1 of 5* · SQL"),
        ("use `GROUP BY` & `HAVING`", "use `GROUP BY` &amp; `HAVING`"),
        ("a <b> c", "a &lt;b&gt; c"),
        ("<!channel> and <@U123>", "&lt;!channel&gt; and &lt;@U123&gt;"),
        ("hey @here and @Channel, @everyone", "hey @\u2060here and @\u2060Channel, @\u2060everyone"),
        ("mail me@here.com", "mail me@\u2060here.com"),
        ("# Report", "*Report*"),
        ("• one\n• two", "• one\n• two"),
    ],
)
def test_mrkdwn_converts_bold_and_defuses_mentions(markdown: str, expected: str) -> None:
    assert mrkdwn(markdown) == expected


def test_defuse_leaves_no_way_to_ping() -> None:
    text = defuse("<!here|here> <@U1> <#C1> @channel")
    assert "<" not in text and ">" not in text and "@channel" not in text


def test_a_question_gets_hint_skip_and_end_buttons_carrying_interview_and_turn() -> None:
    reply = Reply(ReplyKind.QUESTION, "**Question 1 of 3**\n\nWhat is p-hacking?", "iv-1", 3, QUESTION_ACTIONS)
    [message] = reply_messages(reply)
    section, actions = message.blocks
    assert section["text"]["text"].startswith("*Question 1 of 3*")
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("mi:hint", "iv-1:3"),
        ("mi:skip", "iv-1:3"),
        ("mi:end", "iv-1:3"),
    ]
    assert actions["elements"][2]["style"] == "danger"
    assert "**" not in message.text and len(message.text) <= 300


def test_an_error_with_retry_and_a_very_long_reply_stay_within_limits() -> None:
    [error] = reply_messages(Reply(ReplyKind.ERROR, "The AI interviewer is slow.", "iv-1", None, ("retry",)))
    assert error.blocks[0]["text"]["text"].startswith(":warning:")
    assert error.blocks[-1]["elements"][0]["action_id"] == "mi:retry"
    long = Reply(ReplyKind.TRANSCRIPT, ("word " * 2000 + "\n") * 20, "iv-1")  # ~200,000 characters
    messages = reply_messages(long)
    assert len(messages) > 1
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS and len(json.dumps(message.blocks)) < 16_000
        assert all(0 < len(b["text"]["text"]) <= SECTION_LIMIT for b in message.blocks)
    words = sum(b["text"]["text"].count("word") for m in messages for b in m.blocks)
    assert words == 40_000  # nothing lost between the parts


def test_an_empty_reply_still_makes_a_valid_section() -> None:
    [message] = reply_messages(Reply(ReplyKind.INFO, "  \n "))
    assert message.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]


@pytest.mark.parametrize("length", [10, 2999, 3000, 3001, 9000])
def test_split_text_keeps_every_character_within_the_limit(length: int) -> None:
    text = ("abc def\n" * length)[:length]
    pieces = split_text(text)
    assert all(len(p) <= SECTION_LIMIT for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def _card(items: int, *, answer: str = "An answer with <!here> in it & more.") -> Scorecard:
    return Scorecard(
        interview_id="6f1c0d7e-0000-4000-8000-000000000000",
        role="data-science",
        role_title="Data Science",
        overall_score=6.8,
        answered=items,
        planned_questions=items,
        items=tuple(
            ScoreItem(
                seq=n,
                kind="question" if n % 2 else "follow_up",
                question=f"Question number {n}? " + "context " * 50,
                answer=answer,
                score=7,
                feedback="Covered most key points. " * 20,
                strength="Clear structure.",
                improvement="Quantify the impact.",
            )
            for n in range(1, items + 1)
        ),
        summary="A solid interview.",
        strengths=("Clear structure",),
        focus_next=("Quantify impact",),
    )


def test_a_short_scorecard_is_one_message_overall_first_then_every_answer() -> None:
    [message] = scorecard_messages(_card(3))
    kinds = [b["type"] for b in message.blocks]
    assert kinds[0] == "header" and message.blocks[0]["text"]["text"] == "Scorecard · Data Science"
    assert "*Overall 6.8/10*" in message.blocks[1]["text"]["text"]
    items = [b["text"]["text"] for b in message.blocks if b["type"] == "section" and "Your answer" in b["text"]["text"]]
    assert [i.split("*")[1] for i in items] == ["1. Question", "2. Follow-up", "3. Question"]
    assert all("*7/10*" in i for i in items)
    assert "<!here>" not in json.dumps(message.blocks) and "&lt;!here&gt;" in items[0]
    assert "report 6f1c0d7e" in message.blocks[-1]["elements"][0]["text"]


def test_a_25_pair_scorecard_with_long_answers_is_split_within_block_kit_limits() -> None:
    messages = scorecard_messages(_card(25, answer="I would " + "explain in detail " * 400))
    assert len(messages) > 1
    assert messages[0].blocks[0]["type"] == "header"
    seen = []
    for n, message in enumerate(messages, 1):
        assert len(message.blocks) <= MAX_BLOCKS
        assert len(json.dumps(message.blocks)) < 16_000
        assert f"part {n} of {len(messages)}" in message.text
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= SECTION_LIMIT
                if "Your answer" in block["text"]["text"]:
                    seen.append(block["text"]["text"].split(".")[0])
    assert seen == [f"*{n}" for n in range(1, 26)]  # every answer, in order, exactly once


def test_clicked_buttons_become_a_note_of_the_choice() -> None:
    reply = Reply(ReplyKind.QUESTION, "**Q**", "iv-1", 1, QUESTION_ACTIONS)
    blocks = clicked_blocks(reply_messages(reply)[0].blocks, user_id="U1", command="skip")
    assert [b["type"] for b in blocks] == ["section", "context"]
    assert blocks[-1]["elements"][0]["text"] == "<@U1> chose *Skip*"


def test_history_lists_ids_roles_and_scores() -> None:
    row = InterviewSummary(
        id="6f1c0d7e-0000",
        role="law",
        status=InterviewStatus.COMPLETED,
        created_at=datetime(2026, 11, 27, 23, 40, tzinfo=UTC),
        overall_score=7.5,
        user_id="U1",
        platform="slack",
        answered=1,
        planned_questions=3,
    )
    text = history_text([row], {"law": "Law & Order"})
    assert "`6f1c0d7e` 2026-11-27 23:40 · Law &amp; Order · completed · 1 answer · 7.5/10" in text


def test_spoken_delivery_is_shown_per_answer_and_for_the_interview() -> None:
    card = _card(2)
    spoken = "Pace 140 words/min (good) · 2 filler words (um ×2)"
    card = replace(card, items=(replace(card.items[0], delivery=spoken), card.items[1]), delivery=spoken)
    [message] = scorecard_messages(card)
    texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    answers = [t for t in texts if "Your answer" in t]
    assert ":studio_microphone: Pace 140 words/min" in answers[0] and "microphone" not in answers[1]
    assert any(t.startswith("*Spoken delivery:* Pace 140") for t in texts)
