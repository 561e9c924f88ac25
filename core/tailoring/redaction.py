"""Taking personal details out of a résumé or a posting before it is stored, shown or sent to a model.

What goes, each replaced by a short placeholder: e-mail addresses ("[email]"), links of any kind, profiles and
personal sites included ("[link]"), street addresses ("[address]") and phone numbers ("[phone]"). What stays: the
numbers a résumé is about (years, date ranges, percentages, money, counts, versions)."""

from __future__ import annotations

import re

from core.tailoring.phones import redact_phones

EMAIL = "[email]"
LINK = "[link]"
ADDRESS = "[address]"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_URL_TAIL = r"(?:/[^\s<>()\[\]{}\"'`|]*)?"
_SCHEME_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>()\[\]{}\"'`|]+")
# Bare domains, in lower case only: "janedoe.dev", "github.com/jane"; "ASP.NET" and "Node.js" are not links.
_TLDS = "com|net|org|io|dev|me|ai|app|co|info|site|page|blog|xyz|tech|online|de|uk|fr|es|it|nl|ch|at|eu|us|ca|au|in"
_BARE_URL = re.compile(rf"(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:{_TLDS})\b{_URL_TAIL}")
# Names that look like domains but are the tools a résumé lists.
_NOT_LINKS = frozenset({"socket.io", "asp.net", "ado.net", "vb.net", "dot.net", "chart.js", "d3.js"})
_TRAILING = ".,;:!?'\")]"

# "221B Baker Street", "1600 Amphitheatre Parkway, Mountain View, CA 94043", "10 Downing St., London SW1A 2AA":
# a house number, up to four capitalised words, a street word; then perhaps a unit, a town, a state, a postcode.
_STREET_WORDS = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Parkway|Pkwy|Square|Sq|"
    "Terrace|Close|Crescent|Highway|Hwy|Row|Mews|Gardens|Grove|Hill"
)
_TOWN = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'.-]*(?: [A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'.-]*){0,2}"  # "München"; not "NW" (a postcode)
_POSTCODE = r"(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)"
_ENGLISH_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,? (?:[A-Z][A-Za-z'-]*\.? ){{1,4}}(?:{_STREET_WORDS})\b\.?"
    rf"(?:,? (?:Apt|Apartment|Suite|Unit|Flat|#)\.? ?[\w-]+)?"
    rf"(?:, {_TOWN})?(?:,? (?:[A-Z]{{2}} )?{_POSTCODE}\b|, [A-Z]{{2}}\b)?"
)
# "Hauptstraße 5, 10115 Berlin", "Am Lindenweg 12a", "Via Roma 3", "Rue de Rivoli 10": the street word, then the
# number, then perhaps a postcode and a town.
_EUROPEAN_STREET = (
    r"(?:[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|laan|gracht)"
    r"|(?:Via|Viale|Calle|Avenida|Rua|Rue|Avenue|Boulevard|Chemin) (?:[a-zà-ü']+ ){0,3}[A-ZÀ-Ü][\w'-]+)"
)
_EUROPEAN_ADDRESS = re.compile(
    rf"(?:\b[A-ZÄÖÜ][a-zäöü]+ )?{_EUROPEAN_STREET} \d{{1,4}}[a-z]?\b(?:,? (?:[A-Z]-)?\d{{4,5}} {_TOWN})?"
)
# "12 rue de la Paix, 75002 Paris": the French order, number first.
_FRENCH_ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?: ?(?:bis|ter))?,? (?:rue|avenue|boulevard|bd|place|chemin|allée|quai) [\w' -]{{2,40}}?"
    rf"(?=,|\n|$)(?:, \d{{5}} {_TOWN})?",
    re.MULTILINE,
)
_PO_BOX = re.compile(r"\bP\.? ?O\.? Box \d+\b", re.IGNORECASE)
# Whatever follows an "Address:" label, to the end of its line, is an address in any format.
_LABELLED_ADDRESS = re.compile(r"(?im)^([ \t]*(?:home )?(?:address|adresse|anschrift|dirección)[ \t]*:[ \t]*)\S.*$")


def redact(text: str) -> str:
    """text with e-mail addresses, links, street addresses and phone numbers replaced by placeholders.

    E-mails go before links (a domain inside an address is not a link of its own) and addresses before phone
    numbers (a postcode and a house number are not a phone number either)."""
    text = _EMAIL.sub(EMAIL, text)
    text = _SCHEME_URL.sub(_link, text)
    text = _BARE_URL.sub(_link, text)
    text = _LABELLED_ADDRESS.sub(lambda m: m.group(1) + ADDRESS, text)
    for pattern in (_ENGLISH_ADDRESS, _EUROPEAN_ADDRESS, _FRENCH_ADDRESS, _PO_BOX):
        text = pattern.sub(ADDRESS, text)
    return redact_phones(text)


def _link(match: re.Match[str]) -> str:
    """ "[link]" for a link, keeping the sentence's punctuation after it; a tool's name stays."""
    url = match.group()
    core = url.rstrip(_TRAILING)
    if core.lower() in _NOT_LINKS:
        return url
    return LINK + url[len(core) :]
