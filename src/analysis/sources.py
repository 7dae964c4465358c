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
- ``origin``: the leftmost nationality word, country name, capital or seat of government
  ("Moscow", "Downing Street"), first-level region of one country (ISO 3166-2 via
  pycountry) or known organisation with a country in those same words, compared with the
  article's country; "local"/"foreign" as a fallback. Names of persons are never read as
  places ("Chad Wolf"), language uses are no nationality ("English-language"), the last
  part of "Iranian-American" decides, and a title with no such word stays ``"unknown"``
  ("President Andrzej Duda"; "the Senate", which many countries have).
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
from analysis.names import strip_accents
from analysis.schema import ENTITIES as ENTITIES  # the categories, re-exported
from analysis.schema import GENDERS as GENDERS
from analysis.schema import ORIGINS as ORIGINS
from analysis.schema import SOURCE_TYPES as SOURCE_TYPES

_TYPED = ("official", "military", "expert", "civilian", "business", "other")
_QUOTE_MARKS = '"“”„«»'
_APPOSITION_END = re.compile(r"[,;:()\[\]\n\"“”„«»]|[.!?](?=\s|$)")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Ms|Mrs|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|No))$")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+")
_TOKEN = re.compile(r"\S+")
_PLURAL = "(?:e?s)?"
_FRONTED_PHRASE = re.compile(
    r"(?:^|[.!?]\s+|\n)\W*(?:\w+\s+){0,3}?(?:of|by|to|with|for|from|at|in|on|per)\s+"
    r"(?:[A-Z][\w.'’-]*\s+){0,6}$"
)
_AFFILIATION = re.compile(r"\s+((?:of|from|at)\s+(?:the\s+)?[A-Z].*)$")
_INITIAL = re.compile(r"[A-Z]\.?")
_ACRONYM = re.compile(r"[A-Z][A-Z&.]{1,7}")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_COMMA_AGE = re.compile(r",\s*(?:(?:aged\s+)?\d{1,3},\s*)?")
_TRAILING_HONORIFIC = re.compile(r"(?:\s(?:Dr|Prof|Mr|Ms|Mrs|Rev)\.?\s*)+$")
_TRAILING_COMMA = re.compile(r",\s*$")
_CAPITAL_OR_QUOTE = re.compile(r"[A-Z\"“”„«»]")
_FUNCTION_WORDS = frozenset({"of", "the", "for", "to", "in", "and", "at", "on", "a", "an"})
_PREPOSITION = re.compile(r"\s+(?:of|for|at|from|in|with|to|on)\s+")
_PARENTHETICAL = re.compile(r"\s*\([^()\n]{0,120}\)")
_COMPOUND_GAP = re.compile(r"(?:['’]s?)?[\s-]+")
_BRAND = re.compile(
    r"(?!Mc|Mac|De|Di|Da|La|Le|Van|Von)[A-Z][a-z]+(?:[A-Z][a-z]+)+|[A-Z]{2,}-[A-Z]{2,}|\S+-TV"
)
_LANGUAGE_USE = re.compile(r"[-\s](?:language|speaking|speakers?)\b")
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
    gender_basis : str
        What decided ``gender`` (:data:`GENDER_BASES`): ``"honorific"``, ``"pronoun"``,
        ``"role noun"`` or ``"first name"``; ``""`` when the gender is unknown or for
        organisations and groups.
    origin_country : str
        ISO 3166-1 alpha-2 code of the country the description gives the speaker, ``""``
        when it names none (kept so that other articles can judge origin against their own
        country).
    """

    description: str | None
    entity: str
    source_type: str
    origin: str
    gender: str | None
    is_anonymous: bool
    gender_basis: str = ""
    origin_country: str = ""


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
    """A regex matching any of ``phrases``, longest first, compiled as a character trie.

    Thousands of places and roles as a flat alternation cost one try per phrase at every
    position; the trie shares prefixes, so a position costs about one step per character.
    Greedy optional branches keep the longest-match-first behaviour of a sorted alternation.
    """
    trie: dict = {}
    for phrase in set(phrases):
        if not phrase:
            continue
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = True
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [re.escape(char) + _trie_regex(node[char]) for char in sorted(k for k in node if k)]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
    return body


@dataclass(frozen=True, slots=True)
class _Lexicons:
    """Everything profile_speaker needs, compiled once per process."""

    roles: re.Pattern[str]  # lowercase role phrases -> group 1 is the phrase
    role_type: dict[str, tuple[str | None, bool]]  # phrase -> (type or None, is_specific)
    role_words: frozenset[str]  # single lowercase words of any role phrase
    non_sources: frozenset[str]  # head nouns of documents, events, things
    role_heads: frozenset[str]  # last words of the role phrases ("spokesperson", "minister")
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
    time_words: frozenset[str]
    particles: frozenset[str]
    pronoun_speakers: frozenset[str]  # pronouns that can stand for a speaker


def _country_names() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names[value] = country.alpha_2
    return names


_SUBDIVISION_TYPES = re.compile(
    r"state|province|region|prefecture|territory|emirate|governorate|country|autonomous",
    re.IGNORECASE,
)
_SUBDIVISION_SUFFIX = re.compile(r"\s*(?:\[.*\]|\(.*\))|\s+(?:Sheng|Shi|Zizhiqu|SAR)$")


@functools.cache
def _common_english_words() -> frozenset[str]:
    """Words of TextBlob's part-of-speech lexicon (Brill; Brown and WSJ words), as spelt."""
    import importlib.resources

    path = importlib.resources.files("textblob") / "en" / "en-lexicon.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:  # pragma: no cover - textblob is a dependency
        return frozenset()
    return frozenset(
        word for line in lines if not line.startswith(";") and (word := line.split(" ", 1)[0])
    )


def _subdivision_names(taken: set[str]) -> dict[str, str]:
    """Top-level subdivisions (states, provinces, regions) -> country code, when unambiguous.

    From pycountry's ISO 3166-2 names of first-level states, provinces, regions,
    prefectures, territories, emirates and governorates (not municipalities, districts,
    departments or parishes), bracketed parts and Chinese suffixes removed, with an
    accent-free spelling added ("Kerala", "Jharkhand"). A name is kept only when it names
    a subdivision of one country, is not already a country, demonym or listed place, has
    at least four letters, is not a first name (gender_guesser) and is not a word of
    TextBlob's English lexicon (Brill, from the Brown and WSJ corpora) in any case: that
    drops common words and names made only of them ("Central", "Western Province") and the names English news already uses for
    something else, surnames and other places ("Herrera", "Mendoza", "Canterbury").
    Well-known regions that this drops are listed by hand in ``source_places.txt``.
    """
    import pycountry

    countries: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or not _SUBDIVISION_TYPES.search(sub.type):
            continue
        name = _SUBDIVISION_SUFFIX.sub("", sub.name).strip()
        if not name or "," in name or "'" in name or len(name) < 4 or not name[0].isupper():
            continue
        for spelling in {name, strip_accents(name)}:
            countries.setdefault(spelling, set()).add(sub.country_code)
    common = _common_english_words()
    names = {}
    for name, codes in countries.items():
        words = name.split()
        if (
            len(codes) != 1
            or name in taken
            or name in common
            or all(w.lower() in common for w in re.split(r"[\s-]+", name))
            or _first_name_gender(words[0]) != "unknown"
        ):
            continue
        names[name] = codes.pop()
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
    for name, code in _subdivision_names(set(place_info)).items():
        place_info[name] = (code, None)
    for word, code in demonyms:  # "Libyans", "Filipinos", as keys of their own
        for plural in (f"{word}s", f"{word}es"):
            place_info.setdefault(plural, (code, None))

    cues = dict(_table("source_origin_cues", 2))
    genders = _table("source_gender_words", 3)
    nouns = {w.lower(): g for w, g, kind in genders if kind == "noun"}
    stops = _table("source_description_stops", 2)
    return _Lexicons(
        roles=re.compile(rf"(?<![\w.])({_alternation(list(role_type))}){_PLURAL}(?!\w)"),
        role_type=role_type,
        role_words=frozenset(
            w for phrase in role_type for w in phrase.split() if w not in _FUNCTION_WORDS
        ),
        non_sources=load_lexicon("speaker_non_sources"),
        role_heads=frozenset(phrase.split()[-1] for phrase in role_type),
        places=re.compile(rf"(?<![\w.])({_alternation(list(place_info))})(?![\w])"),
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
        time_words=load_lexicon("source_time_words"),
        particles=load_lexicon("source_name_particles"),
        pronoun_speakers=frozenset(
            {*(w.lower() for w, _, kind in genders if kind == "pronoun"), "they", "it", "we", "i"}
        ),
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


# --------------------------------------------------------------------------- names


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
    if word.endswith("es") and len(word) > 3 and word[-3] in "sxz":
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


def _is_pronoun(speaker: str) -> bool:
    return speaker.strip().lower() in _lexicons().pronoun_speakers


def _is_lexicon_word(word: str, lex: _Lexicons) -> bool:
    """True for words that describe rather than name: roles, places, time words, titles."""
    bare = _bare(word)
    return (
        bare in lex.role_words
        or bare in lex.groups
        or (_singular(bare) or "") in lex.role_words
        or bare in lex.determiners
        or bare in lex.time_words
        or word in lex.titles
        or _strip_possessive(word.strip(",.;:")) in lex.place_info
    )


def _split_name(speaker: str, lex: _Lexicons) -> tuple[str, str]:
    """Split a speaker string into its title and its personal name.

    The name is the run of capitalised words (and name particles such as "el", "bin") at
    the end that are not role words, places, titles or time words:
    "Greek Foreign Minister George Katrougalos" -> ("Greek Foreign Minister", "George
    Katrougalos"); "a Libyan commander" -> ("a Libyan commander", ""). The last word is
    kept even when it looks like a role ("Tom Cousins") if a plain capitalised word comes
    before it.
    """
    words = speaker.split()
    i = len(words)
    while i > 0:
        word = words[i - 1]
        if word.lower() in lex.particles and i < len(words):
            i -= 1
            continue
        if not word[:1].isupper():
            break
        if _INITIAL.fullmatch(word) and i < len(words):
            i -= 1  # an initial: "Wayne A. I. Frederick", "Wayne A I Frederick"
            continue
        if (
            len(words) - i == 1
            and word in lex.place_info
            and not _is_lexicon_word(word.lower(), lex)
            and _first_name_gender(word) != "unknown"
        ):
            i -= 1  # a first name that is also a country: "Chad Wolf", "Jordan Peele"
            continue
        if _is_lexicon_word(word, lex):
            before = words[i - 2] if i >= 2 else ""
            if (
                i == len(words)
                and before[:1].isupper()
                and not _is_lexicon_word(before, lex)
                and not _ACRONYM.fullmatch(before)
            ):
                i -= 1
                continue
            break
        i -= 1
    while i < len(words) and not words[i][:1].isupper():
        i += 1
    if i and words[i - 1].lower() in _FUNCTION_WORDS | {"with", "by", "from"}:
        return speaker, ""  # "a spokesman for Acme Corp": the capitals name the employer
    return " ".join(words[:i]), " ".join(words[i:])


def _entity(speaker: str, name: str, lex: _Lexicons) -> str:
    bare = _LEADING_THE.sub("", speaker)
    if bare in lex.organisations or speaker in lex.organisations:
        return "organisation"
    if lex.place_info.get(bare, (None, None))[0] and bare[:1].isupper():
        return "organisation"  # "Russia said": a country speaks through its government
    if bare.lower() == "they":
        return "group"
    if _is_pronoun(bare):
        return "person"
    if _BRAND.fullmatch(bare):
        return "organisation"  # "RealClearPolitics", "PolitiFact", "WSET-TV": brand names
    head_words = _PREPOSITION.split(bare, maxsplit=1)[0].split()
    if not head_words:
        return "person"
    head = _bare(head_words[-1])
    if head in lex.org_heads:
        return "organisation"
    if _ACRONYM.fullmatch(bare) and bare not in lex.place_info:
        return "organisation"
    if head in lex.groups:
        return "group"
    singular = _singular(head)
    is_plural_role = singular is not None and (
        singular in lex.role_type or head_words[-1][:-1] in lex.place_info
    )
    if is_plural_role and not name:
        return "group"
    return "person"


# --------------------------------------------------------------------------- for speakers


@functools.cache
def _person_nouns() -> frozenset[str]:
    """Nouns for a person or people that are no role ("someone"): ``speaker_words.txt``."""
    for line in load_lines("speaker_words"):
        name, _, words = line.partition(":")
        if name.strip() == "person_nouns":
            return frozenset(words.split())
    raise LexiconError("lexicons/speaker_words.txt: no 'person_nouns:' line")


def source_noun_kind(word: str) -> str | None:
    """What a descriptor's head noun names: ``"person"``, ``"group"``, ``"organisation"`` or None.

    A role word ("spokesperson", "officials"), a gendered noun ("daughter"), a group noun
    ("residents", "sources") or an institution ("ministry", "network") names a source; a
    document, event or thing ("statement", "findings", "virus") does not (None).

    Examples
    --------
    >>> source_noun_kind("officials"), source_noun_kind("daughter"), source_noun_kind("report")
    ('group', 'person', None)
    """
    lex = _lexicons()
    bare = _bare(word)
    if not bare or bare in lex.non_sources or _singular(bare) in lex.non_sources:
        return None
    if bare in lex.groups:
        return "group"
    singular = _singular(bare)
    for form, plural in ((bare, False), (singular, True)):
        if not form:
            continue
        if form in lex.org_heads:
            return "organisation"
        if form in lex.role_heads or form in lex.noun_gender or form in _person_nouns():
            return "group" if plural else "person"
    return None


def describes(word: str) -> bool:
    """Whether a word describes rather than names: a role, place, title or time word."""
    return _is_lexicon_word(word, _lexicons())


def is_place(name: str) -> bool:
    """Whether ``name`` is a country, nationality, region or city the lexicons know (not an
    organisation): "Vermont", "Hong Kong", "Libyan"."""
    info = _lexicons().place_info.get(name)
    return info is not None and info[1] is None


@functools.cache
def _country_aliases() -> dict[str, str]:
    names = {name.casefold(): code for name, code in _country_names().items()}
    for line in load_lines("importer_country_aliases"):
        name, _, code = line.partition("|")
        names.setdefault(name.strip().casefold(), code.strip())
    return names


def country_code(name: str) -> str:
    """ISO alpha-2 code when ``name`` is a country ("the United States", "U.S.", "Russia"),
    else "" (regions and cities are not countries: "Vermont" -> "")."""
    bare = _LEADING_THE.sub("", name.strip()).rstrip(".").casefold()
    aliases = _country_aliases()
    return aliases.get(bare) or aliases.get(f"{bare}.") or ""


def known_organisation(name: str) -> bool:
    """Whether ``name`` is listed in ``organisations.txt`` ("Amnesty International")."""
    return _LEADING_THE.sub("", name) in _lexicons().organisations


def first_name_gender(name: str, *, strict: bool = False) -> str:
    """``"female"``, ``"male"`` or ``"unknown"`` for a first name (gender_guesser, folded).

    With ``strict``, names gender_guesser gives as only *mostly* one gender ("Bernie") are
    ``"unknown"``: strong enough to describe a speaker, not to pick the referent of a pronoun.
    """
    if strict:
        answer = _name_detector().get_gender(name)
        return answer if answer in ("female", "male") else "unknown"
    return _first_name_gender(name)


def honorific_gender(word: str) -> str | None:
    """Gender an honorific states ("Ms." -> female); ``"-"`` for "Dr"; None if no honorific."""
    titles = _lexicons().titles
    return titles.get(word) or titles.get(word.rstrip(".")) or titles.get(f"{word.rstrip('.')}.")


def pronoun_gender(word: str) -> str | None:
    """Gender of a third-person pronoun ("she" -> female), None for other words."""
    return _lexicons().pronouns.get(word.lower())


def noun_gender(word: str) -> str | None:
    """Gender of a gendered role noun ("daughter" -> female), None for other words."""
    return _lexicons().noun_gender.get(_bare(word))


# --------------------------------------------------------------------------- descriptions


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


def _has_place(phrase: str, lex: _Lexicons) -> bool:
    return any(lex.place_info[m.group(1)][0] for m in lex.places.finditer(phrase))


def _apposition(text: str, start: int, end: int, lex: _Lexicons) -> str | None:
    """The description after a name: ``Name, <description>[,.]``, or None."""
    rest = text[end : end + 400]
    match = _COMMA_AGE.match(rest)
    if not match:
        return None
    body = rest[match.end() :]
    cut, closing = len(body), ""
    for stop in _APPOSITION_END.finditer(body):
        if stop.group() == "." and _ABBREVIATION.search(body[: stop.start() + 1]):
            continue
        cut, closing = stop.start(), stop.group()
        break
    if closing in ".!?" and _FRONTED_PHRASE.search(text[max(0, start - 120) : start]):
        return None  # "At the request of X, the Queen suspended parliament.": main clause
    words = body[:cut].split()
    if not words or words[0].lower() in lex.desc_start_stops:
        return None
    if words[0].endswith("ed") and words[0].lower() not in lex.role_words:
        return None  # "Baloch, nicknamed ...", "Smith, charged with ...": a clause
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in lex.desc_verbs:
            words = words[:i]
            break
    if len(words) > _MAX_DESCRIPTION_WORDS:
        return None
    phrase = " ".join(words)
    first = words[0]
    opens_np = first.lower() in lex.determiners or first.endswith(("'s", "’s"))
    if not (opens_np or first[:1].isupper() or _bare(first) in lex.role_words):
        return None  # "Khan, gave his condolences via Twitter": a clause, not a description
    if opens_np or _has_role(phrase, lex):
        return phrase
    return None


def _apposition_before(text: str, start: int, lex: _Lexicons) -> str | None:
    """A description set off before a name: ``The Vice President, Mike Pence, said``."""
    before = text[max(0, start - 200) : start]
    before = _TRAILING_HONORIFIC.sub(" ", before)
    comma = _TRAILING_COMMA.search(before)
    if not comma:
        return None
    body = _PARENTHETICAL.sub("", before[: comma.start()])  # "the RMT union (...), Cash,"
    cut = max(body.rfind(c) for c in '.!?;:()[],\n"“”')
    words = body[cut + 1 :].split()
    opens_np = words and (words[0].lower() in ("the", "a", "an") or words[0].endswith(("'s", "’s")))
    if not opens_np or len(words) > _MAX_TITLE_WORDS:
        return None
    phrase = " ".join(words)
    return phrase if _has_role(phrase, lex) else None


def _of_phrase(text: str, end: int, lex: _Lexicons) -> str | None:
    """An affiliation right after a name: ``Mike Ryan of the World Health Organization``."""
    match = re.match(
        r"\s+((?:of|from|at)\s+(?:the\s+)?[A-Z][^,;:()\[\]\"“”\n]*)", text[end : end + 200]
    )
    if not match:
        return None
    words = []
    for word in match.group(1).split():
        if words and not (word[:1].isupper() or word in ("of", "and", "for", "the", "&")):
            break
        words.append(word.rstrip("."))
        if word.endswith(".") and not _ABBREVIATION.search(word):
            break
    while words and words[-1] in ("of", "and", "for", "the", "&"):
        words.pop()
    phrase = " ".join(words)
    if len(words) >= 2 and (_has_role(phrase, lex) or _has_place(phrase, lex)):
        return phrase
    return None


def _title_before(text: str, start: int, lex: _Lexicons) -> str | None:
    """The title right before a name ("Libyan Foreign Minister"), or None."""
    tokens = _TOKEN.findall(text[max(0, start - 120) : start])
    kept: list[str] = []
    while tokens and len(kept) < _MAX_TITLE_WORDS:
        token = tokens.pop()
        bare = _strip_possessive(token)
        lower = bare.lower().rstrip(".")
        if token[-1] in ",;:!?()[]" + _QUOTE_MARKS or token[0] in "([" + _QUOTE_MARKS:
            break
        if (
            token.endswith(".")
            and not _ABBREVIATION.search(token)
            and token.lower() not in lex.role_words
            and token not in lex.titles
        ):
            break
        if lower in ("of", "for", "to", "from"):
            kept.append(token)
            continue
        if lower == "the" and kept and kept[-1].lower() in ("of", "for", "to", "from"):
            kept.append(token)
            continue
        if lower in lex.determiners or lower in lex.desc_start_stops or lower in lex.time_words:
            break
        if bare[:1].isupper() or lower in lex.role_words:
            kept.append(token)
            continue
        break
    kept.reverse()
    while kept and (kept[0].lower() in ("of", "for", "to", "from", "the") or kept[0] in lex.titles):
        kept.pop(0)
    title = " ".join(kept)
    return title if title and _has_role(title, lex) else None


def _descriptions(
    text: str,
    name: str,
    title: str,
    mentions: Sequence[tuple[int, int]],
    lex: _Lexicons,
    *,
    person: bool,
) -> list[str]:
    """Descriptions the article gives a named speaker, in the order they appear.

    For people: the title inside the speaker string, then at every mention of the full
    name, the surname or the given mentions, the apposition after it, the apposition set
    off before it, the title right before it and an "of the <organisation>" after it.
    Organisations are looked up by their full name and only appositions count.
    """
    spans = dict.fromkeys(_occurrences(text, name))  # ordered set: linear in the mentions
    surname = name.split()[-1] if name.split() else ""
    if person and surname and surname != name:
        spans.update(dict.fromkeys(_occurrences(text, surname)))
    spans.update(dict.fromkeys((s, e) for s, e in mentions if not _is_pronoun(text[s:e])))
    found = [title] if title and (_has_role(title, lex) or _has_place(title, lex)) else []
    for start, end in spans:
        candidates = [_apposition(text, start, end, lex)]
        if person:
            candidates += [
                _apposition_before(text, start, lex),
                _title_before(text, start, lex),
                _of_phrase(text, end, lex),
            ]
        for phrase in candidates:
            if phrase:
                found.append(phrase.replace("’", "'"))
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- type, origin


def _source_type(phrases: Sequence[str], lex: _Lexicons) -> str:
    """Type from the first phrase that has a specific word.

    Within a phrase the speaker's own role ("soldier", "secretary-general") beats the body
    it belongs to ("government", "NATO"); the leftmost of each kind wins. Two refinements:
    a role word that only modifies the next typed word is skipped ("teachers' union",
    "youth minister": the head of the compound decides), and an expert profession yields
    to a typed employer of another kind ("company meteorologist", "a NASA scientist":
    the person speaks for the company or agency). Vague roles ("spokesman", "president")
    decide only when no phrase has a specific word.
    """
    fallback = None
    for phrase in phrases:
        hits = [
            (m.start(), -len(m.group(1)), m.group(1), False, m.end())
            for m in lex.roles.finditer(phrase.lower())
        ]
        hits += [
            (m.start(), -len(m.group(1)), m.group(1), True, m.end())
            for m in lex.places.finditer(phrase)
        ]
        typed_hits = []
        for start, _, key, is_place, end in sorted(hits):
            if is_place:
                typed, specific, is_body = lex.place_info[key][1], True, True
            else:
                typed, specific = lex.role_type[key]
                is_body = key.split()[-1] in lex.org_heads
            if typed:
                typed_hits.append((start, end, typed, specific, is_body))
        role = body = None
        for i, (_, end, typed, specific, is_body) in enumerate(typed_hits):
            if not specific:
                fallback = fallback or typed
            elif is_body:
                body = body or typed
            elif not role:
                following = typed_hits[i + 1] if i + 1 < len(typed_hits) else None
                if (
                    following
                    and following[3]
                    and _COMPOUND_GAP.fullmatch(phrase[end : following[0]])
                ):
                    continue  # a modifier: "teachers' union", "soldier's mother"
                role = typed
        if role == "expert" and body and body != "expert":
            return body
        if role or body:
            return role or body
    return fallback or "unknown"


def _origin_country(phrases: Sequence[str], lex: _Lexicons) -> str:
    """The country code of the leftmost country-bearing word of the phrases, or ""."""
    for phrase in phrases:
        matches = list(lex.places.finditer(phrase))
        for i, match in enumerate(matches):
            code = lex.place_info[match.group(1)][0]
            after = phrase[match.end() : match.end() + 12]
            if _LANGUAGE_USE.match(after):
                continue
            if (
                i + 1 < len(matches)
                and matches[i + 1].start() == match.end() + 1
                and after[:1] == "-"
            ):
                continue
            if code:
                return code
    return ""


def _origin(phrases: Sequence[str], country: str, lex: _Lexicons) -> str:
    """Domestic/foreign from the leftmost country-bearing word, else a local/foreign cue."""
    for phrase in phrases:
        matches = list(lex.places.finditer(phrase))
        for i, match in enumerate(matches):
            code = lex.place_info[match.group(1)][0]
            after = phrase[match.end() : match.end() + 12]
            if _LANGUAGE_USE.match(after):
                continue  # "an English-language paper", "French-speaking": a language
            if (
                i + 1 < len(matches)
                and matches[i + 1].start() == match.end() + 1
                and after[:1] == "-"
            ):
                continue  # "Iranian-American": the last part of the compound decides
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


# --------------------------------------------------------------------------- gender


_PRONOUN = re.compile(r"\b(he|she|his|himself|herself)\b", re.IGNORECASE)
GENDER_BASES = ("honorific", "pronoun", "role noun", "first name", "correction", "")
"""Values of ``gender_basis``: what decided a person's gender ("" when unknown)."""


def _pronoun_after(text: str, end: int, lex: _Lexicons) -> str | None:
    """Gender of a pronoun that follows a name closely enough to refer to it.

    Counted: "he", "she", "his", "himself" or "herself" later in the same sentence with no
    capitalised word or quotation mark in between ("Richards said she ..."), or a He/She
    opening the next sentence. "her" and "him" are not counted: as objects they usually
    refer to someone other than the sentence's subject ("Cooper thanked her").
    """
    window = text[end : end + 400]
    boundary = _SENTENCE_END.search(window)
    same = window[: boundary.start() + 1] if boundary else window
    match = _PRONOUN.search(same)
    if match:
        between = same[: match.start()]
        if not _CAPITAL_OR_QUOTE.search(between):
            return lex.pronouns[match.group(1).lower()]
        return None
    if boundary:
        following = window[boundary.end() :].split(maxsplit=1)
        if following and following[0] in ("He", "She"):
            return lex.pronouns[following[0].lower()]
    return None


def _gender(
    text: str,
    title: str,
    name: str,
    mentions: Sequence[tuple[int, int]],
    descriptions: Sequence[str],
    lex: _Lexicons,
) -> tuple[str, str]:
    """(gender, basis): an honorific, pronouns referring to the speaker, a gendered role
    noun, then the first name; ("unknown", "") when none settles it."""
    title_words = title.split()
    if title_words and lex.titles.get(title_words[-1], "-") != "-":
        return lex.titles[title_words[-1]], "honorific"
    words = name.split()
    spans: list[tuple[int, int]] = []
    if name:
        spans = _occurrences(text, name)
        if len(words) > 1:
            spans += _occurrences(text, words[-1])
        for start, _ in spans:
            before = text[max(0, start - 8) : start].split()
            if before and lex.titles.get(before[-1], "-") != "-":
                return lex.titles[before[-1]], "honorific"
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
        return max(votes, key=votes.__getitem__), "pronoun"
    for phrase in [title, *descriptions]:
        match = lex.nouns.search(phrase)
        if match:
            return lex.noun_gender[match.group(1).lower()], "role noun"
    given = [w for w in words if w.lower() not in lex.particles]
    if len(given) >= 2:
        gender = _first_name_gender(given[0].rstrip("."))
        return gender, "first name" if gender != "unknown" else ""
    return "unknown", ""


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
        descriptor for an unnamed source ("a Libyan commander", "officials"). A title
        inside the string ("Greek Foreign Minister George Katrougalos") is read as part of
        the description.
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
    text = str(text or "")
    mentions = [(s, e) for s, e in mentions if 0 <= s < e <= len(text)]
    pronoun = _is_pronoun(speaker)
    affiliation = _AFFILIATION.search(speaker)
    core = speaker[: affiliation.start()] if affiliation else speaker
    title, name = ("", "") if pronoun else _split_name(core, lex)
    if affiliation and name:
        title = f"{title} {affiliation.group(1)}".strip()  # "Jo Lu of Acme Corp" -> Jo Lu
    elif affiliation and not pronoun:
        title, name = _split_name(speaker, lex)  # "Secretary of State Jo Lu"
    entity = _entity(speaker, name, lex)
    named = entity == "person" and bool(name)
    if entity == "organisation":
        bare = _LEADING_THE.sub("", speaker)
        descriptions = _descriptions(text, bare, "", mentions, lex, person=False)
        description = descriptions[0] if descriptions else None
        phrases = [speaker, *descriptions]
        if bare in lex.place_info and bare not in lex.organisations:
            phrases.append("government")  # "Russia said": the country's government
    elif named:
        descriptions = _descriptions(text, name, title, mentions, lex, person=True)
        description = descriptions[0] if descriptions else None
        phrases = descriptions
    else:
        descriptions = list(dict.fromkeys(text[s:e] for s, e in mentions))
        descriptions = [
            d for d in descriptions if d.lower() != speaker.lower() and not _is_pronoun(d)
        ]
        description = None if pronoun else speaker
        phrases = [] if pronoun else [speaker, *descriptions]
    gender, gender_basis = (
        _gender(
            text,
            title,
            name,
            mentions,
            [speaker, *descriptions] if not named else descriptions,
            lex,
        )
        if entity == "person"
        else (None, "")
    )
    return SourceProfile(
        description=description,
        entity=entity,
        source_type=_source_type(phrases, lex),
        origin=_origin(phrases, country, lex),
        gender=gender,
        is_anonymous=entity != "organisation" and not named and not pronoun,
        gender_basis=gender_basis,
        origin_country=_origin_country(phrases, lex),
    )
