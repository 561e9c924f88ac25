"""`mock-interview group-demo ROLE --members N`: a study group run locally with simulated members, through the same
service calls a chat platform makes (open, join, start, blind answers, ratings, next, the scorecards).

Each member answers from their own file (`--answers a.txt b.txt …`, one answer per line, an empty line for "no
answer"); a member without a file answers from the question's key points, covering fewer the later they joined, so
the scores differ. Each member rates every answer from its coach score, and their own one point higher (people
rate themselves above their peers), so the scorecard's calibration lines have something to say."""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bots.terminal.render import TerminalStyle, render_reply
from core.domain.models import ConversationRef
from core.domain.replies import Reply, ReplyCode, ReplyKind
from core.domain.roles import Question
from core.interview.service import InterviewService
from core.ports import OutboxItem

_MENTION = re.compile(r"<@([^>]+)>")


def add_group_demo_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `group-demo` subcommand's arguments."""
    demo = sub.add_parser("group-demo", help="run a study group locally with simulated members")
    demo.add_argument("role", help="role id, alias or title")
    demo.add_argument("--members", type=int, default=3, help="how many members, 2 to 10 (default 3)")
    demo.add_argument("--questions", type=int, default=2, help="questions, 1 to 10 (default 2)")
    demo.add_argument("--answers", type=Path, nargs="*", default=[], metavar="FILE", help="a file per member")


class DemoReplies:
    """Prints the group's thread; the members' own scorecards are stored, and only counted here."""

    def __init__(self, style: TerminalStyle, out: TextIO) -> None:
        self._style = style
        self._out = out
        self.personal = 0
        self.thread: list[Reply] = []  # what the thread showed, in order

    async def send(self, item: OutboxItem) -> str | None:
        """Print a message of the thread (mentions as @name)."""
        if item.reply.kind is ReplyKind.SCORECARD:
            self.personal += 1
        elif item.conv.thread_id is not None:
            self._print(item.reply)
            self.thread.append(item.reply)
        return None

    async def tell(self, note: Reply) -> None:
        """A member's private note: shown dimmed."""
        print(self._style.dim(_MENTION.sub(r"@\1", note.text)), file=self._out)

    async def working(self, on: bool) -> None:
        """Nothing to show."""

    def _print(self, reply: Reply) -> None:
        text = _MENTION.sub(r"@\1", reply.text)
        print(render_reply(Reply(reply.kind, text), self._style), file=self._out, flush=True)


def _coded(replies: list[Reply], code: ReplyCode) -> Reply | None:
    return next((r for r in replies if r.code is code), None)


def _last_reveal(out: DemoReplies) -> Reply:
    """The thread's last reveal, whichever call made it (the last answer, or the clock)."""
    return next(r for r in reversed(out.thread) if r.code is ReplyCode.GROUP_REVEAL)


_SCORE = re.compile(r"<@([^>]+)>(?: \(spoken\))?: (?:\*\*(\d+)/10\*\*|no answer)")


def _scores(reveal: Reply) -> dict[str, int]:
    """Each member's score as the reveal shows it (1 for no answer)."""
    return {m.group(1): int(m.group(2) or 1) for m in _SCORE.finditer(reveal.text)}


def _rating(score: int, *, own: bool) -> int:
    """A simulated member's rating of an answer scored score: its coach score on 1–5, one higher for their own."""
    rating = round(1 + (score - 1) * 4 / 9) + (1 if own else 0)
    return max(1, min(5, rating))


def _answer(scripted: list[str] | None, number: int, index: int, question: Question) -> str:
    """A member's answer to question number: their file's line, or one covering fewer key points the later they
    joined (the first covers all, the second half, the rest one)."""
    if scripted is not None:
        return scripted[number - 1].strip() if number <= len(scripted) else ""
    points = question.key_points
    covered = points if index == 0 else points[: max(1, len(points) // 2)] if index == 1 else points[:1]
    said = "; ".join(f"{kp.terms[0]} matters because {kp.point.lower()}" for kp in covered)
    return f"First, {said}. For example, in my last role we measured it, and as a result the team changed course."


def _answers_from(files: list[Path], members: int) -> list[list[str] | None]:
    """Each member's answers: the lines of their file, or None to answer from the key points."""
    found: list[list[str] | None] = []
    for n in range(members):
        found.append(files[n].read_text(encoding="utf-8").splitlines() if n < len(files) else None)
    return found


async def run_group_demo(service: InterviewService, args: argparse.Namespace, style: TerminalStyle) -> int:
    """Run a whole session; 0 when it reached its scorecard, 2 when it could not start."""
    if problem := service.group_problem(args.role, args.questions, 5):
        print(problem, file=sys.stderr)
        return 2
    if not 2 <= args.members <= 10:
        print("--members must be between 2 and 10.", file=sys.stderr)
        return 2
    out = DemoReplies(style, sys.stdout)
    thread = ConversationRef(
        platform="terminal", workspace_id="", channel_id="group-demo", thread_id=uuid.uuid4().hex[:12],
        user_id="member-1",
    )  # fmt: skip
    members = [f"member-{n}" for n in range(1, args.members + 1)]
    scripted = _answers_from(list(args.answers), args.members)
    pack = service.catalog.resolve(args.role)
    await service.group_open(thread, role=pack.id, questions=args.questions, minutes=5, sender=out)
    for user in members[1:]:
        await service.group_join(replace(thread, user_id=user), sender=out)
    shown = await service.group_start(thread, sender=out)
    while (question := _coded(shown, ReplyCode.GROUP_QUESTION)) is not None:
        number = question.seq or 1
        asked = next(q for q in pack.questions if q.text in question.text)
        shown = []
        for index, user in enumerate(members):
            if text := _answer(scripted[index], number, index, asked):
                shown += await service.group_answer(replace(thread, user_id=user), text, sender=out)
            else:
                print(style.dim(f"@{user} does not answer."), flush=True)
        if _coded(shown, ReplyCode.GROUP_REVEAL) is None:  # a member stayed silent: the round's clock closes it
            later = datetime.now(UTC) + timedelta(minutes=args.questions * 10)
            await service.send_group_deadlines(thread.platform, out, now=later)
        reveal = _last_reveal(out)
        for rater in members:
            for rated, score in _scores(reveal).items():
                value = _rating(score, own=rater == rated)
                await service.group_rate(replace(thread, user_id=rater), rated, value, round_number=number)
        shown = await service.group_control(thread, "next", sender=out)
    print(style.dim(f"{out.personal} personal scorecards stored: `mock-interview history --user member-2`."))
    return 0 if _coded(shown, ReplyCode.GROUP_SCORECARD) else 1
