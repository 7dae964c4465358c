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
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from analysis.errors import CorrectionsError
from analysis.lexicons import load_lexicon, load_lines
from analysis.names import fold, is_name, key_words, name_form, speaker_key, tidy, title_end
from analysis.sources import (
    country_code,
    describes,
    first_name_gender,
    honorific_gender,
    is_place,
    known_organisation,
    noun_gender,
    source_noun_kind,
)

__all__ = [
    "article_speakers",
    "identity_key",
    "is_name",
    "link_speakers",
    "merge_speakers",
    "name_form",
    "resolve_pronouns",
    "speaker_key",
    "speaker_mention",
]


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
            mention = speaker_mention(name)
            form_of[name] = None if mention is None else name_form(mention)
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
    core = {key: words[key][title_end(canonical_of_key[key].split()) :] for key in named}
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
    # 3. A one-word name that opens exactly one organisation's name is that organisation
    #    ("Ford" and "Ford Motor Company").
    for key in named:
        if len(words[key]) != 1 or key in target:
            continue
        opening = [
            o
            for o in named
            if len(words[o]) > 1
            and words[o][0] == words[key][0]
            and source_noun_kind(words[o][-1]) == "organisation"
        ]
        if len(opening) == 1:
            target[key] = opening[0]

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


# --------------------------------------------------------------------------- a speaker is a speaker


def _word_classes() -> dict[str, frozenset[str]]:
    """The classes of ``lexicons/speaker_words.txt`` ("name: word word ..."), by name."""
    classes = {}
    for line in load_lines("speaker_words"):
        name, _, words = line.partition(":")
        classes[name.strip()] = frozenset(words.split())
    return classes


_WORDS = _word_classes()
_OPENERS = _WORDS["openers"]
_CLAUSE_STARTS = _WORDS["clause_starts"]
_NAME_PARTICLES = _WORDS["name_particles"]
_QUANTIFIERS = _WORDS["quantifiers"]
_COLLECTIVES = _WORDS["collectives"]
_NOT_NAME_STARTS = _OPENERS | _WORDS["not_name_starts"]
_OWNER_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
_POSSESSIVE_END = re.compile(r"(?:['’]s|(?<=s)['’])$")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_HAS_DIGIT = re.compile(r"\d")


@functools.cache
def _verb_forms() -> frozenset[str]:
    """Inflected forms of the reporting verbs ("told", "announced"): a speaker ends before one."""
    return frozenset(w.lower() for line in load_lines("reporting_verbs") for w in line.split())


@functools.cache
def _time_words() -> frozenset[str]:
    return load_lexicon("source_time_words")


def _is_clause_word(word: str, previous: str = "") -> bool:
    """A lowercase word that starts a clause after a speaker ("Zapata *told*", "Siemens *have*").

    A word in -ed or -ing counts only after a name or a source noun ("a protester *using*",
    not "his *surviving* father").
    """
    lower = word.lower()
    after_speaker = (
        previous[:1].isupper() and not previous.lower().endswith("ly")  # "Newly elected"
    ) or source_noun_kind(previous) is not None
    if word[:1].isupper():
        return False
    return (
        lower in _CLAUSE_STARTS
        or lower in _verb_forms()
        or lower in _OWNER_PRONOUNS
        or lower in {"he", "she", "they", "it", "we"}
        or (
            after_speaker
            and len(lower) > 4
            and lower.endswith(("ed", "ing"))
            and source_noun_kind(lower) is None
        )
    )


def _head(words: list[str]) -> str:
    """The head noun of a descriptor: last word before a preposition; after "one of" etc."""
    lowered = [w.lower() for w in words]
    if len(words) > 2 and lowered[0] in _QUANTIFIERS and lowered[1] == "of":
        return _head(words[2:])
    for i, word in enumerate(lowered):
        if i and word in {"of", "for", "from", "at", "in", "with", "on", "to", "named"}:
            if word == "of" and lowered[i - 1] in _COLLECTIVES and i + 1 < len(words):
                return _head(words[i + 1 :])  # "a number of Senators"
            return words[i - 1]
    return words[-1]


def _drop_place_before_name(words: list[str]) -> list[str]:
    """ "Vermont Bernie Sanders" -> "Bernie Sanders"; "Amnesty International Man-kei Tam" ->
    "Man-kei Tam": a place, an organisation or a title word glued before a personal name."""
    for k in range(1, len(words) - 1):
        rest = words[k:]
        if not all(w[:1].isupper() for w in rest) or any(describes(w) for w in rest):
            continue
        prefix = " ".join(words[:k])
        bare_prefix = prefix.removeprefix("the ").removeprefix("The ")
        glued = is_place(bare_prefix) or known_organisation(bare_prefix)
        known_first = first_name_gender(rest[0].rstrip(".")) != "unknown"
        titled = all(describes(w) or w.lower() in {"of", "for", "the", "and"} for w in words[:k])
        if (glued and (len(rest) == 2 or known_first)) or (known_first and titled):
            return rest
    return words


def speaker_mention(speaker: str | None) -> str | None:
    """The speaker inside what the extractor returned, or None when it names no source.

    A speaker is a person, an organisation or a group, named ("Bernie Sanders") or
    described ("a Libyan commander", "officials"). What the extractor kept around it is cut:

    - a leading preposition or time word: "Regarding Trump" -> "Trump", "Friday Ford Motor
      Company" -> "Ford Motor Company";
    - a place or organisation glued before a personal name: "Vermont Bernie Sanders" ->
      "Bernie Sanders";
    - a clause after it: "Zapata told" -> "Zapata", "Siemens have announced" -> "Siemens";
    - a parenthesis: "The Iranian Revolutionary Guard Corps (IRGC)" -> without "(IRGC)";
    - a thing owned by a speaker is its owner's: "Trump's statement" -> "Trump",
      "Biden's Twitter account" -> "Biden", "his decision" -> "he" (a pronoun, resolved
      like one); a person of a speaker stays ("Dunn's mother"; "BBC's Jonathan Marcus" ->
      "Jonathan Marcus").

    Numbers, documents, events and other things ("279", "findings", "the report", "a
    poll", "using data") are rejected (None): the quote stays, unattributed. A descriptor
    must have a head noun that names a source (:func:`analysis.sources.source_noun_kind`).

    Examples
    --------
    >>> speaker_mention("Regarding Trump"), speaker_mention("Trump's statement")
    ('Trump', 'Trump')
    >>> speaker_mention("Vermont Bernie Sanders"), speaker_mention("findings") is None
    ('Bernie Sanders', True)
    """
    if speaker is None:
        return None
    text = _PARENTHESES.sub("", tidy(speaker)).strip(" ,;:")
    words = text.split()
    if not words:
        return None
    if len(words) == 1:
        lower = words[0].lower()
        if lower in _PRONOUN_WORDS:
            return _PRONOUN_WORDS[lower]  # "him" -> "he": resolved like one
        if lower.replace("’", "'") in {"they've", "they're"}:
            return "they"
    first = words[0].lower()
    if _is_clause_word(words[0], "Name") and first not in _OPENERS | _OWNER_PRONOUNS.keys():
        return None  # "was one of his campaign", "initially showed"
    # leading prepositions and time words
    while len(words) > 1 and (
        words[0].lower() in _OPENERS
        or (words[0].lower() in _time_words() and words[1][:1].isupper())
        or (words[0].lower() in {"this", "last", "next"} and words[1].lower() in _time_words())
    ):
        words = words[1:]
    owner = _thing_from_owner(words)
    if owner is not None:
        return speaker_mention(owner)  # "Footage from the City University Student Union"
    # a clause after the speaker
    for i in range(1, len(words)):
        if words[i].lower() == "named" and i + 1 < len(words) and words[i + 1][:1].isupper():
            break
        if _is_clause_word(words[i], words[i - 1]):
            tail = words[i + 1 :]
            named_tail = _drop_place_before_name(tail) if len(tail) >= 2 else []
            if (
                words[i].lower() in _OPENERS
                and len(named_tail) >= 2
                and all(w[:1].isupper() for w in tail)
                and first_name_gender(named_tail[0]) != "unknown"
            ):
                words = named_tail  # "United States Senator from Vermont Bernie Sanders"
            else:
                words = words[:i]
            break
    while len(words) > 1 and words[-1].lower() in _NAME_PARTICLES | {"a", "an"}:
        words = words[:-1]
    # possessives: a thing is its owner's, a person of a speaker is that person
    for i, word in enumerate(words[:-1]):
        lower = word.lower()
        owner_pronoun = _OWNER_PRONOUNS.get(lower) if i == 0 else None
        if not (owner_pronoun or _POSSESSIVE_END.search(word)):
            continue
        rest = words[i + 1 :]
        noun_at = [j for j, w in enumerate(rest) if source_noun_kind(w) is not None]
        if noun_at and noun_at[-1] + 1 < len(rest) and rest[noun_at[-1] + 1][:1].isupper():
            words = rest[noun_at[-1] + 1 :]  # "her son Anderson Cooper", "his wife Mary"
            break
        if source_noun_kind(_head(rest)) is not None:
            break  # "Dunn's mother", "his wife Mary", "Taiwan's Constitutional Court"
        if len(rest) >= 2 and all(w[:1].isupper() for w in rest) and not owner_pronoun:
            words = rest  # "BBC's Jonathan Marcus"
            break
        if owner_pronoun:
            return owner_pronoun  # "his decision": his
        words = [*words[:i], _POSSESSIVE_END.sub("", word)]
        break
    if words and _POSSESSIVE_END.search(words[-1]) and len(words[-1]) > 3:
        words[-1] = _POSSESSIVE_END.sub("", words[-1])  # "Windsor Locks'"
    if not words:
        return None
    words = _drop_place_before_name(words)
    lowered = [w.lower() for w in words]
    if all(w in _time_words() for w in lowered):
        return None  # "Monday morning"
    named = [w for w in words if w[:1].isupper() and w.lower() not in _QUANTIFIERS]
    head = _head(words)
    if _HAS_DIGIT.search(" ".join(words)) and not any(
        w[:1].isupper() and not _HAS_DIGIT.search(w) for w in words[1:] or words
    ):
        return None  # "279", "a 1989", "The June 15"
    head_is_name = any(c.isupper() for c in head)
    if source_noun_kind(head) is None and not head_is_name:
        return None  # a thing or a clause: "findings", "the documentary", "using data"
    if head_is_name and (
        fold(head).rstrip("s") in _non_sources()
        or fold(head) in _non_sources()
        or not named
        or (len(named) == 1 and lowered[-1] in _QUANTIFIERS | _OPENERS | {"the", "a", "an"})
    ):
        return None  # "The Supreme Court decision", "Presidential Debates", "Some"
    return " ".join(_without_affiliation(words))


def _thing_from_owner(words: list[str]) -> str | None:
    """ "Footage from the X Union", "a statement by the Y Ministry" -> the named owner."""
    for i, word in enumerate(words[1:-1], start=1):
        if word.lower() not in ("from", "by", "of"):
            continue
        thing = fold(words[i - 1])
        if thing in _COLLECTIVES or (
            thing not in _non_sources() and thing.rstrip("s") not in _non_sources()
        ):
            return None
        rest = words[i + 1 :]
        if rest and rest[0].lower() == "the":
            rest = rest[1:]
        if rest and all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in rest):
            return " ".join(words[i + 1 :])
        return None
    return None


def _without_affiliation(words: list[str]) -> list[str]:
    """A person's name without the named body after it: "Mike Ryan of the World Health
    Organization" -> "Mike Ryan" (the profile reads the affiliation from the text); an
    unnamed one stays ("José Ortiz of the island's power authority")."""
    for i, word in enumerate(words):
        if word not in ("of", "from", "at") or i < 2:
            continue
        name = words[:i]
        named_body = any(w[:1].isupper() for w in words[i + 1 :])  # the text repeats it
        if (
            named_body
            and all(w[:1].isupper() and not describes(w) for w in name)
            and source_noun_kind(name[-1]) is None
        ):
            return name
        break
    return words


@functools.cache
def _non_sources() -> frozenset[str]:
    return load_lexicon("speaker_non_sources")


# --------------------------------------------------------------------------- pronouns

_PRONOUN_WORDS = {
    "he": "he", "him": "he", "himself": "he", "his": "he",
    "she": "she", "her": "she", "herself": "she", "hers": "she",
    "they": "they", "them": "they", "it": "it", "we": "we", "i": "i",
}  # fmt: skip
_PRONOUN_GENDER = {"he": "male", "she": "female"}
_NAME_RUN = re.compile(
    r"(?<![\w’'])[A-Z][\w’'-]*\.?(?:[ \u00a0]+(?:(?:de|del|da|di|van|von|der|el|al|bin|ibn|la|le)"
    r"[ \u00a0]+)?[A-Z][\w’'-]*\.?)*"
)
_NOUN_PHRASE_LEAD = re.compile(
    r"(?:\b(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[A-Z]\w*['’]s)\s+)(?:[\w-]+\s+){0,3}$"
)
_MAX_DISTANCE = 1500  # characters back from a pronoun to look for its antecedent


@dataclass(frozen=True, slots=True)
class _Antecedent:
    start: int
    end: int
    name: str
    gender: str  # female, male or unknown


def _may_be_a_person(name: str) -> bool:
    """Whether a speaker could be referred to as he/she: not an organisation, group or country."""
    words = name.split()
    return bool(words) and not (
        source_noun_kind(words[-1]) in ("organisation", "group")
        or country_code(name)
        or known_organisation(name)
    )


def _name_gender(name: str) -> str:
    """Gender of a named speaker from its first name (two words or more), else unknown."""
    words = name.split()
    if len(words) < 2 or not words[0][:1].isupper():
        return "unknown"
    return first_name_gender(words[0].rstrip("."), strict=True)


def _run_words(run: str) -> list[str]:
    """A capitalised run without what comes before the name: sentence words, titles, places
    ("But Mr. Lee" -> "Lee", "United States President Donald Trump" -> "Donald Trump")."""
    words = [w.rstrip(".,") for w in run.split()]
    cut = 0
    for j, word in enumerate(words[:-1]):
        if (
            word.lower() in _NOT_NAME_STARTS
            or word.lower() in _time_words()
            or honorific_gender(word) is not None
            or describes(word)
            or source_noun_kind(word) is not None
            or is_place(" ".join(words[cut : j + 1]))
        ):
            cut = j + 1
    return [re.sub(r"['’]s?$", "", w) for w in words[cut:]]


_SENTENCE_DOT = re.compile(r"(?<=[a-z]{2})\.[ \u00a0]+")


def _name_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """Capitalised runs of words, split where a sentence ends inside one ("Joe Biden. Biden")."""
    for match in _NAME_RUN.finditer(text):
        start = match.start()
        for piece in _SENTENCE_DOT.split(match.group()):
            yield start, start + len(piece), piece
            start = text.index(piece, start) + len(piece)
            while start < match.end() and text[start] in ". \u00a0":
                start += 1


def _antecedents(text: str, skip: list[tuple[int, int]]) -> list[_Antecedent]:
    """People an article mentions, in text order: names with a known first name or a title,
    their surnames, and gendered nouns ("his daughter"), each with its gender."""
    runs = []
    for run_start, run_end, run in _name_runs(text):
        words = _run_words(run)
        if not words or _POSSESSIVE_END.search(run):
            continue  # "Barack Obama's vice president": the possessor is rarely the referent
        lead = text[max(0, run_start - 5) : run_start]
        if lead.endswith(('"', "“")):
            continue  # 'the "Kim Kardashian of Pakistan"': a comparison, not a mention
        before = text[max(0, run_start - 6) : run_start].split()
        title = None
        first_word = run.split()[0]
        if honorific_gender(first_word) not in (None, "-"):
            title = honorific_gender(first_word)
        elif before and honorific_gender(before[-1]) not in (None, "-"):
            title = honorific_gender(before[-1])
        runs.append((run_start, run_end, words, title))
    full: dict[str, tuple[str, str]] = {}  # surname -> (full name, gender of the first name)
    for _, _, words, title in runs:
        if len(words) >= 2 and not any(source_noun_kind(w) for w in words):
            gender = title or first_name_gender(words[0], strict=True)
            if gender != "unknown" or title or first_name_gender(words[0]) != "unknown":
                full.setdefault(fold(words[-1]), (" ".join(words), gender))
    found = []
    for start, end, words, title in runs:
        if any(s <= start < e for s, e in skip):
            continue
        known = full.get(fold(words[-1])) if words else None
        if known is None:
            continue
        name, gender = known
        if len(words) >= 2 and " ".join(words) != name and fold(words[0]) != fold(name.split()[0]):
            continue  # another person with the same surname
        found.append(_Antecedent(start, end, name, title or gender))
    for match in re.finditer(r"\b[a-z]+\b", text):
        gender = noun_gender(match.group())
        if gender is None or any(s <= match.start() < e for s, e in skip):
            continue
        lead = _NOUN_PHRASE_LEAD.search(text[max(0, match.start() - 60) : match.start()])
        if lead is None:
            continue
        phrase = (lead.group() + match.group()).strip()
        found.append(_Antecedent(match.start() - len(lead.group()), match.end(), phrase, gender))
    return sorted(found, key=lambda a: (a.end, a.start))


def resolve_pronouns(
    text: str,
    mentions: Sequence[tuple[int | None, int | None]],
    speakers: Sequence[str | None],
    quoted: Sequence[tuple[int, int]] = (),
) -> list[str | None]:
    """Re-resolve quotes whose speaker mention is "he" or "she", with gender agreement.

    Parameters
    ----------
    text : str
        The article.
    mentions : sequence of (int or None, int or None)
        Each quote's speaker mention (``speaker_start``, ``speaker_end``).
    speakers : sequence of str or None
        Each quote's speaker as the extractor resolved it (for a pronoun, its previous
        named speaker).
    quoted : sequence of (int, int)
        Spans of quoted content, where no antecedent is looked for.

    Returns
    -------
    list of str or None
        For a "he"/"she" mention (or a speaker "he"/"she", the owner of "his decision"):
        the nearest person mentioned before it (within about
        1,500 characters, outside quotations) whose gender agrees (from an honorific, the
        first name or a gendered noun, "his daughter"); the extractor's speaker when no
        mention agrees and its gender does not disagree; else None. Other quotes keep
        their speaker.

    Examples
    --------
    >>> text = 'Joe Biden met Jill Smith. "We agreed," she said.'
    >>> resolve_pronouns(text, [(39, 42)], ["Joe Biden"])
    ['Jill Smith']
    """
    out = list(speakers)
    wanted: dict[int, str] = {}
    for i, (s, e) in enumerate(mentions):
        if s is None or e is None:
            continue
        if any(qs <= s < qe for qs, qe in quoted):
            continue  # a pronoun inside a quotation ('"She was all woman," ...') is the quote's
        said = text[s:e].lower()
        if said in ("he", "she", "him", "her"):
            wanted[i] = _PRONOUN_GENDER[_PRONOUN_WORDS[said]]
        elif speakers[i] in ("he", "she"):  # "his decision": its owner
            wanted[i] = _PRONOUN_GENDER[str(speakers[i])]
    if not wanted:
        return out
    candidates = _antecedents(text, list(quoted))
    genders = {a.name: a.gender for a in candidates}
    for i, want in wanted.items():
        start = int(mentions[i][0] or 0)
        chosen, chosen_end = None, -1
        for candidate in reversed(candidates):
            if candidate.end > start:
                continue
            if start - candidate.end > _MAX_DISTANCE:
                break
            if candidate.gender == want:
                chosen, chosen_end = candidate.name, candidate.end
                break
        previous = None if speakers[i] in ("he", "she") else speakers[i]
        if previous is not None and not _may_be_a_person(previous):
            previous = None  # "she" is not "Democratic Party"
        agrees = previous is not None and genders.get(previous, _name_gender(previous)) in (
            want,
            "unknown",
        )
        if agrees and previous is not None:
            last_word = previous.split()[-1] if previous.split() else previous
            seen_at = text.rfind(last_word, 0, start)
            if chosen is None or (seen_at >= 0 and seen_at + len(last_word) >= chosen_end):
                chosen = previous
        out[i] = chosen
    return out


_NEXT_WORD = re.compile(r"(?:['’]s)?\s+([a-z]+)\b")
_OWNER_BEFORE = re.compile(r"\b([Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+$")


def _in_context(text: str, quote: _QuoteLike, speaker: str | None) -> str | None:
    """The speaker with what the words around its mention say about it.

    - A name that modifies a source noun after it is that source: "Northamptonshire
      police", "the Montreal team's data" -> "Montreal team".
    - A name owned by a pronoun is the owner's ("her Twitter account"): the pronoun, resolved
      like one.
    """
    start, end = quote.speaker_start, quote.speaker_end
    if speaker is None or start is None or end is None:
        return speaker
    if not any(w[:1].isupper() for w in speaker.split()[:2]):
        return speaker  # a descriptor ("the police"), or a pronoun
    if text[start:end].strip() != speaker:
        return speaker  # resolved, or cut back from a longer mention: keep it
    whole = _whole_name(text, start, end)
    if whole != (start, end):
        longer = speaker_mention(text[whole[0] : whole[1]])
        if longer:
            return longer  # "Human Services" of "Department of Health and Human Services"
    following = _NEXT_WORD.match(text, end)
    if following and source_noun_kind(following.group(1)) is not None:
        return f"{speaker} {following.group(1)}"
    owner = _OWNER_BEFORE.search(text, max(0, start - 8), start)
    if owner and source_noun_kind(speaker.split()[-1]) is None:
        return _OWNER_PRONOUNS[owner.group(1).lower()]
    return speaker


_CONNECTORS = frozenset({"of", "for", "and", "the", "&"})
_TOKEN = re.compile(r"\S+")


def _whole_name(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the capitalised name a mention is part of, joined by "of"/"for"
    ("the Centers" -> "the Centers for Disease Control and Prevention", "the Levant" ->
    "Islamic State of Iraq and the Levant"); the mention's own span when there is none."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - 120)
    before = [(m.start(), m.group()) for m in _TOKEN.finditer(text, line_start, start)]
    new_start, chain = start, []
    while before:
        pos, word = before.pop()
        if word[-1:] in ',.;:!?"”)' or not (word[:1].isupper() or word in _CONNECTORS):
            break
        chain.append(word)
        if word[:1].isupper():
            new_start = pos
    if not any(w in ("of", "for") for w in chain[: len(chain)]):
        new_start = start
    new_end, chain = end, []
    for match in _TOKEN.finditer(text, end, min(len(text), end + 120)):
        word = match.group()
        bare = word.rstrip(',.;:!?"”)')
        if not (bare[:1].isupper() or bare in _CONNECTORS):
            break
        chain.append(bare)
        if bare[:1].isupper():
            new_end = match.start() + len(bare)
        if bare != word:
            break
    if not chain or chain[0] not in ("of", "for"):
        new_end = end
    return new_start, new_end


class _QuoteLike(Protocol):
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    fragments: tuple[tuple[int, int], ...]


def article_speakers(text: str, quotes: Sequence[_QuoteLike]) -> list[str | None]:
    """The speaker of each quote of one article, as the speakers table names it.

    The one place the pipeline turns the extractor's speakers into speakers:

    1. :func:`speaker_mention` cuts each speaker string back to the speaker, or rejects it
       (None: the quote stays, unattributed);
    2. :func:`resolve_pronouns` re-resolves "he"/"she" mentions (and a thing owned by
       "his"/"her") to the nearest person of the same gender;
    3. :func:`merge_speakers` merges the names of one person ("Richards" -> "Marie
       Richards") and drops titles.

    Parameters
    ----------
    text : str
        The article.
    quotes : sequence of Quote
        :class:`analysis.quotes.Quote` objects (``speaker``, ``speaker_start``,
        ``speaker_end``, ``fragments``), in any order.

    Returns
    -------
    list of str or None
        One speaker per quote, in the order given; None for an unattributed quote.
    """
    cleaned = [_in_context(text, q, speaker_mention(q.speaker)) for q in quotes]
    resolved = resolve_pronouns(
        text,
        [(q.speaker_start, q.speaker_end) for q in quotes],
        cleaned,
        [f for q in quotes for f in q.fragments],
    )
    canonical = merge_speakers(resolved)
    return [None if name is None else canonical[name] for name in resolved]


# --------------------------------------------------------------------------- across articles

THIS_ARTICLE = "this article"
ANOTHER_ARTICLE = "another article"
CORRECTION = "correction"
BASES = (THIS_ARTICLE, ANOTHER_ARTICLE, CORRECTION, "")
"""Values of ``type_basis`` and ``origin_basis``: where a speaker's type or origin comes from."""

_SOURCE_TYPE_ORDER = ("official", "military", "expert", "civilian", "business", "other")


def identity_key(speaker: str, entity: str) -> str:
    """The key two speakers of different articles must share (or extend) to be one.

    Persons: the folded name without honorifics, titles ("President Trump" -> "trump") and
    single-letter initials ("Donald J. Trump" -> "donald trump"). Organisations: a country
    speaking is its country ("the United States", "U.S." -> "country us"); otherwise the
    :func:`speaker_key` (an acronym joins the one name of the corpus whose initials it is:
    "WHO" = "World Health Organization"). A doubled letter at the end of a surname is one
    ("Zelenskyy" = "Zelensky").

    Examples
    --------
    >>> identity_key("Donald J. Trump", "person"), identity_key("President Trump", "person")
    ('donald trump', 'trump')
    >>> identity_key("The US", "organisation"), identity_key("Erdoğan", "person")
    ('country us', 'erdogan')
    """
    if entity == "organisation":
        code = _country_speaking(speaker)
        return f"country {code.lower()}" if code else speaker_key(speaker)
    words = speaker.split()
    words = words[title_end(words) :]
    folded = key_words(" ".join(words))
    if len(folded) > 2:
        folded = [folded[0], *(w for w in folded[1:-1] if len(w) > 1), folded[-1]]
    if folded:
        folded[-1] = _DOUBLED.sub(r"\1", folded[-1])  # "Zelenskyy" = "Zelensky"
    return " ".join(folded)


_GOVERNMENT = re.compile(r"\s+(?:government|administration)$", re.IGNORECASE)


def _country_speaking(speaker: str) -> str:
    """The country code when a country or its government speaks ("the United States",
    "the United States government"), else ""."""
    return country_code(_GOVERNMENT.sub("", speaker.strip()))


_DOUBLED = re.compile(r"(\w)\1+")
_ORG_FILLERS = frozenset({"of", "the", "for", "and", "&"})


def _acronym_clusters(keys: Iterable[str]) -> dict[str, str]:
    """Organisation keys -> the key they stand for when an acronym matches exactly one
    longer name's initials ("who" -> "world health organization")."""
    keys = set(keys)
    initials: dict[str, set[str]] = {}
    for key in keys:
        words = [w for w in key.split() if w not in _ORG_FILLERS]
        if len(words) >= 2:
            initials.setdefault("".join(w[0] for w in words), set()).add(key)
    parent = {}
    for key in keys:
        if " " not in key and len(initials.get(key, ())) == 1:
            parent[key] = next(iter(initials[key]))
    return parent


def _person_clusters(keys: Iterable[str]) -> dict[str, str]:
    """Person keys -> the key of their cluster.

    Full names (two words or more) with the same first and last word are one person
    ("recep tayyip erdogan", "recep erdogan"); a full name that is the tail of exactly one
    longer one joins it ("tayyip erdogan"); a single word joins the one full name (or
    cluster) ending in it when the corpus has exactly one ("trump" -> "donald trump"),
    and stays apart when it has several ("biden" with "joe biden" and "hunter biden").
    """
    keys = sorted(set(keys), key=lambda k: (-len(k.split()), k))
    parent: dict[str, str] = {}
    by_first_last: dict[tuple[str, str], str] = {}
    by_last: dict[str, list[str]] = {}  # full names by their last word: the only candidates
    for key in keys:
        words = key.split()
        if len(words) < 2:
            continue
        parent[key] = by_first_last.setdefault((words[0], words[-1]), key)
        by_last.setdefault(words[-1], []).append(key)
    members: dict[str, list[str]] = {}
    for key, root in parent.items():
        members.setdefault(root, []).append(key)
    for key in [k for k in keys if len(k.split()) >= 2 and parent[k] == k]:
        words = key.split()
        longer = {
            parent[other]
            for other in by_last[words[-1]]
            if len(other.split()) > len(words) and other.split()[-len(words) :] == words
        }
        if len(longer) == 1:
            target = longer.pop()
            for member in members.pop(key, []):
                parent[member] = target
                members.setdefault(target, []).append(member)
    for key in keys:
        if len(key.split()) != 1 or not key:
            continue
        ending = {parent[k] for k in by_last.get(key, [])}
        parent[key] = ending.pop() if len(ending) == 1 else key
    return parent


def _modes(keys: pd.Series, values: pd.Series, order: Sequence[str] = ()) -> pd.Series:
    """The most frequent value per key; ties go to the first in ``order``, then alphabetical."""
    if keys.empty:
        return pd.Series(dtype="str")
    rank = {v: i for i, v in enumerate(order)}
    counts = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()}).value_counts()
    counts = counts.reset_index(name="n")
    counts["rank"] = counts["value"].map(rank).fillna(len(rank))
    best = counts.sort_values(
        ["key", "n", "rank", "value"], ascending=[True, False, True, True], kind="stable"
    ).drop_duplicates("key")
    return best.set_index("key")["value"]


def link_speakers(speakers: pd.DataFrame, countries: Mapping[str, str]) -> pd.DataFrame:
    """Give every speaker row a corpus-level ``speaker_id`` and lend types across articles.

    Parameters
    ----------
    speakers : pandas.DataFrame
        ``Results.speakers`` rows: ``article_id``, ``speaker``, ``speaker_key``,
        ``n_quotes``, ``entity``, ``is_anonymous``, ``source_type``, ``origin``,
        ``origin_country``, ``type_basis``, ``origin_basis``.
    countries : mapping of str to str
        article_id -> the article's country code ("" when unknown).

    Returns
    -------
    pandas.DataFrame
        The same rows with ``speaker_id``, ``aliases`` and, where the article leaves the
        source type or origin unknown and other articles of the corpus describe the same
        speaker, the type (most frequent among those articles) and the origin (from the
        country those articles give, judged against this article's country), with
        ``type_basis`` / ``origin_basis`` "another article". What an article says itself
        is never overridden.

    Notes
    -----
    Named persons and organisations are clustered across articles by
    :func:`identity_key` and :func:`_person_clusters`; their ``speaker_id`` is the key of
    the cluster's most quoted full spelling. Anonymous speakers and groups ("police",
    "officials", "a source") are never merged across articles: their ``speaker_id`` is
    ``"<article_id>/<speaker_key>"``. ``aliases`` lists the cluster's spellings, sorted,
    joined by " | ".
    """
    table = speakers.copy()
    if table.empty:
        return table.assign(speaker_id=pd.Series(dtype="str"), aliases=pd.Series(dtype="str"))
    named = (
        ~table["is_anonymous"].astype(bool)
        & table["entity"].isin(["person", "organisation"])
        & (
            table["speaker"].map(is_name)  # "the police", "the government": one per article
            | table["speaker"].map(_country_speaking).ne("")  # "the United States government"
        )
    )
    keys = pd.Series(
        [identity_key(s, e) for s, e in zip(table["speaker"], table["entity"], strict=True)],
        index=table.index,
    )
    cluster = pd.Series("", index=table.index)
    persons = named & (table["entity"] == "person")
    parent = _person_clusters(keys[persons])
    cluster[persons] = "person:" + keys[persons].map(parent)
    organisations = named & (table["entity"] == "organisation")
    acronyms = _acronym_clusters(keys[organisations])
    cluster[organisations] = "organisation:" + keys[organisations].map(lambda k: acronyms.get(k, k))
    # organisations speaking for a country carry it
    codes = table["speaker"].map(_country_speaking)
    table["origin_country"] = table["origin_country"].where(
        table["origin_country"] != "", codes.where(organisations, "")
    )

    # one id per cluster: the key of its most quoted spelling, full names first
    spellings = (
        table[named]
        .assign(cluster=cluster[named])
        .groupby(["cluster", "speaker"], as_index=False, sort=True)["n_quotes"]
        .sum()
    )
    spellings = spellings.assign(
        full=spellings["speaker"].str.contains(" "), length=spellings["speaker"].str.len()
    )
    best = spellings.sort_values(
        ["cluster", "full", "n_quotes", "length", "speaker"],
        ascending=[True, False, False, True, False],
        kind="stable",
    ).drop_duplicates("cluster")
    ids = {c: speaker_key(b) or b for c, b in zip(best["cluster"], best["speaker"], strict=True)}
    aliases = spellings.groupby("cluster")["speaker"].agg(" | ".join).to_dict()
    table["speaker_id"] = [
        ids[c] if c else f"{a}/{k or s}"
        for c, a, k, s in zip(
            cluster, table["article_id"], table["speaker_key"], table["speaker"], strict=True
        )
    ]
    table["aliases"] = [aliases.get(c, s) for c, s in zip(cluster, table["speaker"], strict=True)]

    # lend type and origin from the articles that describe the speaker
    said = table[named & (table["type_basis"] == THIS_ARTICLE)]
    lent_type = _modes(said["speaker_id"], said["source_type"].astype(str), _SOURCE_TYPE_ORDER)
    known_country = table[named & (table["origin_country"] != "")]
    lent_country = _modes(known_country["speaker_id"], known_country["origin_country"])
    unknown_type = named & (table["source_type"].astype(str) == "unknown")
    new_type = table.loc[unknown_type, "speaker_id"].map(lent_type).dropna()
    new_type = new_type[new_type != ""]
    table["source_type"] = table["source_type"].astype(str)
    table.loc[new_type.index, "source_type"] = new_type
    table.loc[new_type.index, "type_basis"] = ANOTHER_ARTICLE
    article_country = table["article_id"].map(countries).fillna("").str.upper()
    unknown_origin = named & (table["origin"].astype(str) == "unknown") & (article_country != "")
    code = table.loc[unknown_origin, "speaker_id"].map(lent_country).dropna()
    code = code[code != ""]
    table["origin"] = table["origin"].astype(str)
    table.loc[code.index, "origin"] = [
        "domestic" if c == article_country[i] else "foreign" for i, c in code.items()
    ]
    table.loc[code.index, "origin_basis"] = ANOTHER_ARTICLE
    return table


# --------------------------------------------------------------------------- corrections

CORRECTIONS_FILE = "corrections.yaml"
"""Name of the corrections file, in the corpus folder (or beside a one-file corpus)."""

CORRECTION_ACTIONS = ("merge", "organisation", "speaker", "not_attribution")
_SPEAKER_FIELDS = ("type", "gender", "origin")
_GENDERS = ("female", "male", "unknown")
APPLIED_COLUMNS = ["line", "action", "target", "value", "n_speaker_rows", "n_quotes"]
"""Columns of the applied-corrections table (``Results.corrections``)."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One row of a corrections file.

    Attributes
    ----------
    line : int
        Line of the file the row starts on.
    action : str
        ``"merge"`` (``names`` are one speaker, the last one's id is kept),
        ``"organisation"`` (``names[0]`` is an organisation), ``"speaker"`` (set
        ``values``: ``type``, ``gender``, ``origin`` as an ISO country code) or
        ``"not_attribution"`` (``names`` are quote ids that are no attributions).
    names : tuple of str
        The speaker names or quote ids the row is about.
    values : tuple of (str, str)
        For ``"speaker"``: the (field, value) pairs to set.
    """

    line: int
    action: str
    names: tuple[str, ...]
    values: tuple[tuple[str, str], ...] = ()


def find_corrections(corpus_path: str | Path) -> Path | None:
    """The corrections file of a corpus: ``corrections.yaml`` in the corpus folder, or in
    the folder of a one-file corpus; None when there is none."""
    path = Path(corpus_path)
    folder = path if path.is_dir() else path.parent
    found = folder / CORRECTIONS_FILE
    return found if found.is_file() else None


def corrections_fingerprint(path: str | Path | None) -> str:
    """SHA-256 of the corrections file's bytes ("" without a file): part of a run's hash, so
    that editing the file re-runs what it touches."""
    if path is None or not Path(path).is_file():
        return ""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_corrections(path: str | Path) -> tuple[Correction, ...]:
    """Read and check a corrections file (see :func:`parse_corrections` for the format).

    Raises
    ------
    CorrectionsError
        When the file cannot be read, or a row is malformed (the error names file and line).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CorrectionsError(str(path), f"cannot read the corrections file ({err})") from err
    return parse_corrections(text, source=str(path))


def parse_corrections(text: str, *, source: str = CORRECTIONS_FILE) -> tuple[Correction, ...]:
    """Parse the YAML of a corrections file: a list with one mapping per correction.

    .. code-block:: yaml

        - merge: [Donald J. Trump, Donald Trump]   # one speaker; the last name's id is kept
        - organisation: Ford                       # this name is an organisation
        - speaker: Bernie Sanders                  # set its type, gender and/or origin
          type: official
          gender: male
          origin: US                               # the speaker's country, ISO alpha-2
        - not_attribution: wikinews-2019-01-04-x:3 # a quote_id (or a list of them)

    Names are matched as the speakers table writes them, case, accents, dots and
    honorifics ignored (:func:`speaker_key`), or by ``speaker_id``.

    Raises
    ------
    CorrectionsError
        Naming ``<source>:<line>`` and the problem, for the first malformed row.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise CorrectionsError(where, f"not valid YAML ({getattr(err, 'problem', err)})") from err
    if root is None:
        return ()
    if not isinstance(root, yaml.SequenceNode):
        raise CorrectionsError(
            f"{source}:{root.start_mark.line + 1}", "expected a list of corrections ('- ...')"
        )
    found = []
    for node in root.value:
        line = node.start_mark.line + 1
        where = f"{source}:{line}"
        if not isinstance(node, yaml.MappingNode):
            raise CorrectionsError(
                where, f"a correction is a mapping with one of {CORRECTION_ACTIONS}"
            )
        row = {}
        for key_node, value_node in node.value:
            row[str(key_node.value)] = _scalar_or_list(value_node, where)
        found.append(_correction(row, line, where))
    return tuple(found)


def _scalar_or_list(node, where: str) -> str | list[str]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip()
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(item, yaml.ScalarNode) for item in node.value
    ):
        return [str(item.value).strip() for item in node.value]
    raise CorrectionsError(where, "values are names, codes or lists of names")


def _correction(row: dict[str, str | list[str]], line: int, where: str) -> Correction:
    actions = [a for a in CORRECTION_ACTIONS if a in row]
    if len(actions) != 1:
        raise CorrectionsError(
            where,
            f"a correction has exactly one of {list(CORRECTION_ACTIONS)}, found {sorted(row)}",
        )
    action = actions[0]
    target = row[action]
    names = tuple(target) if isinstance(target, list) else (target,)
    if not all(names):
        raise CorrectionsError(where, f"'{action}' needs a non-empty name")
    extra = sorted(set(row) - {action, *(_SPEAKER_FIELDS if action == "speaker" else ())})
    if extra:
        raise CorrectionsError(where, f"unknown field(s) {extra} for '{action}'")
    if action == "merge" and len(names) < 2:
        raise CorrectionsError(where, "'merge' needs a list of two names or more")
    if action in ("organisation", "speaker") and len(names) != 1:
        raise CorrectionsError(where, f"'{action}' takes one name")
    values: list[tuple[str, str]] = []
    if action == "speaker":
        for field_name in _SPEAKER_FIELDS:
            if field_name not in row:
                continue
            value = row[field_name]
            if not isinstance(value, str):
                raise CorrectionsError(where, f"'{field_name}' takes one value")
            if field_name == "type" and value not in (*_SOURCE_TYPE_ORDER, "unknown"):
                raise CorrectionsError(
                    where, f"type {value!r} is not one of {[*_SOURCE_TYPE_ORDER, 'unknown']}"
                )
            if field_name == "gender" and value not in _GENDERS:
                raise CorrectionsError(where, f"gender {value!r} is not one of {list(_GENDERS)}")
            if field_name == "origin" and not re.fullmatch(r"[A-Za-z]{2}", value):
                raise CorrectionsError(
                    where, f"origin {value!r} is not an ISO 3166-1 alpha-2 country code"
                )
            values.append((field_name, value.upper() if field_name == "origin" else value))
        if not values:
            raise CorrectionsError(where, f"'speaker' needs one of {list(_SPEAKER_FIELDS)}")
    return Correction(line, action, names, tuple(values))


def _matching(table: pd.DataFrame, name: str) -> pd.Series:
    """Rows of a speakers table that a correction's name designates (by ``speaker_key`` or
    ``speaker_id``)."""
    key = speaker_key(name) or name
    return (table["speaker_key"] == key) | (table["speaker_id"].fillna("") == key)


def correction_targets(speakers: pd.DataFrame, corrections: Sequence[Correction]) -> pd.Series:
    """Speaker rows any of ``corrections`` may change (by name; ``not_attribution`` rows,
    which name quotes, are left out): with the quotes of these rows and of the quotes a
    ``not_attribution`` names, :func:`apply_corrections` gives what it gives on all quotes."""
    hit = pd.Series(False, index=speakers.index)
    for fix in corrections:
        if fix.action != "not_attribution":
            for name in fix.names:
                hit |= _matching(speakers, name)
    return hit


def apply_corrections(
    speakers: pd.DataFrame,
    quotes: pd.DataFrame,
    countries: Mapping[str, str],
    corrections: Sequence[Correction],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply corrections, in file order, to linked speakers and quotes tables.

    Parameters
    ----------
    speakers, quotes : pandas.DataFrame
        ``Results.speakers`` and ``Results.quotes`` after :func:`link_speakers`.
    countries : mapping of str to str
        article_id -> the article's country code, to turn a corrected origin country into
        domestic/foreign.
    corrections : sequence of Correction
        From :func:`read_corrections`.

    Returns
    -------
    (speakers, quotes, applied)
        The corrected tables (a quote that is no attribution loses its speaker; a speaker
        left with no quote loses its row; corrected values get the basis "correction"),
        and one row per correction (:data:`APPLIED_COLUMNS`) with the number of speaker
        rows and quotes it changed (0 when its names match nothing in this corpus).
    """
    speakers = speakers.copy()
    quotes = quotes.copy()
    for column in ("source_type", "origin", "gender", "entity"):
        if column in speakers:
            speakers[column] = speakers[column].astype(object)
    applied = []
    for fix in corrections:
        n_rows = n_quotes = 0
        if fix.action == "not_attribution":
            hit = quotes["quote_id"].isin(fix.names)
            n_quotes = int(hit.sum())
            pairs = quotes.loc[hit & quotes["speaker"].notna(), ["article_id", "speaker"]]
            quotes.loc[hit, ["speaker", "speaker_id"]] = None
            for article_id, speaker in pairs.itertuples(index=False):
                row = (speakers["article_id"] == article_id) & (speakers["speaker"] == speaker)
                left = quotes.loc[
                    (quotes["article_id"] == article_id) & (quotes["speaker"] == speaker)
                ]
                speakers.loc[row, "n_quotes"] = len(left)
                speakers.loc[row, "n_words"] = int(left["n_words"].sum())
                n_rows += int(row.sum())
            speakers = speakers.loc[speakers["n_quotes"] > 0]
        elif fix.action == "merge":
            last = _matching(speakers, fix.names[-1])
            target = (
                speakers.loc[last, "speaker_id"].iloc[0]
                if last.any()
                else speaker_key(fix.names[-1])
            )
            hit = pd.Series(False, index=speakers.index)
            for name in fix.names:
                hit |= _matching(speakers, name)
            n_rows = int(hit.sum())
            speakers.loc[hit, "speaker_id"] = target
            merged = speakers["speaker_id"] == target
            aliases = sorted(
                {a for text in speakers.loc[merged, "aliases"] for a in text.split(" | ")}
                | set(speakers.loc[merged, "speaker"])
            )
            speakers.loc[merged, "aliases"] = " | ".join(aliases)
        elif fix.action == "organisation":
            hit = _matching(speakers, fix.names[0])
            n_rows = int(hit.sum())
            speakers.loc[hit, "entity"] = "organisation"
            speakers.loc[hit, "is_anonymous"] = False
            speakers.loc[hit, "gender"] = None
            speakers.loc[hit, "gender_basis"] = ""
        else:  # speaker
            hit = _matching(speakers, fix.names[0])
            n_rows = int(hit.sum())
            for field_name, value in fix.values:
                if field_name == "type":
                    speakers.loc[hit, "source_type"] = value
                    speakers.loc[hit, "type_basis"] = CORRECTION
                elif field_name == "gender":
                    speakers.loc[hit, "gender"] = value
                    speakers.loc[hit, "gender_basis"] = CORRECTION
                else:
                    country = speakers.loc[hit, "article_id"].map(countries).fillna("").str.upper()
                    speakers.loc[hit, "origin_country"] = value
                    speakers.loc[hit, "origin"] = [
                        "unknown" if not c else "domestic" if c == value else "foreign"
                        for c in country
                    ]
                    speakers.loc[hit, "origin_basis"] = CORRECTION
        if fix.action != "not_attribution":
            changed = speakers.loc[hit, ["article_id", "speaker"]]
            n_quotes = int(
                quotes.merge(changed, on=["article_id", "speaker"], how="inner").shape[0]
            )
        values = "; ".join(f"{k}={v}" for k, v in fix.values)
        applied.append(
            {
                "line": fix.line,
                "action": fix.action,
                "target": " | ".join(fix.names),
                "value": values,
                "n_speaker_rows": n_rows,
                "n_quotes": n_quotes,
            }
        )
    return speakers, quotes, pd.DataFrame(applied, columns=APPLIED_COLUMNS)
