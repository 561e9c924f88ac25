"""Telling phone numbers from the other numbers a résumé is full of: years, date ranges, money, counts, versions."""

from __future__ import annotations

import re

PHONE = "[phone]"

# A run of digits and the separators phone numbers are written with (not commas, not en dashes: those are
# thousands and year ranges). It may start with + or a parenthesis, and ends on a digit.
_CANDIDATE = re.compile(r"(?<![\w+/.,-])(?:\+|\(\+?)?\d[\d \t().\-/]{5,}\d(?![\w])")
# Words before a number that make it a phone number whatever it looks like.
_LABEL = re.compile(r"(?:phone|tel|telephone|mobile|mob|cell|handy|telefon|whatsapp|fax)\.?\s*:?\s*$", re.IGNORECASE)
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-/]\s*(?:19|20)?\d\d")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")  # 1.200.000: a German or Spanish amount
_MONEY_BEFORE = re.compile(r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|inr|rs|salary|budget))\s*$", re.IGNORECASE)
# What follows a number that counts something ("1 000 000 users", "1.200.000 €", "3 000 k") rather than a phone.
_UNIT_AFTER = re.compile(r"^\s?(?:[%‰$€£¥₹]|[a-zäöüéè])")


def redact_phones(text: str) -> str:
    """text with every phone number replaced by "[phone]"; years, dates, money and counts left as they are."""
    return _CANDIDATE.sub(lambda m: PHONE if _is_phone(text, m) else m.group(), text)


def _is_phone(text: str, match: re.Match[str]) -> bool:
    """Whether a run of digits and separators is a phone number, by its shape and the words around it."""
    number = match.group()
    digits = sum(ch.isdigit() for ch in number)
    before = text[max(0, match.start() - 24) : match.start()]
    after = text[match.end() : match.end() + 3]
    if not 7 <= digits <= 15 or "\n" in number.strip():
        return False
    if _LABEL.search(before):
        return True
    if _MONEY_BEFORE.search(before) or _UNIT_AFTER.match(after):
        return False
    if number.startswith(("+", "(+")):
        return digits >= 8
    compact = number.strip()
    if any(p.fullmatch(compact) for p in (_DATE, _YEAR_RANGE, _DOTTED_QUAD, _DOTTED_THOUSANDS)):
        return False
    return _grouped_like_a_phone(compact)


def _grouped_like_a_phone(number: str) -> bool:
    """Whether the digit groups are a phone's: a bare run of 9+ digits, or groups mostly of 2 digits or more,
    and not just two years (2019 2023)."""
    groups = [g for g in re.split(r"[^\d]+", number) if g]
    if len(groups) == 1:
        return len(groups[0]) >= 9  # a bare 8-digit run is as likely a date (20230115) or an id
    if sum(len(g) == 1 for g in groups) > 1:
        return False  # "1 2 3 4 5 6 7": a list of numbers
    if len(groups) == 2 and all(re.fullmatch(r"(?:19|20)\d\d", g) for g in groups):
        return False
    return True
