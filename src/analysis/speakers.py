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

from collections.abc import Iterable, Mapping

from analysis.names import is_name, name_form, speaker_key, title_end

__all__ = ["is_name", "merge_speakers", "name_form", "speaker_key"]


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
