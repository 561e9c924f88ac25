"""The scorecard's fit section of a tailored interview: each requirement of the posting, the answers that covered it
and how well, and the requirements the interview never reached."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.models import Interview
from core.tailoring.tailored import RESUME


@dataclass(frozen=True)
class Fit:
    """Lines for the scorecard: one per requirement an answer covered, and the requirements no answer reached."""

    covered: tuple[str, ...] = ()
    unreached: tuple[str, ...] = ()


def _how_well(score: float) -> str:
    if score >= 8:
        return "well covered"
    if score >= 6:
        return "covered, with gaps"
    return "weak"


def fit_of(interview: Interview) -> Fit:
    """The fit section of a tailored interview (empty for any other)."""
    tailored = interview.tailoring
    if not tailored:
        return Fit()
    plan: list[str] = interview.state.get("plan", [])
    probes: dict[str, str] = tailored.get("probes") or {}
    requirements = [r for r in tailored.get("requirements") or [] if isinstance(r, str)]
    # Which main answers (by seq, with their best score) each requirement got.
    answers: dict[str, list[tuple[int, int]]] = {}
    for turn in interview.turns:
        index = turn.question_index
        if index is None or not 0 <= index < len(plan) or turn.answer is None or turn.grade is None:
            continue
        requirement = probes.get(plan[index])
        if requirement:
            answers.setdefault(requirement, []).append((turn.seq, turn.grade.score))
    covered: list[str] = []
    for requirement in [*requirements, RESUME]:
        got = answers.get(requirement)
        if not got:
            continue
        best = max(score for _, score in got)
        seqs = ", ".join(str(seq) for seq, _ in got)
        which = "answer" if len(got) == 1 else "answers"
        covered.append(f"{requirement}: {which} {seqs}, best {best}/10 ({_how_well(best)})")
    unreached = tuple(r for r in requirements if r not in answers)
    return Fit(tuple(covered), unreached)
