"""Text folded to plain Latin letters for screening: what a disguised instruction looks like underneath.

Only the injection screen reads folded text; the answer itself is stored, shown and graded with its own characters.
Folding sees through the disguises that slip an instruction past word patterns: full-width and styled letters
(NFKD, the compatibility half of NFKC), accents, soft hyphens and zero-width characters, invisible Unicode tag
characters, and Cyrillic or Greek letters that look Latin.
"""

from __future__ import annotations

import unicodedata

# Letters drawn like Latin ones in common fonts. Only look-alikes: a Russian or Greek word folds to a string of
# mixed letters that no English pattern matches, so honest answers in those languages lose nothing.
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k", "і": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y", "Һ": "H", "Ӏ": "I", "Ԛ": "Q", "Ԝ": "W",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
        # Armenian, Latin small capitals and dotless i
        "օ": "o", "ս": "u", "ı": "i", "ɡ": "g", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g",
        "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r",
        "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
        # Punctuation that NFKD leaves alone
        "꞉": ":", "∶": ":", "⁄": "/", "∕": "/",
    }
)  # fmt: skip
_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007E  # tag characters shadowing printable ASCII


def _untagged(text: str) -> str:
    """text with Unicode tag characters read as the ASCII they shadow (some models read them)."""
    if not any(ord(c) >= _TAG_FIRST for c in text):
        return text
    return "".join(chr(ord(c) - 0xE0000) if _TAG_FIRST <= ord(c) <= _TAG_LAST else c for c in text)


def folded(text: str) -> tuple[str, ...]:
    """text as plain letters, once with invisible characters dropped and, if it has any, once with them as spaces.

    Both readings are needed: a zero-width space inside a word ("I\u200bgnore") hides the word, one between words
    ("Ignore\u200bprevious") hides the space.
    """
    if text.isascii():
        return (text,)  # nothing to fold: every disguise above is a character past ASCII
    decomposed = unicodedata.normalize("NFKD", _untagged(text))
    # Accents (and variation selectors) are combining marks: dropped, so "précédentes" reads "precedentes".
    letters = "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Mn")
    dropped = "".join(c for c in letters if unicodedata.category(c) != "Cf").translate(_LOOK_ALIKES)
    if len(dropped) == len(letters):
        return (dropped,)
    spaced = "".join(" " if unicodedata.category(c) == "Cf" else c for c in letters).translate(_LOOK_ALIKES)
    return (dropped, spaced)
