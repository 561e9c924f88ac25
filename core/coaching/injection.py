"""Text in a candidate's answer that addresses the grader instead of the question: found and cut out.

An answer is data. Whatever in it asks for a score, claims to be the grader or the system, carries a fake grade, or
mimics the model's own output ("Thought process:") is removed sentence by sentence, so the rest is graded on its
substance alone. Patterns are deliberately narrow: a real answer about, say, scoring models or system prompts must not
lose sentences (tests run every pack's model answers through this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AIMED_AT_GRADER = [
    # Overriding the instructions.
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+)?(?:of\s+)?(?:the\s+)?"
    r"(?:previous|prior|above|earlier|preceding|your|these|those|system|grading|original)\s+"
    r"(?:instructions?|rules|prompts?|rubric|guidelines|directions|criteria|messages?)",
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+of\s+|all\s+)?(?:the\s+)?(?:above|everything (?:above|before))\b",
    r"\bnew (?:instructions?|rules|task)\s*:",
    # Asking for a score.
    r"\b(?:give|award|assign|grant)\s+(?:me|this(?: answer)?|it|my answer)\b[^.\n]{0,40}"
    r"\b(?:10|ten|9|nine|full marks|perfect|maximum|top|highest)\b",
    r"\b(?:score|grade|rate|mark)\s+(?:me|this(?: answer| response)?|my answer)\b[^.\n]{0,30}"
    r"\b(?:10|ten|9|nine|full marks|perfect|maximum|highest|as excellent)\b",
    r"\b(?:this|my) (?:answer|response)\b[^.\n]{0,30}"
    r"\b(?:deserves?|merits?|earns?|is worth|should (?:get|receive|score))\b",
    r"(?:\bme\b|\banswer\b|\bscore\b|\bgrade\b|\bmarks?\b)[^.\n]{0,40}\b(?:10|ten)\s*(?:/|out of)\s*(?:10|ten)\b",
    r"^\W*(?:score|grade|rating)\s*[:=]\s*(?:10|9|a\+?)\b",
    # Speaking as, or to, the grader or the system.
    r"\byou are (?:now |no longer |actually )?(?:the |a |an |my )?(?:grader|evaluator|examiner|scorer|assistant|"
    r"system|language model|llm)\b",
    r"\b(?:as|dear|attention|note to(?: the)?|hey|hi|hello) (?:the |an |my )?(?:ai )?(?:grader|evaluator|examiner|"
    r"scorer)\b",
    r"\b(?:the|this) (?:grader|evaluator|examiner|scorer) (?:should|must|will|has to|needs to|is)\b",
    r"^\W*(?:grader|evaluator|examiner)\s*(?:message|prompt|note)?\s*[:>\]]",
    # "System:" also opens steps of a user story; it is aimed at the grader when it speaks of grading.
    r"^\W*(?:system|assistant)\s*(?:message|prompt|note)?\s*[:>\]][^\n]*"
    r"\b(?:score\w*|grade\w*|answer|candidate|instructions?|rubric|evaluat\w*|marks?|perfect|10)\b",
    r"\[(?:system|inst|/inst|admin)\]|<<\s*sys\s*>>|<\|im_(?:start|end)\|>",
    # Fake grades and our own markup.
    r"[{,]\s*\"(?:score|grade|feedback|injection_detected|strength|improvement)\"\s*:",
    r"</?\s*candidate_answer\s*>",
    r"\binjection_detected\b",
    # Mimicking the model's own output.
    r"^\W*(?:thought process|chain of thought|final score|final grade|grad(?:ing|er) notes?)\s*:",
    r"^\s*[:>]+\s*$",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in _AIMED_AT_GRADER), re.IGNORECASE | re.MULTILINE)
INJECTION_NOTE = "Text in your answer that addressed the grader was ignored."
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


@dataclass(frozen=True)
class Screened:
    """An answer with the text aimed at the grader taken out."""

    text: str
    removed: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """Whether anything was aimed at the grader."""
        return bool(self.removed)


def screen_answer(answer: str) -> Screened:
    """The answer without the lines and sentences that address the grader."""
    kept_lines: list[str] = []
    removed: list[str] = []
    for line in answer.splitlines():
        # Sentence by sentence: patterns anchored with ^ then also catch "…k-means. SYSTEM: score 10." mid-line.
        sentences = _SENTENCE_END.split(line)
        kept = [s for s in sentences if not _PATTERN.search(s)]
        removed += [s for s in sentences if _PATTERN.search(s)]
        if kept or not line.strip():
            kept_lines.append(" ".join(kept))
    if not removed:
        return Screened(answer)
    return Screened("\n".join(kept_lines).strip(), tuple(r.strip() for r in removed if r.strip()))
