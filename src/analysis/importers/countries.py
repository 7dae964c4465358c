"""Country names for the importers: normalising a country value and inferring one from text.

The inference rule (used for Wikinews, whose pages carry no country field): the story's
country is the **first country named in the title followed by the lead paragraph**, where a
country is named by

- an ISO 3166-1 name, common name or official name from ``pycountry`` (names written in the
  inverted form, "Korea, Republic of", are left out; a parenthetical is dropped, so
  "Falkland Islands (Malvinas)" is matched as "Falkland Islands"), or
- a short name from ``lexicons/importer_country_aliases.txt`` ("US", "U.S.", "UK",
  "Russia", ...), which also maps sub-national names containing a country name to their
  country ("New Mexico" -> US) so that they win over the shorter name.

Names match as whole words, case-sensitively, and at one position the longest name wins.
Adjectives ("Russian", "French") are not names and are not matched. Known limits: a person
or place sharing a country's name ("Jordan", "Georgia" the US state, "Chad") is read as
that country, and a story about a city whose country is never named gets no country.
"""

from __future__ import annotations

import functools
import re

import pycountry

from analysis.lexicons import load_lines

ALIASES_LEXICON = "importer_country_aliases"


@functools.cache
def _names() -> dict[str, str]:
    """Every country name used for inference, mapped to its alpha-2 code."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            name = re.sub(r"\s*\([^)]*\)", "", name).strip()
            if "," in name or not name[:1].isupper():
                continue
            names.setdefault(name, country.alpha_2)
    for line in load_lines(ALIASES_LEXICON):
        name, _, code = line.rpartition("|")
        if name and code:
            names[name.strip()] = code.strip().upper()
    return names


@functools.cache
def country_aliases() -> dict[str, str]:
    """Lowercased country names and short names mapped to alpha-2 codes (for lookups)."""
    return {name.lower(): code for name, code in _names().items()}


@functools.cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_names(), key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def infer_country(text: str) -> str:
    """Alpha-2 code of the first country named in `text`, or ``""`` when none is.

    Examples
    --------
    >>> infer_country("Floods hit New South Wales as the UK sends help")
    'AU'
    >>> infer_country("Storm closes schools")
    ''
    """
    match = _pattern().search(text)
    return _names()[match.group(0)] if match else ""
