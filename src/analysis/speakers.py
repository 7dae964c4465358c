"""Speakers: merge the mentions of one person within an article, and key them across articles.

``extract_quotes`` already names each quote's speaker by the fullest name it finds in the
article, so most merging happens there. This module is the safety net the pipeline runs
on every article, and the definition of "the same speaker" across articles:

- Within an article (:func:`merge_speakers`), a name whose words (honorifics such as
  "Mr." dropped) are the last words of exactly one longer name in the same article is
  that person: "Richards", "Ms. Richards" and "Marie Richards" are one speaker; "el Qat"
  joins "Asruf el Qat". Spellings that differ only in case, accents, dots, a possessive
  or a leading "the" are one speaker too. When two longer names share the surname
  ("Ann Smith", "John Smith"), a bare "Smith" stays on its own rather than being guessed.
  Descriptors of unnamed sources ("a Libyan commander", "officials") are never merged
  into names.
- Across articles (:func:`speaker_key`), the same normalised full name is the same
  speaker: lowercase, accents and dots removed, honorifics, possessive and a leading
  "the" dropped, white space collapsed.

Known limits: titles other than honorifics are not removed ("President Obama" and
"Barack Obama" stay two speakers unless the extractor resolved them); two different
people with the same full name are one speaker across articles; a name spelled two ways
("Gaddafi", "Qadhafi") is two speakers.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Honorifics dropped before comparing names; a short closed set, so it stays in code.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_POSSESSIVE = re.compile(r"'s?$")
_PUNCT = re.compile(r"[^\w\s'-]")
_SPACE = re.compile(r"\s+")


def _fold(word: str) -> str:
    """Casefold a word and strip its accents."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(name: str) -> list[str]:
    """Folded words of a name: dots and punctuation removed, possessive dropped."""
    text = _PUNCT.sub(" ", name.translate(_APOSTROPHES).replace(".", ""))
    words = [_fold(w).strip("'-") for w in text.split()]
    words = [w for w in words if w]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    return [w for w in words if w]


def _name_words(name: str) -> list[str]:
    """Words of a name without a leading "the" and without honorifics."""
    words = _words(name)
    if words and words[0] == "the":
        words = words[1:]
    return [w for w in words if w not in _HONORIFICS]


@functools.lru_cache(maxsize=1 << 16)
def speaker_key(name: str) -> str:
    """Normalised name that identifies a speaker across articles.

    Parameters
    ----------
    name : str
        A speaker as the quotes table gives it.

    Returns
    -------
    str
        Lowercase words joined by single spaces: accents, dots, punctuation, honorifics,
        a possessive "'s" and a leading "the" removed. Empty when nothing is left.

    Examples
    --------
    >>> speaker_key("Dr. José  Álvarez’s")
    'jose alvarez'
    >>> speaker_key("the U.S. Department of State")
    'us department of state'
    """
    return " ".join(_name_words(name))


def is_name(speaker: str) -> bool:
    """Whether a speaker string reads as a proper name rather than a descriptor.

    A name has capitalised words, and its only lowercase words are short particles
    ("Marie Richards", "Asruf el Qat", "US Department of State"); a descriptor of an
    unnamed source has a longer lowercase word or starts with "a"/"an" ("a Libyan
    commander", "officials", "a US Official").
    """
    words = speaker.split()
    if not words or words[0].lower() in {"a", "an"}:
        return False
    capitalised = [w[:1].isupper() for w in words]
    return any(capitalised) and all(
        c or len(w) <= 3 for w, c in zip(words, capitalised, strict=True)
    )


def _tidy(name: str) -> str:
    """White space collapsed; a sentence-initial "A"/"An" of a descriptor lowercased."""
    name = _SPACE.sub(" ", name.strip())
    first, _, rest = name.partition(" ")
    if first in {"A", "An"} and rest:
        return f"{first.lower()} {rest}"
    return name


def merge_speakers(names: Iterable[str | None]) -> dict[str, str]:
    """Map every speaker string of one article to the speaker it refers to.

    Parameters
    ----------
    names : iterable of str or None
        The ``speaker`` of each quote of one article, in text order; None (no speaker)
        is skipped.

    Returns
    -------
    dict of str to str
        Each distinct speaker string -> its canonical form: the fullest name it matches
        (most words; ties go to the most frequent spelling, then the first seen).
        Strings that match nothing map to themselves (white space collapsed, and a
        descriptor's sentence-initial "A"/"An" lowercased: "A Libyan commander" ->
        "a Libyan commander").

    Examples
    --------
    >>> merge_speakers(["Marie Richards", None, "Ms. Richards", "officials"])
    {'Marie Richards': 'Marie Richards', 'Ms. Richards': 'Marie Richards', 'officials': 'officials'}
    """
    seen: dict[str, int] = {}  # raw string -> count, in first-seen order
    for name in names:
        if name is None:
            continue
        seen[name] = seen.get(name, 0) + 1

    # 1. Spellings with the same key are one speaker.
    groups: dict[str, list[str]] = {}
    for raw in seen:
        key = speaker_key(raw) or _SPACE.sub(" ", raw.strip())
        groups.setdefault(key, []).append(raw)
    order = {raw: i for i, raw in enumerate(seen)}

    def best(spellings: list[str]) -> str:
        return min(spellings, key=lambda s: (-len(s.split()), -seen[s], order[s]))

    canonical_of_key = {key: _tidy(best(raws)) for key, raws in groups.items()}

    # 2. A name that is the tail of exactly one longer name is that person.
    words_of_key = {key: key.split() for key in groups}
    named = [key for key, raws in groups.items() if any(is_name(r) for r in raws)]
    target: dict[str, str] = {}
    for key in named:
        words = words_of_key[key]
        longer = [
            other
            for other in named
            if len(words_of_key[other]) > len(words) and words_of_key[other][-len(words) :] == words
        ]
        if not longer:
            continue
        # Several longer names with this tail are only one person if they are themselves
        # tails of one another ("el Qat" in "Asruf el Qat" and "Sgt Asruf el Qat").
        longest = max(longer, key=lambda k: (len(words_of_key[k]), -order[groups[k][0]]))
        if all(words_of_key[longest][-len(words_of_key[k]) :] == words_of_key[k] for k in longer):
            target[key] = longest

    return {
        raw: canonical_of_key[target.get(key, key)] for key, raws in groups.items() for raw in raws
    }
