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
from collections.abc import Iterable, Mapping, Sequence

from analysis.lexicons import load_lexicon

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


def _bare(word: str) -> str:
    return _fold(word).strip(".,'’")


def _title_end(words: Sequence[str]) -> int:
    """Index after the last title word ("President", "Gen.") that has words after it; 0 if none."""
    titles = load_lexicon("speaker_titles")
    for i in range(len(words) - 2, -1, -1):
        if _bare(words[i]) in titles:
            return i + 1
    return 0


def name_form(speaker: str) -> str | None:
    """The name inside a speaker string, without the job or title the extractor kept with it.

    - A bare pronoun the extractor could not resolve ("he", "They") is no name: None.
    - A descriptor of an unnamed source (starting with a determiner such as "a", "the",
      "two", or with no capitalised words at the end) is kept: "a Libyan commander".
    - Otherwise the trailing run of capitalised words (short lowercase particles such as
      "el", "of" inside it) is the name, and a title in front of two or more name words is
      dropped: "Police press officer Monika Kosiec" -> "Monika Kosiec", "United States
      President Donald Trump" -> "Donald Trump". "Prime Minister Johnson" keeps its title
      here (one name word left); :func:`merge_speakers` still joins it to "Boris Johnson".

    Examples
    --------
    >>> name_form("Florida Department of Transportation official Troy Roberts")
    'Troy Roberts'
    >>> name_form("US Department of State")
    'US Department of State'
    >>> name_form("He") is None
    True
    """
    name = _tidy(speaker)
    words = name.split()
    if not words:
        return None
    if len(words) == 1 and _bare(words[0]) in load_lexicon("pronouns"):
        return None
    if _bare(words[0]) in load_lexicon("np_determiners"):
        return name
    i = len(words)
    while i > 0:
        word = words[i - 1]
        if word[:1].isupper():
            i -= 1
        elif (
            i < len(words)
            and i >= 2
            and len(word) <= 3
            and word.islower()
            and words[i - 2][:1].isupper()
        ):
            i -= 1  # a particle between capitalised words: "Asruf el Qat", "Department of State"
        else:
            break
    run = words[i:]
    if not run:
        return name
    cut = _title_end(run)
    if cut and len(run) - cut >= 2:
        run = run[cut:]
    return " ".join(run)


def _single_person(
    candidates: list[str], words: Mapping[str, list[str]], order: Mapping[str, int]
) -> str | None:
    """The longest candidate, if every other candidate is a tail of it (one person); else None."""
    if not candidates:
        return None
    longest = max(candidates, key=lambda k: (len(words[k]), -order[k]))
    if all(words[longest][-len(words[k]) :] == words[k] for k in candidates):
        return longest
    return None


def _by_last_word(keys: list[str], words: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Keys grouped by their last word, in the order given: a name's tail shares it."""
    groups: dict[str, list[str]] = {}
    for key in keys:
        if words[key]:
            groups.setdefault(words[key][-1], []).append(key)
    return groups


def merge_speakers(names: Iterable[str | None]) -> dict[str, str | None]:
    """Map every speaker string of one article to the speaker it refers to.

    Parameters
    ----------
    names : iterable of str or None
        The ``speaker`` of each quote of one article, in text order; None (no speaker)
        is skipped.

    Returns
    -------
    dict of str to str or None
        Each distinct speaker string -> its canonical form: the fullest name it matches
        (most words; ties go to the most frequent spelling, then the first seen), without a
        job title the extractor left in front of it (see :func:`name_form`). Strings that
        match nothing map to themselves (white space collapsed, and a descriptor's
        sentence-initial "A"/"An" lowercased: "A Libyan commander" -> "a Libyan
        commander"). An unresolved bare pronoun ("he") maps to None: the quote has no
        known speaker.

    Examples
    --------
    >>> merge_speakers(["Marie Richards", None, "Ms. Richards", "officials"])
    {'Marie Richards': 'Marie Richards', 'Ms. Richards': 'Marie Richards', 'officials': 'officials'}
    """
    seen: dict[str, int] = {}  # form -> count, in first-seen order
    form_of: dict[str, str | None] = {}
    for name in names:
        if name is None:
            continue
        if name not in form_of:
            form_of[name] = name_form(name)
        form = form_of[name]
        if form is not None:
            seen[form] = seen.get(form, 0) + 1

    # 1. Spellings with the same key are one speaker.
    groups: dict[str, list[str]] = {}
    for form in seen:
        groups.setdefault(speaker_key(form) or form, []).append(form)
    first = {form: i for i, form in enumerate(seen)}  # first-seen position of each form
    order = {key: min(first[f] for f in forms) for key, forms in groups.items()}
    canonical_of_key = {
        key: min(forms, key=lambda f: (-len(f.split()), -seen[f], first[f]))
        for key, forms in groups.items()
    }

    # 2. A name that is the tail of exactly one longer name (or a chain of nested names)
    #    is that person. Names with a title in front ("Prime Minister Johnson") are
    #    matched by what follows the title.
    words = {key: key.split() for key in groups}
    named = [key for key, forms in groups.items() if any(is_name(f) for f in forms)]
    core = {key: words[key][_title_end(canonical_of_key[key].split()) :] for key in named}
    plain = [key for key in named if core[key] == words[key]]
    plain_by_last = _by_last_word(plain, words)
    target: dict[str, str] = {}
    for key in named:
        if core[key] == words[key] or not core[key]:
            continue
        tail = core[key]
        ending = plain_by_last.get(tail[-1], [])
        found = _single_person([o for o in ending if words[o][-len(tail) :] == tail], words, order)
        if found is not None:
            target[key] = found
    pool = [key for key in named if key not in target]
    pool_by_last = _by_last_word(pool, words)
    for key in pool:
        tail = words[key]
        ending = pool_by_last.get(tail[-1], []) if tail else pool
        longer = [o for o in ending if len(words[o]) > len(tail) and words[o][-len(tail) :] == tail]
        found = _single_person(longer, words, order)
        if found is not None:
            target[key] = found

    def resolve(key: str) -> str:
        for _ in range(len(target) + 1):
            if key not in target:
                break
            key = target[key]
        return key

    canonical = {
        form: canonical_of_key[resolve(key)] for key, forms in groups.items() for form in forms
    }
    return {raw: None if form is None else canonical[form] for raw, form in form_of.items()}
