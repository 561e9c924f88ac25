"""The grading benchmark: its labelled set covers every role, and `python -m bench.grading --json` reports its keys."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.grading import run, spearman
from bench.grading_set import LEVELS, MIN_QUESTIONS, load_set, padded
from core.coaching.keypoints import measure_coverage
from core.domain.roles import KeyPoint, load_catalog
from core.domain.text import word_count
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_role_has_at_least_eight_pack_questions_answered_at_five_levels() -> None:
    catalog = load_catalog()
    labelled = load_set(catalog)  # raises on an unknown role or question, or a level without an answer
    per_role = Counter(item.role for item in labelled)
    assert set(per_role) == set(catalog.ids)
    assert min(per_role.values()) >= MIN_QUESTIONS, per_role
    assert len({item.key for item in labelled}) == len(labelled)  # no question labelled twice
    for item in labelled:
        assert set(item.answers) == set(LEVELS)
        # Long off-topic and developed strong answers: the levels mean what they say.
        assert word_count(item.answers["off_topic"]) >= 60, item.key
        assert word_count(item.answers["strong"]) > word_count(item.answers["weak"]), item.key


def test_answers_do_not_copy_the_key_points_wording() -> None:
    for item in load_set(load_catalog()):
        said = " ".join(item.answers.values()).lower()
        copied = [kp.point for kp in item.question.key_points if kp.point.lower().rstrip(".") in said]
        assert not copied, (item.key, copied)


def test_padding_triples_the_length_and_spearman_averages_tied_ranks() -> None:
    assert word_count(padded("one two three four five six", 0)) >= 18
    assert spearman([0, 1, 2, 3], [1, 1, 5, 9]) == spearman([0, 1, 2, 3], [1, 1, 6, 7])
    assert round(spearman([0, 0, 1, 1], [2, 2, 2, 2]), 6) == 0.0  # all tied: no correlation, not a crash


def test_the_benchmark_runs_on_a_subset_and_emits_one_json_object_with_its_keys(tmp_path: Path) -> None:
    # No key and no .env (the working directory is empty): the built-in coach grades, never a real model.
    env = {**os.environ, "OPENAI_API_KEY": "", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bench.grading", "--json", "--roles", "law", "--questions", "2", "--regrades", "2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures = json.loads(result.stdout)
    assert set(figures) == {
        "grader",
        "questions",
        "means",
        "monotone_share",
        "spearman",
        "regrade_spread",
        "padding_gain",
        "injection_gain",
    }
    assert figures["questions"] == 2
    assert set(figures["means"]) == set(LEVELS)
    assert figures["grader"] == "offline coach"
    assert figures["regrade_spread"] == 0  # the built-in coach is deterministic


def test_the_built_in_coach_meets_the_issues_targets_on_the_whole_set() -> None:
    figures, _rows = asyncio.run(run(Settings(OPENAI_API_KEY=None), regrades=1))
    assert figures["grader"] == "offline coach"
    assert figures["means"]["strong"] >= 7.5, figures
    assert figures["means"]["garbage"] <= 1.5, figures
    assert figures["monotone_share"] >= 0.9, figures  # 0.094 before the grader judged topic and filler
    assert figures["padding_gain"] <= 0, figures  # +0.49 before: filler past 60 words earned a point
    assert figures["injection_gain"] <= 0, figures


@pytest.mark.parametrize(
    ("term", "word"), [("expir", "expiry"), ("immutab", "immutable"), ("stratif", "stratified"), ("feasib", "feasible")]
)
def test_a_key_point_term_written_as_a_bare_stem_matches_the_words_it_starts(term: str, word: str) -> None:
    point = KeyPoint(point="A point", terms=(term,))
    assert measure_coverage(f"We talked about {word} today.", (point,)).covered
