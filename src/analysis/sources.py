"""Speaker -> source profile: description, entity, source type, origin, gender, anonymity.

Every decision is read from what the article says, with word lists kept as data files in
``analysis/lexicons`` (``source_*.txt``, ``demonyms.txt``, ``organisations.txt``); nothing is
looked up outside the text, and a dimension the text does not settle is ``"unknown"``.

- ``description``: the apposition after the speaker's fullest name ("Geoff Porter, a
  consultant at North Africa Risk Consulting") or else the title right before it ("Libyan
  Foreign Minister Mohamed Siala"); for an unnamed source, the descriptor itself.
- ``entity``: ``organisation`` when the speaker is a known organisation or its head noun
  names a body ("the ministry", "Ministry of Defence"); ``group`` for plural or collective
  descriptors ("officials", "residents", "Republicans"); otherwise ``person``.
- ``source_type``: the leftmost specific role word or known organisation in the
  organisation's or descriptor's own words, then in the description (``source_official.txt``
  and the other type lexicons; the longest phrase wins at one position). Vague roles
  ("spokesman", "president", "director") decide only when nothing specific occurs.
- ``origin``: the leftmost nationality word, country name or known organisation with a
  country in those same words, compared with the article's country; "local"/"foreign" as a
  fallback. Names of persons are never read as places ("Chad Wolf").
- ``gender`` (persons only): an honorific before the name, then the pronouns that refer to
  the speaker, then gendered role nouns ("spokeswoman"), then the first name through
  ``gender_guesser``. This is an inference from wording and name statistics, not anyone's
  identity.
- ``is_anonymous``: true for unnamed persons and groups; organisations and named people are
  not anonymous.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.errors import LexiconError
from analysis.lexicons import load_lexicon, load_lines

SOURCE_TYPES = ("official", "military", "expert", "civilian", "business", "other", "unknown")
ENTITIES = ("person", "organisation", "group")
ORIGINS = ("domestic", "foreign", "unknown")
GENDERS = ("female", "male", "unknown")

_TYPED = ("official", "military", "expert", "civilian", "business", "other")
_QUOTE_MARKS = '"“”„«»'
_APPOSITION_END = re.compile(r"[,;:()\[\]\n\"“”„«»]|[.!?](?=\s|$)")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Ms|Mrs|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|No))$")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+")
_TOKEN = re.compile(r"\S+")
_PLURAL = "(?:e?s)?"
_PREPOSITION = re.compile(r"\s+(?:of|for|at|from|in|with|to|on)\s+")
_MAX_DESCRIPTION_WORDS = 25
_MAX_TITLE_WORDS = 10


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """Who a speaker is, as far as the article says.

    Attributes
    ----------
    description : str or None
        The title or apposition the article gives ("a consultant at North Africa Risk
        Consulting"); the descriptor itself for unnamed sources; None when there is none.
    entity : str
        ``"person"``, ``"organisation"`` or ``"group"``.
    source_type : str
        One of :data:`SOURCE_TYPES`; ``"unknown"`` when the text gives no role.
    origin : str
        ``"domestic"``, ``"foreign"`` or ``"unknown"``, relative to the article's country.
    gender : str or None
        ``"female"``, ``"male"`` or ``"unknown"`` for persons; None for organisations and
        groups. Inferred from wording and first names, not a statement of identity.
    is_anonymous : bool
        True for unnamed sources ("a Libyan commander", "officials").
    """

    description: str | None
    entity: str
    source_type: str
    origin: str
    gender: str | None
    is_anonymous: bool


# --------------------------------------------------------------------------- lexicons


def _table(name: str, n_fields: int) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated lexicon, checked for their number of fields."""
    rows = []
    for line in load_lines(name):
        fields = tuple(f.strip() for f in line.split("\t"))
        if len(fields) != n_fields or not all(fields):
            raise LexiconError(
                f"lexicons/{name}.txt: line {line!r} has {len(fields)} tab-separated "
                f"field(s), expected {n_fields}"
            )
        rows.append(fields)
    return tuple(rows)


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))


@dataclass(frozen=True, slots=True)
class _Lexicons:
    """Everything profile_speaker needs, compiled once per process."""

    roles: re.Pattern[str]  # lowercase role phrases -> group 1 is the phrase
    role_type: dict[str, tuple[str | None, bool]]  # phrase -> (type or None, is_specific)
    role_words: frozenset[str]  # single lowercase words of any role phrase
    places: re.Pattern[str]  # case-sensitive: demonyms, countries, places, organisations
    place_info: dict[str, tuple[str | None, str | None]]  # name -> (country, type)
    organisations: frozenset[str]
    origin_cues: re.Pattern[str]
    origin_cue: dict[str, str]
    org_heads: frozenset[str]
    groups: frozenset[str]
    determiners: frozenset[str]
    desc_start_stops: frozenset[str]
    desc_verbs: frozenset[str]
    titles: dict[str, str]  # honorific -> gender
    pronouns: dict[str, str]  # lowercase pronoun -> gender
    nouns: re.Pattern[str]
    noun_gender: dict[str, str]


def _country_names() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names[value] = country.alpha_2
    return names


@functools.cache
def _lexicons() -> _Lexicons:
    role_type: dict[str, tuple[str | None, bool]] = {}
    for phrase, kind in _table("source_roles", 2):
        role_type[phrase.lower()] = (None if kind == "-" else kind, False)
    for kind in _TYPED:
        for phrase in load_lexicon(f"source_{kind}"):
            previous = role_type.get(phrase)
            if previous is not None and previous[1] and previous[0] != kind:
                raise LexiconError(
                    f"lexicons/source_{kind}.txt: {phrase!r} is already typed "
                    f"{previous[0]!r} in another source lexicon"
                )
            role_type[phrase] = (kind, True)

    place_info: dict[str, tuple[str | None, str | None]] = {}
    for name, code in _country_names().items():
        place_info[name] = (code, None)
    demonyms = _table("demonyms", 2)
    for word, code in demonyms:
        place_info[word] = (code, None)
    for name, code in _table("source_places", 2):
        place_info[name] = (None if code == "-" else code, None)
    organisations = _table("organisations", 3)
    for name, code, kind in organisations:
        if kind not in _TYPED:
            raise LexiconError(
                f"lexicons/organisations.txt: {name!r} has type {kind!r}, expected one of {_TYPED}"
            )
        place_info[name] = (None if code == "-" else code, kind)
    demonym_words = {w for w, _ in demonyms}
    plural_ok = "|".join(
        re.escape(p) + (_PLURAL if p in demonym_words else "")
        for p in sorted(place_info, key=lambda p: (-len(p), p))
    )

    cues = dict(_table("source_origin_cues", 2))
    genders = _table("source_gender_words", 3)
    nouns = {w.lower(): g for w, g, kind in genders if kind == "noun"}
    stops = _table("source_description_stops", 2)
    return _Lexicons(
        roles=re.compile(rf"(?<![\w.])({_alternation(list(role_type))}){_PLURAL}(?!\w)"),
        role_type=role_type,
        role_words=frozenset(w for phrase in role_type for w in phrase.split()),
        places=re.compile(rf"(?<![\w.])({plural_ok})(?![\w])"),
        place_info=place_info,
        organisations=frozenset(name for name, _, _ in organisations),
        origin_cues=re.compile(rf"(?<!\w)({_alternation(list(cues))})(?!\w)", re.IGNORECASE),
        origin_cue={k.lower(): v for k, v in cues.items()},
        org_heads=load_lexicon("source_org_heads"),
        groups=load_lexicon("source_groups"),
        determiners=load_lexicon("source_determiners"),
        desc_start_stops=frozenset(w.lower() for w, kind in stops if kind == "start"),
        desc_verbs=frozenset(w.lower() for w, kind in stops if kind == "verb"),
        titles={w: g for w, g, kind in genders if kind == "title"},
        pronouns={w.lower(): g for w, g, kind in genders if kind == "pronoun"},
        nouns=re.compile(rf"(?<!\w)({_alternation(list(nouns))})(?!\w)", re.IGNORECASE),
        noun_gender=nouns,
    )


@functools.cache
def _name_detector():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


@functools.cache
def _first_name_gender(name: str) -> str:
    """gender_guesser's answer folded to female/male/unknown (``mostly_*`` counts)."""
    answer = _name_detector().get_gender(name)
    if answer == "unknown" and "-" in name:
        answer = _name_detector().get_gender(name.split("-")[0])
    return {"female": "female", "mostly_female": "female", "male": "male"}.get(
        answer, "male" if answer == "mostly_male" else "unknown"
    )


# --------------------------------------------------------------------------- helpers


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _bare(word: str) -> str:
    return _strip_possessive(word.strip(".,;:!?()[]\"“”‘’'")).lower()


def _singular(word: str) -> str | None:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2] and word[-3] in "sxz":
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


def _is_pronoun(speaker: str) -> bool:
    return speaker.strip().lower() in {*_lexicons().pronouns, "they", "it", "we", "i"}


def _is_descriptor(speaker: str, lex: _Lexicons) -> bool:
    """True when the speaker is unnamed: opens with a determiner or is all role words."""
    words = speaker.split()
    if not words:
        return True
    if words[0].lower() in lex.determiners or words[0][:1].islower():
        return True
    return all(
        _bare(w) in lex.role_words
        or _bare(w) in lex.groups
        or (_singular(_bare(w)) or "") in lex.role_words
        or _strip_possessive(w) in lex.place_info
        for w in words
    )


def _entity(speaker: str, lex: _Lexicons) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", speaker.strip())
    if name in lex.organisations or speaker.strip() in lex.organisations:
        return "organisation"
    if name.lower() == "they":
        return "group"
    if _is_pronoun(name):
        return "person"
    words = name.split()
    if not words:
        return "person"
    before_of = _PREPOSITION.split(name, maxsplit=1)[0].split()
    head = _bare(before_of[-1]) if before_of else ""
    if head in lex.org_heads:
        return "organisation"
    if re.fullmatch(r"[A-Z][A-Z&.]{1,7}", name) and name not in lex.place_info:
        return "organisation"
    last = _bare(words[-1])
    if last in lex.groups:
        return "group"
    singular = _singular(last)
    if (
        singular
        and (singular in lex.role_type or words[-1][:-1] in lex.place_info)
        and _is_descriptor(speaker, lex)
    ):
        return "group"
    return "person"


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    if not needle:
        return []
    found, start = [], text.find(needle)
    while start != -1:
        end = start + len(needle)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            found.append((start, end))
        start = text.find(needle, end)
    return found


def _has_role(phrase: str, lex: _Lexicons) -> bool:
    return bool(lex.roles.search(phrase.lower())) or any(
        lex.place_info[m.group(1)][1] for m in lex.places.finditer(phrase)
    )


def _apposition(text: str, end: int, lex: _Lexicons) -> str | None:
    """The description after a name: ``Name, <description>[,.]``, or None."""
    rest = text[end : end + 400]
    match = re.match(r",\s*(?:(?:aged\s+)?\d{1,3},\s*)?", rest)
    if not match:
        return None
    body = rest[match.end() :]
    cut = len(body)
    for stop in _APPOSITION_END.finditer(body):
        if stop.group() == "." and _ABBREVIATION.search(body[: stop.start() + 1]):
            continue
        cut = stop.start()
        break
    words = body[:cut].split()
    if not words or words[0].lower() in lex.desc_start_stops:
        return None
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in lex.desc_verbs:
            words = words[:i]
            break
    if len(words) > _MAX_DESCRIPTION_WORDS:
        return None
    phrase = " ".join(words)
    opens_np = words[0].lower() in lex.determiners or words[0].endswith(("'s", "’s"))
    if opens_np or _has_role(phrase, lex):
        return phrase
    return None


def _title_before(text: str, start: int, lex: _Lexicons) -> str | None:
    """The title right before a name ("Libyan Foreign Minister"), or None."""
    tokens = _TOKEN.findall(text[max(0, start - 200) : start])
    kept: list[str] = []
    while tokens and len(kept) < _MAX_TITLE_WORDS:
        token = tokens.pop()
        bare = _strip_possessive(token)
        if token[-1] in ",;:!?()[]" + _QUOTE_MARKS or token[0] in "([" + _QUOTE_MARKS:
            break
        if (
            token.endswith(".")
            and not _ABBREVIATION.search(token)
            and token.lower() not in lex.role_words
        ):
            break
        lower = bare.lower()
        if lower in ("of", "for", "to"):
            kept.append(token)
            continue
        if lower == "the" and kept and kept[-1].lower() in ("of", "for", "to"):
            kept.append(token)
            continue
        if bare[:1].isupper() or lower in lex.role_words:
            if lower in lex.determiners or lower in lex.desc_start_stops:
                break
            kept.append(token)
            continue
        break
    kept.reverse()
    while kept and kept[0].lower() in ("of", "for", "to", "the"):
        kept.pop(0)
    title = " ".join(kept)
    if title and lex.roles.search(title.lower()):
        return title
    return None


def _descriptions(
    text: str,
    speaker: str,
    mentions: Sequence[tuple[int, int]],
    lex: _Lexicons,
    *,
    person: bool,
) -> list[str]:
    """Appositions (and, for people, titles) at every mention of a named speaker, in order.

    People are also looked up by surname ("Richards, the coordinator"); organisations only
    by their full name, and only their appositions count.
    """
    spans = _occurrences(text, speaker)
    surname = speaker.split()[-1] if speaker.split() else ""
    if person and surname and surname != speaker:
        spans += [s for s in _occurrences(text, surname) if s not in spans]
    spans += [(s, e) for s, e in mentions if (s, e) not in spans and not _is_pronoun(text[s:e])]
    found = []
    for start, end in spans:
        title = _title_before(text, start, lex) if person else None
        for phrase in (_apposition(text, end, lex), title):
            phrase = phrase and phrase.replace("’", "'")
            if phrase and phrase not in found:
                found.append(phrase)
    return found


def _source_type(phrases: Sequence[str], lex: _Lexicons) -> str:
    """Leftmost specific role or organisation in the first phrase that has one."""
    fallback = None
    for phrase in phrases:
        hits = [
            (m.start(), -len(m.group(1)), m.group(1), "role")
            for m in lex.roles.finditer(phrase.lower())
        ]
        hits += [
            (m.start(), -len(m.group(1)), m.group(1), "place") for m in lex.places.finditer(phrase)
        ]
        for _, _, key, kind in sorted(hits):
            if kind == "place":
                typed = lex.place_info[key][1]
                if typed:
                    return typed
                continue
            typed, specific = lex.role_type[key]
            if specific and typed:
                return typed
            if typed and fallback is None:
                fallback = typed
    return fallback or "unknown"


def _origin(phrases: Sequence[str], country: str, lex: _Lexicons) -> str:
    """Domestic/foreign from the leftmost country-bearing word, else a local/foreign cue."""
    for phrase in phrases:
        for match in lex.places.finditer(phrase):
            code = lex.place_info[match.group(1)][0]
            if code:
                if not country:
                    return "unknown"
                return "domestic" if code == country.upper() else "foreign"
    for phrase in phrases:
        for match in lex.origin_cues.finditer(phrase):
            cue = lex.origin_cue[match.group(1).lower()]
            if cue != "-":
                return cue
    return "unknown"


def _pronoun_after(text: str, end: int, lex: _Lexicons) -> str | None:
    """Gender of the first he/she/his/her after a name, up to the end of the next sentence.

    The window stops at a quotation mark, so pronouns inside quoted speech are not used.
    """
    window = text[end : end + 400]
    ends = list(_SENTENCE_END.finditer(window))
    if len(ends) >= 2:
        window = window[: ends[1].start() + 1]
    for mark in _QUOTE_MARKS:
        cut = window.find(mark)
        if cut != -1:
            window = window[:cut]
    match = re.search(r"\b(he|she|his|her|him|himself|herself)\b", window, re.IGNORECASE)
    return lex.pronouns.get(match.group(1).lower()) if match else None


def _gender(
    text: str,
    speaker: str,
    mentions: Sequence[tuple[int, int]],
    descriptions: Sequence[str],
    named: bool,
    lex: _Lexicons,
) -> str:
    words = speaker.split()
    if words and words[0] in lex.titles:
        return lex.titles[words[0]]
    spans: list[tuple[int, int]] = []
    if named:
        spans = _occurrences(text, speaker)
        if len(words) > 1:
            spans += _occurrences(text, words[-1])
        for start, _ in spans:
            before = text[max(0, start - 8) : start].split()
            if before and before[-1] in lex.titles:
                return lex.titles[before[-1]]
    votes = {"female": 0, "male": 0}
    for start, end in mentions:
        said = lex.pronouns.get(text[start:end].strip().lower())
        if said:
            votes[said] += 1
    for _, end in spans:
        said = _pronoun_after(text, end, lex)
        if said:
            votes[said] += 1
    if votes["female"] != votes["male"]:
        return max(votes, key=votes.get)
    for phrase in [speaker, *descriptions] if not named else descriptions:
        match = lex.nouns.search(phrase)
        if match:
            return lex.noun_gender[match.group(1).lower()]
    if named:
        given = [w for w in words if w not in lex.titles and _bare(w) not in lex.role_words]
        if len(given) >= 2 and given[0][:1].isupper():
            return _first_name_gender(given[0].rstrip("."))
    return "unknown"


# --------------------------------------------------------------------------- public


def profile_speaker(
    text: str, speaker: str, mentions: Sequence[tuple[int, int]], *, country: str
) -> SourceProfile:
    """Describe one speaker of one article: entity, source type, origin, gender, anonymity.

    Parameters
    ----------
    text : str
        The article body the mentions point into.
    speaker : str
        ``Quote.speaker``: the fullest name in the article ("Marie Richards") or a
        descriptor for an unnamed source ("a Libyan commander", "officials").
    mentions : sequence of (int, int)
        ``(speaker_start, speaker_end)`` of every quote of this speaker in the article; may
        point at pronouns ("she"), which count as evidence of gender.
    country : str
        ISO 3166-1 alpha-2 code of the country the article is about, or ``""`` when unknown
        (origin is then ``"unknown"`` unless the text says "local" or "foreign").

    Returns
    -------
    SourceProfile
        Never raises on odd input: an empty speaker is an anonymous person of unknown
        type, origin and gender; mentions outside the text are ignored.

    Examples
    --------
    >>> text = "“We advance,” said Asruf el Qat, a soldier loyal to the Libyan government."
    >>> p = profile_speaker(text, "Asruf el Qat", [(19, 31)], country="LY")
    >>> p.description, p.source_type, p.origin, p.is_anonymous
    ('a soldier loyal to the Libyan government', 'military', 'domestic', False)
    """
    lex = _lexicons()
    speaker = " ".join(str(speaker or "").split())
    if not speaker:
        return SourceProfile(None, "person", "unknown", "unknown", "unknown", True)
    mentions = [(s, e) for s, e in mentions if 0 <= s < e <= len(text)]
    entity = _entity(speaker, lex)
    named = entity == "person" and not _is_descriptor(speaker, lex) and not _is_pronoun(speaker)
    if entity == "organisation" or named:
        descriptions = _descriptions(text, speaker, mentions, lex, person=named)
        description = descriptions[0] if descriptions else None
    else:
        descriptions = [text[s:e] for s, e in mentions if text[s:e] != speaker]
        descriptions = [d for d in descriptions if not _is_pronoun(d)]
        description = None if _is_pronoun(speaker) else speaker
    own_words = [speaker] if entity != "person" or not named else []
    phrases = [*own_words, *descriptions]
    return SourceProfile(
        description=description,
        entity=entity,
        source_type=_source_type(phrases, lex),
        origin=_origin(phrases, country, lex),
        gender=(
            _gender(text, speaker, mentions, descriptions, named, lex)
            if entity == "person"
            else None
        ),
        is_anonymous=entity != "organisation" and not named and not _is_pronoun(speaker),
    )
