"""Name normalisation and the speaker key, written once.

Every module that compares names (the within-article merge and the corpus-level identity
in :mod:`analysis.speakers`, the source profile in :mod:`analysis.sources`, the evaluation
of sources) folds them here:

- :func:`fold`: casefold and strip accents ("Erdoğan" -> "erdogan");
- :func:`speaker_key`: lowercase words, accents, dots, punctuation, honorifics, a
  possessive and a leading "the" removed; the same key is the same spelling of a name;
- :func:`name_form`: the name inside a speaker string, without the job or title in front;
- :func:`is_name`: a proper name rather than a descriptor of an unnamed source.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from analysis.lexicons import load_lexicon

# Honorifics dropped before comparing names; a short closed set, so it stays in code.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_POSSESSIVE = re.compile(r"'s?$")
_PUNCT = re.compile(r"[^\w\s'-]")
_SPACE = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """Text without combining accents, case kept ("Erdoğan" -> "Erdogan")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(word: str) -> str:
    """Casefold a word (or any text) and strip its accents.

    Examples
    --------
    >>> fold("Erdoğan")
    'erdogan'
    """
    if word.isascii():
        return word.lower()
    return strip_accents(word.casefold())


def name_words(name: str) -> list[str]:
    """Folded words of a name: dots and punctuation removed, possessive dropped."""
    text = _PUNCT.sub(" ", name.translate(_APOSTROPHES).replace(".", ""))
    words = [fold(w).strip("'-") for w in text.split()]
    words = [w for w in words if w]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    return [w for w in words if w]


def key_words(name: str) -> list[str]:
    """Words of a name without a leading "the" and without honorifics."""
    words = name_words(name)
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
    return " ".join(key_words(name))


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


def tidy(name: str) -> str:
    """White space collapsed; a sentence-initial "A"/"An" of a descriptor lowercased."""
    name = _SPACE.sub(" ", name.strip())
    first, _, rest = name.partition(" ")
    if first in {"A", "An"} and rest:
        return f"{first.lower()} {rest}"
    return name


def _bare(word: str) -> str:
    return fold(word).strip(".,'’")


def title_end(words: Sequence[str]) -> int:
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
    name = tidy(speaker)
    words = name.split()
    if not words:
        return None
    if len(words) == 1 and not words[0].isupper() and _bare(words[0]) in load_lexicon("pronouns"):
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
        elif (
            word == "the"
            and i < len(words)
            and i >= 3
            and words[i - 2] == "of"
            and words[i - 3][:1].isupper()
        ):
            i -= 2  # "Suman Haripriya of the Hajo", "Bank of the West"
        else:
            break
    run = words[i:]
    while len(run) > 1 and run[0] in ("A", "An"):
        run = run[1:]  # an article, not a name: "b A D" -> "D", as "A D" would read
    if not run:
        return name
    cut = title_end(run)
    if cut and len(run) - cut >= 2 and run[cut][:1].isupper():  # not "Speaker| of the House"
        run = run[cut:]
    return " ".join(run)
