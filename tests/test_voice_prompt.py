"""The transcription prompt: the question, then the most related glossary terms, inside Whisper's 224-token window."""

from __future__ import annotations

import pytest

from core.domain.roles import RoleCatalog, load_catalog
from core.voice.prompt import FILLER_STYLE, PROMPT_TOKEN_WINDOW, estimate_tokens, rank_terms, transcription_prompt


@pytest.fixture(scope="module")
def catalog() -> RoleCatalog:
    return load_catalog()


def test_every_prompt_of_every_pack_fits_the_window_and_starts_with_the_question(catalog: RoleCatalog) -> None:
    for pack in catalog.packs.values():
        for question in pack.questions:
            prompt = transcription_prompt(question=question.text, glossary=pack.glossary, main=question)
            assert estimate_tokens(prompt) <= PROMPT_TOKEN_WINDOW, (pack.id, question.id)
            assert prompt.startswith(f"{FILLER_STYLE} {question.text}"), (pack.id, question.id)
            assert "Terms: " in prompt  # there is always room for some vocabulary


def test_terms_the_question_names_come_first_then_its_key_point_terms(catalog: RoleCatalog) -> None:
    pack = catalog.resolve("data-science")
    question = next(q for q in pack.questions if "bias" in q.text.lower() and "variance" in q.text.lower())
    ranked = rank_terms(pack.glossary, question=question.text, main=question)
    named = [t for t in pack.glossary if t.lower() in question.text.lower()]
    assert named and ranked[: len(named)] == sorted(named, key=ranked.index)
    assert set(ranked[: len(named)]) == set(named)


def test_when_the_glossary_is_too_long_the_least_related_terms_are_the_ones_left_out() -> None:
    question = "How would you evaluate a k-means clustering of customers?"
    filler_terms = [f"unrelated concept number {i}" for i in range(80)]
    glossary = [*filler_terms[:40], "customer segmentation", "clustering", "k-means", *filler_terms[40:]]
    prompt = transcription_prompt(question=question, glossary=glossary, main=None)
    assert estimate_tokens(prompt) <= PROMPT_TOKEN_WINDOW
    terms = prompt.split("Terms: ", 1)[1].rstrip(".").split(", ")
    assert terms[:2] == ["clustering", "k-means"]  # named in the question, in the pack's order
    assert terms[2] == "customer segmentation"  # the closest of the rest
    assert len(terms) < len(glossary)  # something had to go, and it was not the related terms


def test_a_very_long_question_is_shortened_so_terms_still_fit() -> None:
    question = "Walk me through it. " * 80
    prompt = transcription_prompt(question=question, glossary=["A/B test", "p-value"], main=None)
    assert estimate_tokens(prompt) <= PROMPT_TOKEN_WINDOW
    assert prompt.endswith(("Terms: A/B test, p-value.", "Terms: p-value, A/B test."))
    assert "…" in prompt
