"""Every word list ships with the package, loads, and says where it came from."""

from __future__ import annotations

import importlib.resources

import pytest

from analysis.errors import LexiconError
from analysis.lexicons import available_lexicons, load_lexicon, load_lines

FOLDER = importlib.resources.files("analysis") / "lexicons"


@pytest.mark.parametrize("name", available_lexicons())
def test_lexicon_loads_with_a_provenance_header(name):
    first_line = (FOLDER / f"{name}.txt").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("#"), f"lexicons/{name}.txt opens without a '#' header"
    entries = load_lines(name)
    assert entries, f"lexicons/{name}.txt has no entries"
    assert not any(entry.startswith("#") for entry in entries)  # comments are dropped
    assert load_lexicon(name) == frozenset(entry.lower() for entry in entries)


def test_the_lists_the_extractor_needs_are_shipped():
    # the extractor cannot work without its cue verbs, titles and pronouns
    assert {"reporting_verbs", "speaker_titles", "pronouns"} <= set(available_lexicons())
    # one lemma per line with its inflected forms: "say says said saying"
    forms = {form for entry in load_lines("reporting_verbs") for form in entry.split()}
    assert {"said", "told", "added"} <= forms


def test_unknown_lexicon_names_the_file_and_lists_the_available_ones():
    with pytest.raises(
        LexiconError,
        match=r"lexicons/no_such_list\.txt: no such lexicon; available: \[.*'pronouns'",
    ):
        load_lines("no_such_list")
