"""How well the configured grader ranks answers of known quality: the grading benchmark.

    python -m bench.grading [--json] [--roles data-science,law] [--questions 8] [--regrades 3]

Grades the labelled set under bench/grading/ (every role, answers at five levels: garbage, weak, partial, strong and
a long off-topic one, plus padded and injected variants of the partial and strong answers) with the grader the
product would use: the built-in coach when OPENAI_API_KEY is unset, the model otherwise (OPENAI_BASE_URL and
MOCK_INTERVIEW_MODEL as for the bot). Each grade goes through the product's grade rules, as a stored grade does.

Figures: `means` (level -> mean score); `monotone_share` (questions whose scores rise strictly, garbage < weak <
partial < strong, with off-topic strictly below partial: a tie counts as not rising); `spearman` (tie-aware rank
correlation of score with level over garbage..strong, all questions pooled); `regrade_spread` (mean max-min over
`--regrades` gradings of each answer); `padding_gain` and `injection_gain` (mean score change when filler triples an
answer's length, or when an instruction to the grader is appended).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
from collections.abc import Sequence
from typing import Any

from bench.common import print_figures
from bench.grading_set import LEVELS, RANKED, VARIED, LabelledQuestion, injected, load_set, padded
from bots.bootstrap import build_coaches, model_clients  # the composition root's own choice of grader
from core.coaching.coach import Coach
from core.coaching.flow import GradeRequest
from core.coaching.rules import apply_grade_rules
from core.domain.models import TurnKind
from core.domain.roles import RoleCatalog, RolePack, load_catalog
from core.ports import ModelError
from core.settings import Settings

CONCURRENCY = 8  # model calls in flight at once


async def _score(coach: Coach, pack: RolePack, item: LabelledQuestion, answer: str, gate: asyncio.Semaphore) -> int:
    """One grade of one answer to a main question, with the product's rules applied (as turns.py does)."""
    pack_question = item.question
    request = GradeRequest(
        pack=pack,
        kind=TurnKind.QUESTION,
        asked=pack_question.text,
        answer=answer,
        key_points=pack_question.key_points,
        main_question=pack_question.text,
    )
    async with gate:
        grade, _usage = await coach.grader.grade(request)
    return apply_grade_rules(grade, answer=answer, kind=TurnKind.QUESTION).score


async def _grade_question(
    coach: Coach, pack: RolePack, item: LabelledQuestion, n: int, regrades: int, gate: asyncio.Semaphore
) -> dict[str, list[int]]:
    """Every grade of one question's answers: each level `regrades` times, each variant once."""
    texts = {level: item.answers[level] for level in LEVELS}
    for level in VARIED:
        texts[f"{level}_padded"] = padded(item.answers[level], n)
        texts[f"{level}_injected"] = injected(item.answers[level], n)
    times = {name: regrades if name in LEVELS else 1 for name in texts}
    jobs = [(name, _score(coach, pack, item, text, gate)) for name, text in texts.items() for _ in range(times[name])]
    scores = await asyncio.gather(*(job for _, job in jobs))
    graded: dict[str, list[int]] = {name: [] for name in texts}
    for (name, _), score in zip(jobs, scores, strict=True):
        graded[name].append(score)
    return graded


def rises(scores: dict[str, int]) -> bool:
    """Strictly rising garbage < weak < partial < strong, and off-topic strictly below partial (ties fail)."""
    ranked = [scores[level] for level in RANKED]
    return all(a < b for a, b in itertools.pairwise(ranked)) and scores["off_topic"] < scores["partial"]


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks of values, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation with tied values given average ranks (Pearson's r of the ranks)."""
    rx, ry = average_ranks(xs), average_ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else 0.0


def figures(grader: str, graded: list[dict[str, list[int]]]) -> dict[str, Any]:
    """The benchmark's figures from every question's grades (the first grading of each answer counts)."""
    first = [{name: scores[0] for name, scores in q.items()} for q in graded]
    levels = [rank for q in first for rank, _ in enumerate(RANKED)]
    scores = [q[level] for q in first for level in RANKED]
    gains = {
        kind: statistics.fmean(q[f"{level}_{kind}"] - q[level] for q in first for level in VARIED)
        for kind in ("padded", "injected")
    }
    return {
        "grader": grader,
        "questions": len(graded),
        "means": {level: round(statistics.fmean(q[level] for q in first), 2) for level in LEVELS},
        "monotone_share": round(sum(rises(q) for q in first) / len(first), 3),
        "spearman": round(spearman(levels, scores), 3),
        "regrade_spread": round(
            statistics.fmean(max(s) - min(s) for q in graded for lv, s in q.items() if lv in LEVELS), 3
        ),
        "padding_gain": round(gains["padded"], 2),
        "injection_gain": round(gains["injected"], 2),
    }


def select(labelled: list[LabelledQuestion], roles: list[str] | None, per_role: int | None) -> list[LabelledQuestion]:
    """The labelled questions of the roles asked for (all by default), at most per_role of each."""
    chosen: list[LabelledQuestion] = []
    for item in labelled:
        taken = sum(c.role == item.role for c in chosen)
        if (roles is None or item.role in roles) and (per_role is None or taken < per_role):
            chosen.append(item)
    return chosen


async def run(
    settings: Settings, *, roles: list[str] | None = None, per_role: int | None = None, regrades: int = 3
) -> tuple[dict[str, Any], list[tuple[str, dict[str, list[int]]]]]:
    """The figures, and every question's grades, with the grader these settings configure."""
    catalog: RoleCatalog = load_catalog(settings.roles_dir)
    items = select(load_set(catalog), roles, per_role)
    if not items:
        raise SystemExit("No labelled questions match: check --roles against the files in bench/grading/.")
    clients = model_clients(settings, None)
    coach = build_coaches(settings, clients[0] if clients else None).configured
    gate = asyncio.Semaphore(CONCURRENCY)
    try:
        graded = await asyncio.gather(
            *(_grade_question(coach, catalog.get(it.role), it, n, regrades, gate) for n, it in enumerate(items))
        )
    finally:
        if clients:
            await clients[0].close()
            await clients[1].close()
    return figures(coach.name, list(graded)), [(it.key, g) for it, g in zip(items, graded, strict=True)]


def print_table(rows: list[tuple[str, dict[str, list[int]]]]) -> None:
    """One line per question: its first grade at each level and of each variant, and whether it rises."""
    names = [*LEVELS, *(f"{lv}_{kind}" for lv in VARIED for kind in ("padded", "injected"))]
    short = ["garb", "weak", "part", "strong", "off", "p+pad", "p+inj", "s+pad", "s+inj"]
    width = max(len(key) for key, _ in rows) + 2
    print(f"{'question':<{width}}" + "".join(f"{s:>7}" for s in short) + "  rises")
    for key, graded in rows:
        first = {name: graded[name][0] for name in names}
        print(f"{key:<{width}}" + "".join(f"{first[n]:>7}" for n in names) + ("  yes" if rises(first) else "  NO"))
    print()


def main() -> None:
    """Print the per-question table and the figures, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object with the figures")
    parser.add_argument("--roles", help="comma-separated role ids (default: every role with a labelled set)")
    parser.add_argument("--questions", type=int, help="at most this many questions per role")
    parser.add_argument("--regrades", type=int, default=3, help="gradings of each answer, for regrade_spread")
    args = parser.parse_args()
    roles = args.roles.split(",") if args.roles else None
    try:
        result, rows = asyncio.run(
            run(Settings(), roles=roles, per_role=args.questions, regrades=max(1, args.regrades))
        )
    except ModelError as exc:  # a benchmark with answers left ungraded would measure nothing: stop and say why
        raise SystemExit(
            f"The model could not grade an answer ({type(exc).__name__}). Check OPENAI_BASE_URL, MOCK_INTERVIEW_MODEL "
            "and OPENAI_API_KEY, or unset OPENAI_API_KEY to measure the built-in coach."
        ) from None
    if not args.json:
        print_table(rows)
    print_figures(result, as_json=args.json)


if __name__ == "__main__":
    main()
