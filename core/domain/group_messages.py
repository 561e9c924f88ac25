"""What a study group's thread shows: the lobby, each question, the reveal with scores and feedback, and the end.

Members are named as mentions (`<@id>`, which Slack and Discord both show as the person's name); nothing a member
wrote is shown before the reveal."""

from __future__ import annotations

from core.domain.groups import MEMBERS, RATING_MINUTES, RATINGS, GroupSession, Round
from core.domain.roles import RolePack
from core.domain.text import counted, shorten

REVEAL_ANSWER_CHARS = 600  # an answer in the reveal: about 90 words, the rest in the member's own scorecard


def member(user_id: str) -> str:
    """How a member is named in a group's messages."""
    return f"<@{user_id}>"


def lobby(session: GroupSession, pack: RolePack) -> str:
    """The lobby: the role, the rounds, who is in, and what to press."""
    people = ", ".join(member(u) for u in session.members)
    return (
        f"**Study group: {pack.title}**: {counted(session.planned, 'question')}, {session.minutes} min each, hosted "
        f"by {member(session.host)}.\nEach question is answered privately (the **Answer** button, or a voice note to "
        f"me by DM); the answers show together when everyone has answered or time is up, then you rate each other "
        f"from {RATINGS[0]} to {RATINGS[1]}.\nMembers ({len(session.members)} of {MEMBERS[1]}): {people}.\n"
        f"Press **Join** to take part; the host presses **Start** (it needs {MEMBERS[0]})."
    )


def question(session: GroupSession, played: Round, text: str, topic: str) -> str:
    """A round's question."""
    return (
        f"**Question {played.index + 1} of {session.planned}** · {topic}\n\n{text}\n\n"
        f"Answer privately with **Answer** (or a voice note to me by DM) within {session.minutes} min: "
        f"{counted(len(played.expected), 'member')} to answer."
    )


def reveal(played: Round) -> str:
    """The answers of a round, together, each with its score and one line of feedback."""
    lines = [f"**Answers to question {played.index + 1}**"]
    for user in played.expected:
        answer = played.answers.get(user)
        if answer is None or answer.score is None:
            lines.append(f"\n{member(user)}: no answer (1/10)")
            continue
        heard = " (spoken)" if answer.source == "voice" else ""
        quoted = "> " + shorten(answer.text, REVEAL_ANSWER_CHARS)
        feedback = answer.grade.feedback.split(". ")[0].rstrip(".") if answer.grade else ""
        lines.append(f"\n{member(user)}{heard}: **{answer.score}/10**\n{quoted}\n_{feedback}._")
    lines.append(
        f"\nRate each answer, your own too, from {RATINGS[0]} to {RATINGS[1]}: only the mean is ever shown. "
        f"The next question comes when the host presses **Next**, or in {RATING_MINUTES} min."
    )
    return "\n".join(lines)


def skipped(played: Round) -> str:
    """A round the host skipped."""
    return f"The host skipped question {played.index + 1}: it counts for nobody."


ENDED_EMPTY = "The study group ended before any answers were revealed, so there is no scorecard."
PERSONAL_NOTE = "Your own scorecard from the study group (the others' answers are not in it)."
