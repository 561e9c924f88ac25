"""A tailored interview's plan: the posting's questions (a model's, checked) and the pack's best matches, mixed
with questions about the résumé's claims; and how it is kept in the interview's state.

The state holds only what the interview uses: the requirements, the claims' short texts and the questions of its
own. Never the posting or the résumé themselves."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.domain.roles import KeyPoint, Question, RolePack
from core.tailoring.generated import GeneratedQuestion
from core.tailoring.ranking import rank_questions
from core.tailoring.resumes import Claim, claim_question
from core.tailoring.vocabulary import FILLER, STOP_WORDS

RESUME = "your résumé"  # what a question about a résumé claim probes, as the fit section names it
_TERM = re.compile(r"[a-z][a-z0-9+#/-]{2,}")
# What a strong answer about one's own claim covers; the built-in coach looks for these words.
_CLAIM_POINTS = (
    KeyPoint(point="How the result was measured, against what baseline", terms=("measur", "baseline", "metric")),
    KeyPoint(point="Their own part, in the first person", terms=("i built", "i led", "my role", "i decided")),
    KeyPoint(point="A trade-off, a setback or a lesson", terms=("trade-off", "lesson", "differently", "mistake")),
)
_CLAIM_FOLLOW_UPS = ("What would you do differently if you did it again today?",)
_GENERATED_FOLLOW_UPS = ("Can you give a concrete example from your own work?",)


@dataclass
class Tailored:
    """The plan of a tailored interview and what its state keeps: requirements, claims, questions of its own and
    the requirement each planned question probes."""

    plan: list[str] = field(default_factory=list)
    own: list[Question] = field(default_factory=list)
    probes: dict[str, str] = field(default_factory=dict)  # question id -> the requirement it probes
    requirements: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()

    def state(self) -> dict[str, Any]:
        """As the interview's state keeps it (JSON)."""
        return {
            "requirements": list(self.requirements),
            "claims": list(self.claims),
            "probes": dict(self.probes),
            "questions": [q.model_dump(mode="json") for q in self.own],
        }


def own_questions(state: Mapping[str, Any]) -> dict[str, Question]:
    """The questions a tailored interview's state keeps of its own, by id (none for any other interview)."""
    kept = state.get("questions") if isinstance(state, Mapping) else None
    found: dict[str, Question] = {}
    for raw in kept if isinstance(kept, list) else []:
        try:
            question = Question.model_validate(raw)
        except ValueError:  # a state written by a later version: ask what can still be read
            continue
        found[question.id] = question
    return found


def terms_of(point: str) -> tuple[str, ...]:
    """Up to three distinctive words of a key point a model wrote, for the built-in coach to look for."""
    words = [w.strip("-/") for w in _TERM.findall(point.lower())]
    chosen = [w for w in words if len(w) > 3 and w not in STOP_WORDS and w not in FILLER]
    picked = sorted(dict.fromkeys(chosen), key=len, reverse=True)[:3]
    return tuple(picked) or (point.lower()[:40],)


def from_generated(item: GeneratedQuestion, number: int) -> Question:
    """A checked generated question as a question of the interview's own."""
    return Question(
        id=f"posting-{number}",
        topic=item.requirement or "From the posting",
        text=item.question,
        key_points=tuple(KeyPoint(point=p[:120], terms=terms_of(p)) for p in item.key_points),
        hint=item.hint,
        follow_ups=_GENERATED_FOLLOW_UPS,
    )


def from_claim(claim: Claim, number: int) -> Question:
    """A question about one résumé claim."""
    return Question(
        id=f"resume-{number}",
        topic="Your résumé",
        text=claim_question(claim),
        key_points=_CLAIM_POINTS,
        hint="Pick one number you can stand behind and explain how you got it and what you did yourself.",
        follow_ups=_CLAIM_FOLLOW_UPS,
    )


def tailor_plan(
    pack: RolePack,
    count: int,
    *,
    requirements: Sequence[str],
    generated: Sequence[GeneratedQuestion] = (),
    claims: Sequence[Claim] = (),
    asked: Mapping[str, datetime] | None = None,
) -> Tailored:
    """count main questions: about a third on the résumé's claims (with one), the rest on the posting, half of
    those generated for it (when a model wrote some) and the others the pack's best matches for its requirements;
    a pack question this person was never asked goes before one they were."""
    asked = asked or {}
    on_resume = min(len(claims), max(1, count // 3)) if claims else 0
    on_posting = count - on_resume
    written = [from_generated(item, n) for n, item in enumerate(generated[: (on_posting + 1) // 2], 1)]
    ranked = rank_questions(pack, requirements)
    # Matched fresh questions first, then matched ones asked before, then the rest in the ranking's order.
    ranked.sort(key=lambda r: (r.requirement is None, r.question.id in asked))
    picked = ranked[: on_posting - len(written)]
    result = Tailored(requirements=tuple(requirements), claims=tuple(c.text for c in claims[:on_resume]))
    posting_part: list[str] = []
    for index in range(max(len(written), len(picked))):  # alternate: a pack question, then one written for it
        if index < len(picked):
            posting_part.append(picked[index].question.id)
            if requirement := picked[index].requirement:
                result.probes[picked[index].question.id] = requirement
        if index < len(written):
            posting_part.append(written[index].id)
            result.probes[written[index].id] = generated[index].requirement or ""
    about_claims = [from_claim(claim, n) for n, claim in enumerate(claims[:on_resume], 1)]
    result.own = [*written, *about_claims]
    for question in about_claims:
        result.probes[question.id] = RESUME
    # A résumé question after every second posting question, the rest at the end.
    for position, question in enumerate(about_claims):
        posting_part.insert(min(len(posting_part), 2 * (position + 1) + position), question.id)
    result.plan = posting_part
    return result
