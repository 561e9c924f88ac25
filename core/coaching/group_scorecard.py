"""The group scorecard: members ranked by the coach's mean, each beside their peers' mean rating and their own, on
one 1–10 scale, the calibration gaps in words, and the best answer to each question. Ratings show only as means."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from statistics import fmean

from core.domain.groups import RATINGS, GroupSession, Round

NO_ANSWER_SCORE = 1  # a member who did not answer a round scores as a skipped question does in a solo interview
IN_LINE = 0.75  # a gap smaller than this, on the 1–10 scale, is "in line"


def rating_on_ten(rating: float) -> float:
    """A 1–5 rating on the coach's 1–10 scale: 1 -> 1, 3 -> 5.5, 5 -> 10."""
    low, high = RATINGS
    return 1 + (rating - low) * 9 / (high - low)


@dataclass(frozen=True)
class MemberLine:
    """One member's line on the group scorecard (every mean on the 1–10 scale; None when there was nothing)."""

    user: str
    coach: float
    peers: float | None
    self_rating: float | None
    answered: int
    rounds: int

    @property
    def self_vs_peers(self) -> float | None:
        """Self minus peers."""
        return None if self.self_rating is None or self.peers is None else self.self_rating - self.peers

    @property
    def self_vs_coach(self) -> float | None:
        """Self minus coach."""
        return None if self.self_rating is None else self.self_rating - self.coach


@dataclass(frozen=True)
class BestAnswer:
    """The best answer to one question: whose, its score, and the question."""

    round_index: int
    question: str
    user: str | None  # None when nobody answered it
    score: int | None


@dataclass(frozen=True)
class GroupCard:
    """The group scorecard."""

    lines: tuple[MemberLine, ...]  # ranked: the coach's mean, highest first
    best: tuple[BestAnswer, ...]
    rounds: int  # counted: revealed and not skipped


def counted_rounds(session: GroupSession) -> list[Round]:
    """The rounds the scorecard covers: revealed, not skipped."""
    return [r for r in session.rounds if r.revealed_at is not None and not r.skipped]


def build_group_card(session: GroupSession, questions: Mapping[str, str]) -> GroupCard:
    """The scorecard of a session; questions: question id -> its text."""
    rounds = counted_rounds(session)
    people = list(dict.fromkeys(user for r in rounds for user in r.expected))
    lines = []
    for user in people:
        mine = [r for r in rounds if user in r.expected]
        scores = [_score(r, user) for r in mine]
        peers = [
            v
            for r in mine
            for rater, given in r.ratings.items()
            if rater != user
            for u, v in given.items()
            if u == user
        ]
        own = [r.ratings[user][user] for r in mine if user in r.ratings.get(user, {})]
        lines.append(
            MemberLine(
                user=user,
                coach=round(fmean(scores), 1),
                peers=round(rating_on_ten(fmean(peers)), 1) if peers else None,
                self_rating=round(rating_on_ten(fmean(own)), 1) if own else None,
                answered=sum(1 for r in mine if user in r.answers),
                rounds=len(mine),
            )
        )
    lines.sort(key=lambda line: -line.coach)  # stable: equal means keep the order members joined in
    best = tuple(_best(r, questions.get(r.question_id, r.question_id)) for r in rounds)
    return GroupCard(tuple(lines), best, len(rounds))


def _score(played: Round, user: str) -> int:
    answer = played.answers.get(user)
    return answer.score if answer is not None and answer.score is not None else NO_ANSWER_SCORE


def _best(played: Round, question: str) -> BestAnswer:
    graded = [(a.score, a.at, user) for user, a in played.answers.items() if a.score is not None]
    if not graded:
        return BestAnswer(played.index, question, None, None)
    score, _, user = max(graded, key=lambda g: (g[0], -g[1].timestamp()))  # the earlier of equal answers
    return BestAnswer(played.index, question, user, score)


def gap_words(gap: float | None, whom: str) -> str:
    """A calibration gap in words: "you rate yourself about 2 points above your peers"."""
    if gap is None:
        return ""
    if abs(gap) < IN_LINE:
        return f"you rate yourself in line with {whom}"
    points = round(abs(gap))
    amount = "about 1 point" if points <= 1 else f"about {points} points"
    return f"you rate yourself {amount} {'above' if gap > 0 else 'below'} {whom}"


def group_card_markdown(card: GroupCard, name: Callable[[str], str]) -> str:
    """The group scorecard as Markdown; name: how to show a member."""
    lines = [
        f"**Group scorecard**: {card.rounds} question{'s' if card.rounds != 1 else ''}, ranked by the coach's mean"
    ]
    for place, line in enumerate(card.lines, 1):
        who = name(line.user)
        peers = f"{line.peers:.1f}" if line.peers is not None else "–"
        own = f"{line.self_rating:.1f}" if line.self_rating is not None else "–"
        words = "; ".join(
            w for w in (gap_words(line.self_vs_peers, "your peers"), gap_words(line.self_vs_coach, "the coach")) if w
        )
        lines.append(
            f"{place}. **{who}**: coach {line.coach:.1f} · peers {peers} · self {own} "
            f"({line.answered} of {line.rounds} answered)" + (f"\n   _{words}_" if words else "")
        )
    lines.append("")
    lines.append("**Best answers**")
    for best in card.best:
        who = name(best.user) if best.user else "nobody answered"
        score = f" ({best.score}/10)" if best.score is not None else ""
        lines.append(f"Q{best.round_index + 1}. {best.question}\n   {who}{score}")
    return "\n".join(lines)
