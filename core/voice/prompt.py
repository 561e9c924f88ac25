"""The transcription prompt: the current question, then the glossary terms most related to it, within Whisper's window.

Whisper reads only the last 224 tokens of a prompt and takes its spelling from it, so "k-means" and "bias-variance
tradeoff" come out right when they are there. We fit the prompt into the window ourselves, so what is cut is the least
related terms, never the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from core.domain.roles import Question
from core.domain.text import shorten

PROMPT_TOKEN_WINDOW = 224
# Whisper drops "um" and "uh" unless the prompt shows them; delivery feedback needs them kept.
FILLER_STYLE = "Umm, so, uh, let me think, like, hmm."
_MAX_QUESTION_TOKENS = 90  # a very long question leaves room for terms
_MIN_WORD = 4  # shorter words ("a", "the", "of") say nothing about relatedness
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")


def estimate_tokens(text: str) -> int:
    """A cautious count of GPT-2 BPE tokens: English runs ~4 characters a token, jargon and punctuation fewer."""
    return -(-len(text) // 3)


def rank_terms(glossary: Sequence[str], *, question: str, main: Question | None) -> list[str]:
    """Glossary terms, most related to the question first: named in it, then in its key points, then by likeness."""
    asked = question.lower()
    points = " ".join(kp.point for kp in main.key_points).lower() if main else ""
    point_terms = {t for kp in main.key_points for t in kp.terms} if main else set()
    context_words = sorted({w for w in _WORD.findall(f"{asked} {points}") if len(w) >= _MIN_WORD})

    def relevance(term: str) -> float:
        low = term.lower()
        if low in asked:
            return 300.0
        if low in point_terms or low in points:
            return 200.0
        # The closest single word: "customer segmentation" is near a question about "customers".
        words = [w for w in _WORD.findall(low) if len(w) >= _MIN_WORD]
        matches = (process.extractOne(w, context_words, scorer=fuzz.ratio) for w in words) if context_words else ()
        return max((m[1] for m in matches if m), default=0.0)

    unique = list(dict.fromkeys(t.strip() for t in glossary if t.strip()))
    return sorted(unique, key=relevance, reverse=True)  # stable: ties keep the pack's order


def transcription_prompt(
    *, question: str, glossary: Sequence[str], main: Question | None, window: int = PROMPT_TOKEN_WINDOW
) -> str:
    """A prompt that fits the window: filler style, the question, then as many related terms as fit."""
    budget = window - 8  # margin for the estimate
    question = shorten(question, _MAX_QUESTION_TOKENS * 3)  # at most 90 tokens by estimate_tokens
    prompt = f"{FILLER_STYLE} {question}"
    terms: list[str] = []
    for term in rank_terms(glossary, question=question, main=main):
        candidate = f"{prompt} Terms: {', '.join([*terms, term])}."
        if estimate_tokens(candidate) > budget:
            break
        terms.append(term)
    return f"{prompt} Terms: {', '.join(terms)}." if terms else prompt
