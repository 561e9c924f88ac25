"""Who gave each grade, said plainly: the AI model by its name, or the built-in coach, so that a fallback grade never
passes for the model's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from core.domain.models import Grade, Turn

BUILTIN_GRADER = "built-in coach"


def grader_of(grade: Grade) -> str:
    """ "AI model gpt-4o-mini", "AI model" (a grade stored before the model's name was kept) or "built-in coach"."""
    if grade.grader != "model":
        return BUILTIN_GRADER
    return f"AI model {grade.model}" if grade.model else "AI model"


def graded_by(turns: Sequence[Turn]) -> tuple[str, bool]:
    """The line that says who graded an interview's answers ("" when none was graded), and whether graders are mixed
    (then each answer names its own)."""
    counts = Counter(grader_of(t.grade) for t in turns if t.grade and t.answer is not None)
    if not counts:
        return "", False
    if len(counts) == 1:
        return f"Graded by the {next(iter(counts))}.", False
    shares = [f"the {name} ({n} answer{'' if n == 1 else 's'})" for name, n in counts.most_common()]
    line = f"Graded by {', '.join(shares[:-1])} and {shares[-1]}: each answer says which."
    if BUILTIN_GRADER in counts:
        line += " The built-in coach grades when the model cannot (an outage, or today's budget spent)."
    return line, True
