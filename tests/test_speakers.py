"""Speakers: merging mentions within an article, and the key across articles."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import CorrectionsError
from analysis.speakers import (
    article_speakers,
    corrections_fingerprint,
    find_corrections,
    identity_key,
    is_name,
    link_speakers,
    merge_speakers,
    name_form,
    parse_corrections,
    read_corrections,
    resolve_pronouns,
    speaker_key,
    speaker_mention,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Marie Richards", "marie richards"),
        ("  Marie   Richards ", "marie richards"),
        ("Mr. John Smith", "john smith"),
        ("Ms Smith", "smith"),
        ("José Álvarez", "jose alvarez"),
        ("Jane Doe’s", "jane doe"),
        ("Jane Doe's", "jane doe"),
        ("the U.S. Department of State", "us department of state"),
        ("US Department of State", "us department of state"),
        ("Asruf el Qat", "asruf el qat"),
        ("a Libyan commander", "a libyan commander"),
        ("Jean-Luc Picard", "jean-luc picard"),
        ("Mr.", ""),
    ],
    ids=[
        "lowercased",
        "white-space-collapsed",
        "honorific-dropped",
        "honorific-without-dot",
        "accents-stripped",
        "curly-possessive-dropped",
        "straight-possessive-dropped",
        "the-and-dots-dropped",
        "same-org-without-dots",
        "lowercase-particle-kept",
        "descriptor-kept-as-words",
        "hyphen-kept",
        "only-an-honorific-is-empty",
    ],
)
def test_speaker_key(name, expected):
    assert speaker_key(name) == expected


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Marie Richards", True),
        ("Asruf el Qat", True),
        ("US Department of State", True),
        ("a Libyan commander", False),
        ("officials", False),
        ("el Qat", True),
        ("a US Official", False),
        ("officials of the Ministry", False),
        ("", False),
    ],
    ids=[
        "person",
        "particle-inside",
        "organisation",
        "descriptor",
        "group",
        "particle-first",
        "starts-with-a",
        "long-lowercase-word",
        "empty",
    ],
)
def test_is_name(speaker, expected):
    assert is_name(speaker) is expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # Surname and honorific + surname are the tail of the one full name.
        (
            ["Marie Richards", "Richards", "Ms. Richards"],
            {
                "Marie Richards": "Marie Richards",
                "Richards": "Marie Richards",
                "Ms. Richards": "Marie Richards",
            },
        ),
        # The short form may come first; the full name still wins.
        (["Porter", "Geoff Porter"], {"Porter": "Geoff Porter", "Geoff Porter": "Geoff Porter"}),
        # A two-word tail with a lowercase particle.
        (["el Qat", "Asruf el Qat"], {"el Qat": "Asruf el Qat", "Asruf el Qat": "Asruf el Qat"}),
        # Two Smiths: a bare "Smith" cannot be assigned and stays on its own.
        (
            ["Ann Smith", "John Smith", "Smith"],
            {"Ann Smith": "Ann Smith", "John Smith": "John Smith", "Smith": "Smith"},
        ),
        # Nested full names are one person: "Qat" is the tail of both, which nest.
        (
            ["Qat", "el Qat", "Asruf el Qat"],
            {"Qat": "Asruf el Qat", "el Qat": "Asruf el Qat", "Asruf el Qat": "Asruf el Qat"},
        ),
        # A descriptor is never merged into a name, even when its last word matches.
        (
            ["commander", "Ali Commander", "a Libyan commander"],
            {
                "commander": "commander",
                "Ali Commander": "Ali Commander",
                "a Libyan commander": "a Libyan commander",
            },
        ),
        # Same key, different spelling: the most frequent spelling of equal length wins.
        (
            ["JOHN SMITH", "John Smith", "John Smith"],
            {"JOHN SMITH": "John Smith", "John Smith": "John Smith"},
        ),
        # A descriptor that opened a sentence is written as inside one.
        (
            ["A Libyan commander", "a Libyan commander", "An official"],
            {
                "A Libyan commander": "a Libyan commander",
                "a Libyan commander": "a Libyan commander",
                "An official": "an official",
            },
        ),
        # A job title the extractor kept in front of a name is dropped, so the long and
        # short forms meet: "Monika Kosiec" and "Police press officer Monika Kosiec".
        (
            ["Police press officer Monika Kosiec", "Monika Kosiec"],
            {
                "Police press officer Monika Kosiec": "Monika Kosiec",
                "Monika Kosiec": "Monika Kosiec",
            },
        ),
        # Title + surname joins the one full name with that surname.
        (
            ["New Zealand Prime Minister Jacinda Ardern", "Prime Minister Ardern"],
            {
                "New Zealand Prime Minister Jacinda Ardern": "Jacinda Ardern",
                "Prime Minister Ardern": "Jacinda Ardern",
            },
        ),
        # Title + surname and a bare surname, both joined to the full name.
        (
            ["Prime Minister Johnson", "Johnson", "Boris Johnson"],
            {
                "Prime Minister Johnson": "Boris Johnson",
                "Johnson": "Boris Johnson",
                "Boris Johnson": "Boris Johnson",
            },
        ),
        # An organisation whose first word is a title word stays whole.
        (["General Motors"], {"General Motors": "General Motors"}),
        # Unresolved bare pronouns are no known speaker.
        (["He", "she", "Ann Lee"], {"He": None, "she": None, "Ann Lee": "Ann Lee"}),
        # None is no speaker; an empty list gives an empty map.
        ([None, None], {}),
        # A first name alone is not a tail: it stays separate.
        (["Marie", "Marie Richards"], {"Marie": "Marie", "Marie Richards": "Marie Richards"}),
    ],
    ids=[
        "surname-and-honorific",
        "short-form-first",
        "particle-tail",
        "ambiguous-surname-kept",
        "nested-names",
        "descriptor-not-merged",
        "spelling-by-frequency",
        "sentence-initial-article-lowercased",
        "job-title-dropped",
        "title-and-surname",
        "title-surname-and-surname",
        "org-with-title-word",
        "pronouns-unresolved",
        "no-speakers",
        "first-name-not-merged",
    ],
)
def test_merge_speakers(names, expected):
    assert merge_speakers(names) == expected


names = st.lists(
    st.one_of(st.none(), st.text(alphabet="AbcDe .’'-", max_size=12)),
    max_size=8,
)


@given(names)
def test_merge_speakers_maps_every_name_to_a_fixed_point(names):
    mapping = merge_speakers(names)
    assert set(mapping) == {n for n in names if n is not None}
    # Canonical names are canonical: merging them again changes nothing.
    canon = {c for c in mapping.values() if c is not None}
    again = merge_speakers(sorted(canon))
    assert all(again[c] == c for c in canon)


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Marie Richards", "Marie Richards"),
        ("Police press officer Monika Kosiec", "Monika Kosiec"),
        ("United States President Donald Trump", "Donald Trump"),
        ("Prime minister Hubert Minnis", "Hubert Minnis"),
        ("Prime Minister Johnson", "Prime Minister Johnson"),
        ("US Department of State", "US Department of State"),
        ("Asruf el Qat", "Asruf el Qat"),
        ("A Libyan commander", "a Libyan commander"),
        ("a spokesman for the Ministry of Defence", "a spokesman for the Ministry of Defence"),
        ("The president", "The president"),
        ("officials", "officials"),
        ("He", None),
        ("  ", None),
    ],
    ids=[
        "plain-name",
        "job-before-name",
        "country-and-title-before-name",
        "lowercase-title-word",
        "title-kept-before-one-word",
        "organisation-with-of",
        "particle",
        "descriptor-lowercased",
        "descriptor-ending-in-organisation-kept",
        "definite-descriptor",
        "group",
        "pronoun",
        "blank",
    ],
)
def test_name_form(speaker, expected):
    assert name_form(speaker) == expected


# --------------------------------------------------------------------------- a speaker is a speaker


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Marie Richards", "Marie Richards"),
        ("a Libyan commander", "a Libyan commander"),
        ("officials", "officials"),
        ("the police", "the police"),
        ("Regarding Trump", "Trump"),
        ("of India Narendra Modi", "Narendra Modi"),
        ("Vermont Bernie Sanders", "Bernie Sanders"),
        ("Hong Kong Carrie Lam", "Carrie Lam"),
        ("United States Senator from Vermont Bernie Sanders", "Bernie Sanders"),
        ("Trump's statement", "Trump"),
        ("Biden's Twitter account", "Biden"),
        ("BBC's Jonathan Marcus", "Jonathan Marcus"),
        ("Dunn's mother", "Dunn's mother"),
        ("her son Anderson Cooper", "Anderson Cooper"),
        ("his decision", "he"),
        ("his daughter", "his daughter"),
        ("Zapata told", "Zapata"),
        ("Siemens have announced", "Siemens"),
        ("the European Union sanctioned Iran earlier in the month over", "the European Union"),
        ("a protester using the pseudonym Katya", "a protester"),
        ("Newly elected Assemblywoman Selena Torres", "Newly elected Assemblywoman Selena Torres"),
        ("Friday Ford Motor Company", "Ford Motor Company"),
        ("a number of Senators", "a number of Senators"),
        ("Ahmed al-Assadi", "Ahmed al-Assadi"),
        ("Mike Ryan of the World Health Organization", "Mike Ryan"),
        (
            "José Ortiz of the island's power authority",
            "José Ortiz of the island's power authority",
        ),
        ("The New York Times", "The New York Times"),
        ("279", None),
        ("a 1989", None),
        ("findings", None),
        ("the documentary", None),
        ("The Supreme Court decision", None),
        ("using data", None),
        ("Some", None),
        ("was one of his campaign", None),
        ("Monday morning", None),
        ("Presidential Debates", None),
        ("  ", None),
        (None, None),
    ],
)
def test_speaker_mention(raw, expected):
    assert speaker_mention(raw) == expected


def test_speaker_mention_is_idempotent_on_speakers():
    for raw in ("Regarding Trump", "Vermont Bernie Sanders", "his daughter", "a protester"):
        once = speaker_mention(raw)
        assert speaker_mention(once) == once


def test_merge_speakers_drops_non_speakers_and_cuts_leftovers():
    got = merge_speakers(["Regarding Trump", "Donald Trump", "findings", "Trump's statement"])
    assert got == {
        "Regarding Trump": "Donald Trump",
        "Donald Trump": "Donald Trump",
        "findings": None,
        "Trump's statement": "Donald Trump",
    }


# --------------------------------------------------------------------------- pronouns


def _at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def test_she_goes_to_the_nearest_woman_not_the_last_speaker():
    text = (
        'Mr. Tom Lee, the father, said "we are shocked." His daughter Anna was there. '
        'She said, "It was loud."'
    )
    got = resolve_pronouns(text, [_at(text, "Tom Lee"), _at(text, "She")], ["Tom Lee", "Tom Lee"])
    assert got == ["Tom Lee", "His daughter"]


def test_he_goes_to_the_nearest_man_mentioned_even_if_not_a_speaker():
    text = 'Nancy Pelosi said "no". Joe Biden met the press on Monday. He said "we will see."'
    got = resolve_pronouns(
        text, [_at(text, "Nancy Pelosi"), _at(text, "He")], ["Nancy Pelosi", "Nancy Pelosi"]
    )
    assert got == ["Nancy Pelosi", "Joe Biden"]


def test_pronoun_keeps_the_extractors_speaker_when_it_is_nearer_and_agrees():
    text = 'Joe Biden spoke first. Later Kim Jong-un arrived and said "yes". He added "no".'
    got = resolve_pronouns(text, [_at(text, "He")], ["Kim Jong-un"])
    assert got == ["Kim Jong-un"]


def test_pronoun_with_no_agreeing_person_is_unattributed():
    text = 'Nancy Smith said "yes". He added "no".'
    assert resolve_pronouns(text, [_at(text, "He")], ["Nancy Smith"]) == [None]


def test_pronoun_inside_a_quotation_is_left_alone():
    text = 'Joe Biden said: "Doris Day was America. She had it all," Mary Quant said.'
    spans = [(text.index("Doris"), text.index('," Mary'))]
    got = resolve_pronouns(text, [_at(text, "She")], ["Mary Quant"], spans)
    assert got == ["Mary Quant"]


def test_names_in_a_comparison_and_possessors_are_not_antecedents():
    text = (
        'Qandeel Baloch, the "Kim Kardashian of Pakistan", spoke. She said "hi". '
        'Joe Biden, Barack Obama\'s vice president, spoke. He said "no".'
    )
    got = resolve_pronouns(
        text, [_at(text, "She"), _at(text, "He")], ["Qandeel Baloch", "Joe Biden"]
    )
    assert got == ["Qandeel Baloch", "Joe Biden"]


# --------------------------------------------------------------------------- across articles


@pytest.mark.parametrize(
    ("speaker", "entity", "key"),
    [
        ("Donald Trump", "person", "donald trump"),
        ("Donald J. Trump", "person", "donald trump"),
        ("President Trump", "person", "trump"),
        ("Recep Tayyip Erdoğan", "person", "recep tayyip erdogan"),
        ("Erdogan", "person", "erdogan"),
        ("Volodymyr Zelenskyy", "person", "volodymyr zelensky"),
        ("the United States", "organisation", "country us"),
        ("U.S.", "organisation", "country us"),
        ("the United States government", "organisation", "country us"),
        ("Vermont", "organisation", "vermont"),
        ("the World Health Organization", "organisation", "world health organization"),
    ],
)
def test_identity_key(speaker, entity, key):
    assert identity_key(speaker, entity) == key


def _speaker_rows(rows):
    columns = ["article_id", "speaker", "entity", "is_anonymous", "source_type", "origin"]
    table = pd.DataFrame(rows, columns=columns)
    return table.assign(
        speaker_key=table["speaker"].map(speaker_key),
        n_quotes=1,
        origin_country=["US" if o == "domestic" else "" for o in table["origin"]],
        type_basis=["this article" if t != "unknown" else "" for t in table["source_type"]],
        origin_basis=["this article" if o != "unknown" else "" for o in table["origin"]],
    )


def test_link_speakers_clusters_variants_and_keeps_descriptors_apart():
    rows = _speaker_rows(
        [
            ("a1", "Donald Trump", "person", False, "official", "domestic"),
            ("a2", "Donald J. Trump", "person", False, "unknown", "unknown"),
            ("a3", "President Trump", "person", False, "official", "unknown"),
            ("a4", "Erdoğan", "person", False, "unknown", "unknown"),
            ("a5", "Recep Tayyip Erdogan", "person", False, "official", "unknown"),
            ("a1", "police", "organisation", False, "official", "unknown"),
            ("a2", "police", "organisation", False, "official", "unknown"),
            ("a1", "officials", "group", True, "official", "unknown"),
            ("a3", "officials", "group", True, "official", "unknown"),
            ("a3", "The US", "organisation", False, "official", "unknown"),
            ("a4", "the United States", "organisation", False, "official", "unknown"),
            ("a4", "Hunter Biden", "person", False, "unknown", "unknown"),
            ("a5", "Joe Biden", "person", False, "official", "unknown"),
            ("a6", "Biden", "person", False, "unknown", "unknown"),
            ("a1", "The WHO", "organisation", False, "official", "unknown"),
            ("a2", "the World Health Organization", "organisation", False, "official", "unknown"),
            ("a3", "WTO", "organisation", False, "official", "unknown"),
        ]
    )
    got = link_speakers(rows, {"a1": "US", "a2": "US", "a3": "", "a4": "TR", "a5": ""})
    pairs = zip(got["article_id"], got["speaker"], strict=True)
    ids = dict(zip(pairs, got["speaker_id"], strict=True))
    assert ids["a1", "Donald Trump"] == ids["a2", "Donald J. Trump"] == ids["a3", "President Trump"]
    assert ids["a1", "Donald Trump"] == "donald trump"
    assert ids["a4", "Erdoğan"] == ids["a5", "Recep Tayyip Erdogan"]
    assert ids["a3", "The US"] == ids["a4", "the United States"]
    # descriptors are never one speaker across articles
    assert ids["a1", "police"] != ids["a2", "police"]
    assert ids["a1", "officials"] != ids["a3", "officials"]
    # "Biden" is ambiguous in this corpus (Joe and Hunter): left alone
    assert ids["a6", "Biden"] not in (ids["a4", "Hunter Biden"], ids["a5", "Joe Biden"])
    assert ids["a1", "The WHO"] == ids["a2", "the World Health Organization"]
    assert ids["a3", "WTO"] == "wto"  # no name in this corpus has those initials
    trump = got.loc[got["speaker_id"] == "donald trump"]
    assert set(trump["aliases"]) == {"Donald J. Trump | Donald Trump | President Trump"}


def test_link_speakers_lends_type_and_origin_without_overriding():
    rows = _speaker_rows(
        [
            ("a1", "Nancy Pelosi", "person", False, "official", "domestic"),
            ("a2", "Nancy Pelosi", "person", False, "unknown", "unknown"),
            ("a3", "Nancy Pelosi", "person", False, "unknown", "unknown"),
            ("a4", "Nancy Pelosi", "person", False, "civilian", "foreign"),
            ("a5", "a resident", "person", True, "unknown", "unknown"),
        ]
    )
    got = link_speakers(rows, {"a1": "US", "a2": "US", "a3": "GB", "a4": "FR", "a5": "US"})
    got = got.set_index("article_id")
    assert got.loc["a2", ["source_type", "origin", "type_basis", "origin_basis"]].tolist() == [
        "official",
        "domestic",
        "another article",
        "another article",
    ]
    assert got.loc["a3", ["origin", "origin_basis"]].tolist() == ["foreign", "another article"]
    # what an article says itself stays
    assert got.loc["a4", ["source_type", "type_basis"]].tolist() == ["civilian", "this article"]
    assert got.loc["a5", ["source_type", "type_basis"]].tolist() == ["unknown", ""]


# --------------------------------------------------------------------------- corrections


CORRECTIONS = """\
# corrections for a test corpus
- merge: [Donald J. Trump, Donald Trump]
- organisation: Ford
- speaker: Ann Lee
  type: official
  gender: female
  origin: gb
- not_attribution: a2:2
"""


def test_parse_corrections_reads_every_action_with_its_line():
    got = parse_corrections(CORRECTIONS)
    assert [(c.line, c.action, c.names) for c in got] == [
        (2, "merge", ("Donald J. Trump", "Donald Trump")),
        (3, "organisation", ("Ford",)),
        (4, "speaker", ("Ann Lee",)),
        (8, "not_attribution", ("a2:2",)),
    ]
    assert got[2].values == (("type", "official"), ("gender", "female"), ("origin", "GB"))
    assert parse_corrections("") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- merge: [A]\n", r"x\.yaml:1: 'merge' needs a list of two names"),
        ("- organisation: A\n- speaker: B\n  type: boss\n", r"x\.yaml:2: type 'boss' is not one"),
        ("- speaker: B\n  gender: f\n", r"x\.yaml:1: gender 'f' is not one"),
        ("- speaker: B\n  origin: USA\n", r"x\.yaml:1: origin 'USA' is not an ISO"),
        ("- speaker: B\n", r"x\.yaml:1: 'speaker' needs one of"),
        ("- rename: B\n", r"x\.yaml:1: a correction has exactly one of"),
        ("- organisation: A\n  type: official\n", r"x\.yaml:1: unknown field\(s\) \['type'\]"),
        ("- organisation: A\n- just text\n", r"x\.yaml:2: a correction is a mapping"),
        ("merge: [A, B]\n", r"x\.yaml:1: expected a list"),
        ("- merge: [A, B\n", r"x\.yaml:2: not valid YAML"),
    ],
)
def test_bad_corrections_name_file_and_line(text, message):
    with pytest.raises(CorrectionsError, match=message):
        parse_corrections(text, source="x.yaml")


def test_read_corrections_and_fingerprint(tmp_path):
    path = tmp_path / "corrections.yaml"
    assert find_corrections(tmp_path) is None and corrections_fingerprint(None) == ""
    path.write_text(CORRECTIONS, encoding="utf-8")
    assert find_corrections(tmp_path) == path
    assert len(read_corrections(path)) == 4
    before = corrections_fingerprint(path)
    path.write_text(CORRECTIONS + "- organisation: Acme\n", encoding="utf-8")
    assert corrections_fingerprint(path) != before and len(before) == 64


def test_analyze_applies_corrections_last_and_lists_them(tmp_path):
    from analysis.pipeline import analyze

    table = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "country": ["US", "US", "GB"],
            "text": [
                'Donald J. Trump said, "We will win."',
                'Ford said, "Sales rose." Ann Lee said, "No comment."',
                'Donald Trump said, "Thank you."',
            ],
        }
    )
    plain = analyze(table, sentiment=False)
    assert plain.corrections.empty
    assert plain.speakers.set_index("speaker").loc["Ford", "entity"] == "person"
    path = tmp_path / "corrections.yaml"
    path.write_text(CORRECTIONS + "- organisation: Nobody\n", encoding="utf-8")
    got = analyze(table, sentiment=False, corrections=path)
    speakers = got.speakers.set_index(["article_id", "speaker"])
    assert speakers.loc[("a2", "Ford"), ["entity", "is_anonymous"]].tolist() == [
        "organisation",
        False,
    ]
    assert pd.isna(speakers.loc[("a2", "Ford"), "gender"])
    assert ("a2", "Ann Lee") not in speakers.index  # its one quote is no attribution
    assert got.quotes.set_index("quote_id").loc["a2:2", "speaker"] is None or pd.isna(
        got.quotes.set_index("quote_id").loc["a2:2", "speaker"]
    )
    assert got.articles.set_index("article_id").loc["a2", "n_speakers"] == 1
    trump = got.quotes.loc[got.quotes["speaker"].str.contains("Trump", na=False)]
    assert trump["speaker_id"].nunique() == 1
    applied = got.corrections.set_index("line")
    assert applied.loc[3, ["action", "n_speaker_rows", "n_quotes"]].tolist() == [
        "organisation",
        1,
        1,
    ]
    assert applied.loc[9, ["target", "n_speaker_rows"]].tolist() == ["Nobody", 0]


# --------------------------------------------------------------------------- the words around a mention


@dataclass(frozen=True)
class _Q:
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    fragments: tuple[tuple[int, int], ...] = ()


def _quote_at(text: str, mention: str, speaker: str | None = None) -> _Q:
    start = text.index(mention)
    return _Q(mention if speaker is None else speaker, start, start + len(mention))


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("Northamptonshire police said the car came from the base.", "Northamptonshire",
         "Northamptonshire police"),
        ("The Montreal team's data showed water.", "Montreal", "Montreal team"),
        ("The United States Department of Health and Human Services declared an emergency.",
         "Human Services", "The United States Department of Health and Human Services"),
        ("The Islamic State of Iraq and the Levant claimed the attack.",
         "the Levant", "The Islamic State of Iraq and the Levant"),
        ("Pelosi and Schumer said no.", "Schumer", "Schumer"),
        ("Suman Haripriya of the Hajo assembly said it cures.", "Suman Haripriya of the Hajo",
         "Suman Haripriya"),
    ],
)  # fmt: skip
def test_article_speakers_read_the_words_around_a_mention(text, mention, expected):
    assert article_speakers(text, [_quote_at(text, mention)]) == [expected]


def test_a_name_owned_by_a_pronoun_is_the_owners():
    text = 'Wanda Vazquez spoke. In a statement posted to her Twitter account she wrote "yes".'
    assert article_speakers(text, [_quote_at(text, "Twitter")]) == ["Wanda Vazquez"]


# --------------------------------------------------------------------------- the hand check


def test_speaker_check_judgements_are_complete_and_add_up():
    from pathlib import Path

    path = Path(__file__).parent / "data" / "speaker_check" / "judgements.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["sample", "article_id", "speaker", "judgement"]
    assert set(table["judgement"]) <= {"source", "source_garbled", "not_source"}
    assert (table.groupby("sample").size() == 100).all()
    assert not table.duplicated(["sample", "article_id", "speaker"]).any()
    junk = table.loc[table["judgement"] == "not_source"].groupby("sample").size()
    # the figures in the README of tests/data/speaker_check and in the project README
    assert junk.get("before_seed15", 0) == 12 and junk.get("before_seed7", 0) == 18
    assert junk.get("after_seed7", 0) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Footage from the City University Student Union", "the City University Student Union"),
        ("a statement by the Interior Ministry", "the Interior Ministry"),
        ("footage from the scene", None),
        ("along with the American Civil Liberties Union", "the American Civil Liberties Union"),
        ("others in the Democratic Party", "others"),
        ("WHO's statistics", "WHO"),
    ],
)
def test_a_thing_from_an_owner_is_the_owners(raw, expected):
    assert speaker_mention(raw) == expected


def test_she_is_never_an_organisation():
    text = 'Elizabeth Warren ran for the Democratic Party nomination. She said "yes".'
    got = resolve_pronouns(text, [_at(text, "She")], ["Democratic Party"])
    assert got == ["Elizabeth Warren"]
    assert resolve_pronouns('The Party met. She said "no".', [(15, 18)], ["The Party"]) == [None]
