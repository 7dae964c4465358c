"""Speakers: merging mentions within an article, and the key across articles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.speakers import is_name, merge_speakers, name_form, speaker_key


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
