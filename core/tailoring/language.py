"""Which language a posting is written in, by its share of each language's commonest words (no model, no library)."""

from __future__ import annotations

import re

from core.domain.languages import LANGUAGES

# The commonest short words of each language, chosen so the lists hardly overlap ("die", "un", "con" are in one
# list only). A posting has plenty of them; its skill names (SQL, Python) are the same in every language.
_COMMON = {
    "en": "the and of to in for with a is are you we our your will be on as or an this that have at from by",
    "de": "der die das und mit für von zu ist sind wir sie ihr ihre ein eine einen dem den des auf bei im oder als "
    "auch nicht wird werden unser unsere über",
    "fr": "le la les et des du de pour avec est sont nous vous votre vos une un dans sur au aux ou par en qui",
    "es": "el la los las y de del para con es son nosotros tu su una un en por que o al como tus sus",
    "it": "il lo la gli le e di del della per con è sono noi tu tuo una un nel sulla che o da come",
    "pt": "o a os as e de do da para com é são nós você seu sua um uma em no na que ou por como",
    "nl": "de het een en van voor met is zijn wij jij je jouw ons onze op in te bij of als ook niet",
}
_WORDS = {code: frozenset(words.split()) for code, words in _COMMON.items()}
_TOKEN = re.compile(r"[^\W\d_]+")
MIN_WORDS = 12  # fewer words than this and a guess is a coin toss: call it English and let the reader judge


def guess_language(text: str) -> str:
    """The ISO 639-1 code of the language text is most likely in ("en", "de"...); "en" when too short to tell."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    if len(tokens) < MIN_WORDS:
        return "en"
    scores = {code: sum(t in words for t in tokens) / len(tokens) for code, words in _WORDS.items()}
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    # English wins unless another language is both clearly present and clearly ahead: a posting in English quotes
    # the odd foreign phrase ("Sie/Du"), and one in German keeps many English job words ("Data Scientist (m/w/d)").
    if best != "en" and scores[best] >= 0.08 and scores[best] > 1.5 * scores["en"]:
        return best
    return "en"


def language_name(code: str) -> str:
    """The English name of a language code, capitalised ("German"); the code itself when unknown."""
    return LANGUAGES.get(code, code).capitalize()
