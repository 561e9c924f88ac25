"""A study group's session as a state machine: a lobby, blind answering rounds, a reveal with peer ratings, the end.

Pure: every change takes the time it happens at and either changes the session or raises GroupRefusal with words
for the person who asked, so storage can apply it under a compare-and-set and a copy of an event changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from core.domain.models import ConversationRef, Grade, Usage

MEMBERS = (2, 10)  # fewest to start, most to join (the session starts by itself when full)
QUESTIONS = (1, 10, 3)  # fewest, most and default main questions
MINUTES = (1, 15, 5)  # fewest, most and default minutes per round
RATINGS = (1, 5)  # a peer or self rating
RATING_MINUTES = 3  # after a reveal, how long ratings stay open before the next round starts by itself
DIRECT_CHANNEL = "@direct"  # a conversation's channel meaning "the person's DM with the bot", found by the platform


def direct(place: ConversationRef, user: str) -> ConversationRef:
    """user's private conversation with the bot on place's platform and workspace (their DM, as the platform
    finds it): where their own scorecard of a group session goes."""
    return ConversationRef(
        platform=place.platform, workspace_id=place.workspace_id, channel_id=DIRECT_CHANNEL, thread_id=None,
        user_id=user,
    )  # fmt: skip


class Phase(StrEnum):
    """Where a group session is."""

    LOBBY = "lobby"  # members join; the host starts it
    ANSWERING = "answering"  # a question is open: answers are taken, hidden
    RATING = "rating"  # the answers are revealed: members rate them until the next round
    FINISHED = "finished"  # the group scorecard is out
    ENDED = "ended"  # stopped before any answer was revealed: no scorecard

    @property
    def is_open(self) -> bool:
        """Whether the session still takes joins, answers or ratings."""
        return self not in (Phase.FINISHED, Phase.ENDED)


QUESTION_CLOSED = "That question has closed, so this answer was not taken: answer the latest question instead."


class GroupRefusal(Exception):
    """Why a join, answer, rating or control was refused, in words for the person who asked."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class GroupAnswer:
    """One member's answer to a round's question, hidden until the reveal; graded at the reveal."""

    text: str
    at: datetime
    source: str = "typed"  # "typed" | "voice"
    grade: Grade | None = None
    usage: Usage | None = None  # the grade's model call, recorded with the member's own interview at the end

    @property
    def score(self) -> int | None:
        """The coach's score, once graded."""
        return self.grade.score if self.grade else None


@dataclass
class Round:
    """One question put to the group: who is expected to answer, the answers, then the ratings."""

    index: int
    question_id: str
    opened_at: datetime
    deadline: datetime
    expected: list[str]  # the members when it opened: only they are graded for it
    answers: dict[str, GroupAnswer] = field(default_factory=dict)
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)  # rater -> rated member -> 1..5
    revealed_at: datetime | None = None
    skipped: bool = False  # the host skipped it: not graded, not counted

    @property
    def everyone_answered(self) -> bool:
        """Whether every expected member has answered."""
        return all(user in self.answers for user in self.expected)


@dataclass
class GroupSession:
    """A study group's session in one thread, hosted by the person who started it."""

    id: str
    host: str
    role: str
    planned: int  # main questions
    minutes: int  # per round
    plan: list[str]  # question ids, one per round
    created_at: datetime
    phase: Phase = Phase.LOBBY
    members: list[str] = field(default_factory=list)  # in the order they joined; the host first
    left: list[str] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    settled: bool = False  # finished, and every member's own interview and scorecard stored

    @property
    def needs_settling(self) -> bool:
        """Finished, but the members' own interviews are not stored yet (a worker stopped in between)."""
        return self.phase is Phase.FINISHED and not self.settled

    @property
    def current(self) -> Round | None:
        """The round open or being rated, if any."""
        return self.rounds[-1] if self.rounds and self.phase in (Phase.ANSWERING, Phase.RATING) else None

    @property
    def due_at(self) -> datetime | None:
        """When a sweeper must act: the open round's deadline, or the end of the rating window; else None."""
        if self.needs_settling:
            return self.created_at  # at once: the sweeper finishes what a stopped worker began
        current = self.current
        if current is None:
            return None
        if self.phase is Phase.ANSWERING:
            return current.deadline
        assert current.revealed_at is not None
        return current.revealed_at + timedelta(minutes=RATING_MINUTES)

    def is_member(self, user: str) -> bool:
        """Whether user has joined and not left."""
        return user in self.members

    def join(self, user: str) -> bool:
        """Add user; True when this join fills the session (it starts by itself then)."""
        if self.is_member(user):
            raise GroupRefusal("You are in this study group already.")
        if self.phase is not Phase.LOBBY:
            raise GroupRefusal("This session has started, so it takes no new members; join the next one.")
        if len(self.members) >= MEMBERS[1]:
            raise GroupRefusal(f"This session is full ({MEMBERS[1]} members); join the next one.")
        self.members.append(user)
        return len(self.members) == MEMBERS[1]

    def leave(self, user: str) -> None:
        """Take user out: they are not graded for rounds still to come."""
        if not self.is_member(user):
            raise GroupRefusal("You are not in this study group.")
        if user == self.host:
            raise GroupRefusal("You host this session: press End to stop it for everyone.")
        if not self.phase.is_open:
            raise GroupRefusal("This session is over.")
        self.members.remove(user)
        self.left.append(user)
        current = self.current
        if current is not None and self.phase is Phase.ANSWERING and user not in current.answers:
            current.expected.remove(user)  # a leaver is not marked "no answer" for the round they walked out of

    def start(self, by: str, now: datetime) -> None:
        """The host starts: the first round opens."""
        self._host_only(by)
        if self.phase is not Phase.LOBBY:
            raise GroupRefusal("This session has started already.")
        if len(self.members) < MEMBERS[0]:
            raise GroupRefusal(f"A study group needs at least {MEMBERS[0]} members: wait for someone to join.")
        self.open_round(now)

    def open_round(self, now: datetime) -> Round:
        """Open the next round of the plan."""
        index = len(self.rounds)
        opened = Round(
            index=index,
            question_id=self.plan[index],
            opened_at=now,
            deadline=now + timedelta(minutes=self.minutes),
            expected=list(self.members),
        )
        self.rounds.append(opened)
        self.phase = Phase.ANSWERING
        return opened

    def answer(self, user: str, text: str, now: datetime, *, source: str = "typed", at: int = 0) -> Round:
        """Take user's answer to the open round (hidden until the reveal); the round it answers. at: the round (from
        1) it was written for, as a form opened under a question says; refused once another has opened."""
        if at and len(self.rounds) != at:
            raise GroupRefusal(QUESTION_CLOSED)
        if not self.is_member(user):
            raise GroupRefusal("You are not in this study group, so your answer is not graded; join the next one.")
        current = self.current
        if current is None or self.phase is not Phase.ANSWERING:
            raise GroupRefusal("No question is open for answers right now.")
        if user not in current.expected:
            raise GroupRefusal("You joined after this question opened: you can answer the next one.")
        if user in current.answers:
            raise GroupRefusal("You have answered this question already; the answers show when the round closes.")
        current.answers[user] = GroupAnswer(text=text, at=now, source=source)
        return current

    def reveal(self, now: datetime) -> Round:
        """Close the open round: its answers are shown and rated from now on (the caller grades them first)."""
        current = self.current
        if current is None or self.phase is not Phase.ANSWERING:
            raise GroupRefusal("No question is open.")
        current.revealed_at = now
        self.phase = Phase.RATING
        return current

    def rate(self, rater: str, rated: str, value: int, *, round_index: int) -> None:
        """rater's rating (1–5) of rated's answer in round round_index, while that round is being rated."""
        if not self.is_member(rater):
            raise GroupRefusal("Only the members of this study group rate its answers.")
        current = self.current
        if current is None or self.phase is not Phase.RATING or current.index != round_index:
            raise GroupRefusal("Ratings for that question are closed.")
        if rated not in current.expected:
            raise GroupRefusal("That member was not asked this question.")
        if not RATINGS[0] <= value <= RATINGS[1]:
            raise GroupRefusal(f"A rating is from {RATINGS[0]} to {RATINGS[1]}.")
        current.ratings.setdefault(rater, {})[rated] = value

    def control(self, by: str, at: int) -> None:
        """Whether the host may Skip or move on from round at (from 1; 0: whichever is current): a control under
        a question that has moved on is refused, so a second click never skips or cuts short the next one."""
        self._host_only(by)
        current = self.current
        if at and (current is None or current.index != at - 1):
            raise GroupRefusal("That question has moved on: use the buttons under the latest one.")

    def skip(self, by: str) -> None:
        """The host skips the open round: it is not graded or counted."""
        self._host_only(by)
        current = self.current
        if current is None or self.phase is not Phase.ANSWERING:
            raise GroupRefusal("No question is open to skip.")
        current.skipped = True
        self.phase = Phase.RATING  # nothing to rate: next_round moves on at once

    def next_round(self, now: datetime) -> Round | None:
        """After a reveal (or a skip): open the next round, or finish; the round opened, None when it finished."""
        if self.phase is not Phase.RATING:
            raise GroupRefusal("The answers of this question are not out yet.")
        if len(self.rounds) < min(self.planned, len(self.plan)):
            return self.open_round(now)
        self.finish()
        return None

    def end(self, by: str) -> None:
        """The host ends the session now: finished if any round was revealed, else ended with nothing to score."""
        self._host_only(by)
        if not self.phase.is_open:
            raise GroupRefusal("This session is over.")
        self.finish()

    def finish(self) -> None:
        """No more rounds: the scorecard covers the rounds revealed."""
        counted = [r for r in self.rounds if r.revealed_at is not None and not r.skipped]
        self.phase = Phase.FINISHED if counted else Phase.ENDED

    def _host_only(self, by: str) -> None:
        if by != self.host:
            raise GroupRefusal("Only the host of this session can do that.")
