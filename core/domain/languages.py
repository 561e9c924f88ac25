"""The spoken languages a voice answer can be transcribed in: ISO 639-1 codes Whisper knows, and their names."""

from __future__ import annotations

_NAMES = (
    "af afrikaans, am amharic, ar arabic, as assamese, az azerbaijani, ba bashkir, be belarusian, bg bulgarian, "
    "bn bengali, bo tibetan, br breton, bs bosnian, ca catalan, cs czech, cy welsh, da danish, de german, el greek, "
    "en english, es spanish, et estonian, eu basque, fa persian, fi finnish, fo faroese, fr french, gl galician, "
    "gu gujarati, ha hausa, he hebrew, hi hindi, hr croatian, ht haitian creole, hu hungarian, hy armenian, "
    "id indonesian, is icelandic, it italian, ja japanese, jw javanese, ka georgian, kk kazakh, km khmer, "
    "kn kannada, ko korean, la latin, lb luxembourgish, ln lingala, lo lao, lt lithuanian, lv latvian, mg malagasy, "
    "mi maori, mk macedonian, ml malayalam, mn mongolian, mr marathi, ms malay, mt maltese, my burmese, ne nepali, "
    "nl dutch, nn nynorsk, no norwegian, oc occitan, pa punjabi, pl polish, ps pashto, pt portuguese, ro romanian, "
    "ru russian, sa sanskrit, sd sindhi, si sinhala, sk slovak, sl slovenian, sn shona, so somali, sq albanian, "
    "sr serbian, su sundanese, sv swedish, sw swahili, ta tamil, te telugu, tg tajik, th thai, tk turkmen, "
    "tl tagalog, tr turkish, tt tatar, uk ukrainian, ur urdu, uz uzbek, vi vietnamese, yi yiddish, yo yoruba, "
    "zh chinese"
)
LANGUAGES: dict[str, str] = dict(entry.split(" ", 1) for entry in _NAMES.split(", "))
# Hinglish is Hindi and English mixed; telling Whisper "hi" keeps the Hindi words (written in Devanagari).
_ALIASES = {name: code for code, name in LANGUAGES.items()} | {
    "hinglish": "hi",
    "mandarin": "zh",
    "farsi": "fa",
    "filipino": "tl",
}


class UnknownLanguage(ValueError):
    """A language we cannot pass to speech-to-text; the message is user-facing."""


def normalize_language(value: str) -> str:
    """The ISO 639-1 code for a code or English name ("hi", "Hindi", "Hinglish"); UnknownLanguage otherwise."""
    key = value.strip().lower().replace("_", "-")
    key = key.split("-")[0] if len(key) > 3 and key[2] == "-" else key  # "en-US" is English
    if key in LANGUAGES:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    raise UnknownLanguage(
        f"I don't know the language “{value.strip()[:40]}”. Give a two-letter ISO 639-1 code such as "
        "`en`, `hi`, `es` or `fr`, or the language's English name."
    )
