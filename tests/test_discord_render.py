"""Rendering replies for Discord: buttons, mention defusing, splitting, and scorecards within Discord's limits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bots.discord.delivery import message_kwargs
from bots.discord.render import (
    CONTENT_LIMIT,
    QUESTION_BUTTONS,
    OutMessage,
    embed_size,
    render_reply,
    scorecard_messages,
    split_text,
)
from core.domain.replies import Reply, ReplyKind, Scorecard, ScoreItem
from tests.fakes.discord_payloads import check_message_body

ALICE = 123456789012345678


def _card(items: int, *, text: int, summary: int = 200) -> Scorecard:
    return Scorecard(
        interview_id="6f1c0d7e-1111-4222-8333-944445555666",
        role="data-science",
        role_title="Data Science",
        overall_score=6.8,
        answered=items,
        planned_questions=items,
        items=tuple(
            ScoreItem(
                seq=i + 1,
                kind=("question", "follow_up", "hint")[i % 3],
                question="Why? " * (text // 5),
                answer="Because " * (text // 8),
                score=(i % 10) + 1,
                feedback="Covered the key points. " * (text // 24),
                strength="Clear structure.",
                improvement="Name a metric.",
            )
            for i in range(items)
        ),
        summary="Solid. " * (summary // 7),
        strengths=("Structure", "Examples"),
        focus_next=("Metrics",),
    )


@pytest.mark.parametrize(
    ("reply", "starts", "buttons"),
    [
        (
            Reply(ReplyKind.QUESTION, "**Question 1 of 5** · Stats\n\nWhy?", actions=("hint", "skip", "end")),
            "**Question 1 of 5**",
            QUESTION_BUTTONS,
        ),
        (
            Reply(ReplyKind.FOLLOW_UP, "**Follow-up**\n\nAnd then?", actions=("hint", "skip", "end")),
            "**Follow-up**",
            QUESTION_BUTTONS,
        ),
        (Reply(ReplyKind.HINT, "**Hint**\n\nThink of noise."), "**Hint**", QUESTION_BUTTONS),
        (Reply(ReplyKind.ERROR, "The AI interviewer is taking too long.", actions=("retry",)), "⚠️ The AI", ("retry",)),
        (Reply(ReplyKind.TRANSCRIPT, "🎙️ **I heard** (0:04):\n> hello"), "🎙️ **I heard** (0:04):\n> hello", ()),
        (Reply(ReplyKind.INFO, "Paused."), "Paused.", ()),
    ],
)
def test_each_kind_of_reply_has_its_look_and_buttons(reply: Reply, starts: str, buttons: tuple[str, ...]) -> None:
    [message] = render_reply(reply)
    assert message.content.startswith(starts) and message.buttons == buttons


@pytest.mark.parametrize(
    "echoed",
    ["@everyone look", "@here now", f"<@{ALICE}> hi", f"<@!{ALICE}>", "<@&987654321098765432> team"],
)
def test_echoed_user_text_cannot_ping_anyone(echoed: str) -> None:
    [message] = render_reply(Reply(ReplyKind.TRANSCRIPT, f"I heard: {echoed}"))
    assert "@everyone" not in message.content and "@here" not in message.content
    assert f"<@{ALICE}>" not in message.content and "<@&9" not in message.content and "<@!" not in message.content
    kwargs = message_kwargs(message, candidate_id=ALICE)
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}


def test_long_text_is_split_at_paragraphs_within_the_limit_and_buttons_go_last() -> None:
    paragraph = "word " * 150
    text = "\n\n".join(paragraph.strip() for _ in range(6))
    messages = render_reply(Reply(ReplyKind.QUESTION, text, actions=("hint",)))
    assert len(messages) > 1 and all(0 < len(m.content) <= CONTENT_LIMIT for m in messages)
    assert [bool(m.buttons) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert " ".join(" ".join(m.content.split()) for m in messages) == " ".join(text.split())


def test_text_without_breaks_is_cut_hard() -> None:
    pieces = split_text("x" * 4500, 2000)
    assert [len(p) for p in pieces] == [2000, 2000, 500]


@pytest.mark.parametrize(("items", "text", "summary"), [(1, 50, 100), (5, 400, 900), (25, 2000, 5000)])
def test_scorecards_of_every_size_fit_discords_message_and_embed_limits(items: int, text: int, summary: int) -> None:
    messages = scorecard_messages(_card(items, text=text, summary=summary))
    fields = [f for m in messages for e in m.embeds for f in e.get("fields", ())]
    assert len([f for f in fields if f["name"][0].isdigit()]) == items  # every pair is on the card, in order
    assert [int(f["name"].split(".")[0]) for f in fields if f["name"][0].isdigit()] == list(range(1, items + 1))
    for message in messages:
        body = {"embeds": list(message.embeds), "allowed_mentions": {"parse": []}}
        assert check_message_body(body) is None, check_message_body(body)
        assert sum(embed_size(e) for e in message.embeds) <= 6000
    assert messages[0].embeds[0]["title"] == "Scorecard · Data Science"
    assert "6.8/10" in messages[0].embeds[0]["description"]


def test_a_scorecard_becomes_real_discord_embeds() -> None:
    [first, *_] = scorecard_messages(_card(3, text=100))
    kwargs = message_kwargs(first, candidate_id=ALICE)
    assert kwargs["embeds"][0].title == "Scorecard · Data Science" and "view" not in kwargs
    assert message_kwargs(OutMessage("Q", buttons=("hint", "end")), candidate_id=ALICE)["view"].children


def test_spoken_delivery_is_shown_per_answer_and_for_the_interview() -> None:
    card = _card(2, text=100)
    spoken = "Pace 190 words/min (a little fast) · no filler words"
    card = replace(card, items=(replace(card.items[0], delivery=spoken), card.items[1]), delivery=spoken)
    embeds = [e for m in scorecard_messages(card) for e in m.embeds]
    fields = [f for e in embeds for f in e.get("fields", [])]
    assert {"name": "Spoken delivery", "value": spoken} in [{k: f[k] for k in ("name", "value")} for f in fields]
    answer_fields = [f["value"] for f in fields if f["value"].startswith("**Q:**")]
    assert f"🎙️ {spoken}" in answer_fields[0] and "🎙️" not in answer_fields[1]
