"""Answers are cleaned the same way on every platform (`clean_text`, called by the service for typed answers and for
transcripts): an answer of only invisible characters is empty, and bidi controls that would reorder what the
scorecard shows never get through. Then the whole path: a terminal practice where such answers are typed."""

from __future__ import annotations

import json

import pytest

from core.coaching.model_grader import grade_from_data
from core.domain.text import clean_text, model_text
from tests.test_cli import GOOD, call_cli, env  # noqa: F401  (fixtures)

ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"
LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"
LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


@pytest.mark.parametrize(
    "invisible",
    [
        ZWSP,
        ZWSP * 50,
        f"{ZWSP}{ZWNJ}{ZWJ}{WJ}{BOM}{SHY}",
        f" {LRM}{RLM}{ALM}\t{ZWSP} ",
        f"{RLO}{PDF}{LRI}{PDI}",
        "\u3164\u115f\u2800",  # Hangul fillers and a blank braille cell: blank glyphs
        "\U000e0041\U000e0042\ufe0f\u034f",  # tag letters, a variation selector, the grapheme joiner
    ],
)
def test_an_answer_of_only_invisible_characters_is_empty(invisible: str) -> None:
    assert clean_text(invisible) == ""


@pytest.mark.parametrize("control", [LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI])
def test_every_bidi_embedding_override_and_isolate_is_removed(control: str) -> None:
    assert clean_text(f"My answer{control} scores 10/10") == "My answer scores 10/10"


def test_an_override_that_would_reverse_the_scorecard_text_is_removed() -> None:
    # Shown as "... I deserve 10/10" once reversed by RLO: the text stays in the order it was typed.
    assert clean_text(f"Joins fan out rows {RLO}01/01 evresed I{PDF}.") == "Joins fan out rows 01/01 evresed I."


def test_direction_marks_go_from_left_to_right_text_and_stay_in_right_to_left_text() -> None:
    assert clean_text(f"score {RLM}10{LRM}/10{ALM}") == "score 10/10"  # they could only reorder it
    hebrew = f"שלום {RLM}(SQL) עולם"
    arabic = f"مرحبا{ALM} 2024"
    assert clean_text(hebrew) == hebrew and clean_text(arabic) == arabic  # a writer's own punctuation fixes


def test_invisible_characters_inside_words_go_but_joiners_that_shape_scripts_and_emoji_stay() -> None:
    assert clean_text(f"de{SHY}nor{ZWSP}mal{WJ}ise {BOM}the data") == "denormalise the data"
    family, persian = f"👩{ZWJ}💻 coded", f"می{ZWNJ}خواهم"
    assert clean_text(family) == family and clean_text(persian) == persian


def test_what_the_cleaning_did_before_still_holds() -> None:
    assert clean_text("a\x1b[31mred\x1b[0m\x07 answer\ttab\nline") == "ared answer\ttab\nline"


def test_at_the_terminal_an_invisible_answer_asks_for_a_hint_and_overrides_never_reach_the_report(
    env: dict[str, str],  # noqa: F811
) -> None:
    tricked = f"{GOOD} {RLO}01/01 evresed I{PDF} {LRI}ok{PDI}"
    answers = f"{ZWSP}{ZWJ}{BOM}{SHY}{RLM}\n{tricked}\nend\n"
    done = call_cli(["practice", "--role", "ds", "--questions", "2", "--user", "rtl"], env, answers)
    assert done.returncode == 0, done.stderr
    assert "Hint" in done.stdout  # the invisible answer was an empty line: a hint, nothing stored
    for control in (RLO, PDF, LRI, PDI):
        assert control not in done.stdout.split("Scorecard", 1)[1]
    history = call_cli(["history", "--user", "rtl"], env)
    document = json.loads(
        call_cli(["report", history.stdout.splitlines()[1].split()[0], "--format", "json"], env).stdout
    )
    stored = [t["answer"] for t in document["turns"] if t["answer"] is not None]
    assert stored == [f"{GOOD} 01/01 evresed I ok"]  # one answer, and no control character in it


def test_the_models_feedback_never_carries_bidi_controls_to_the_scorecard() -> None:
    quoted = "You wrote \u202egnp.exe\u202c about the join."
    grade = grade_from_data({"score": 6, "feedback": quoted, "strength": "\u2066clear\u2069", "improvement": None}, "")
    assert grade.feedback == "You wrote gnp.exe about the join."
    assert grade.strength == "clear" and grade.improvement == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [("{", ""), ("][", ""), ("...", ""), (None, ""), ("  Clear. ", "Clear."), ("出色", "出色"), ("7/10", "7/10")],
)
def test_a_model_text_field_with_no_letter_or_digit_is_left_empty(value: object, shown: str) -> None:
    # SmolLM2-135M on llama.cpp wrote summaries and feedback like these (docs/real-servers.md): they say nothing.
    assert model_text(value) == shown
