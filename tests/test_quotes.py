"""Tests of analysis.quotes: hand-checked sentences, the case study, and properties.

The hand-checked sentence tables pin down the rules (``method="rules"``); the case study,
odd inputs and properties hold for every method. The trained tagger has its own tests in
``test_quotes_model.py``.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.lexicons import load_lines
from analysis.quotes import METHODS, Quote, extract_quotes


def rules_quotes(text: str) -> list[Quote]:
    """The rules alone: what the hand-checked tables below were worked out for."""
    return extract_quotes(text, method="rules")


OWN_LEXICONS = [
    "reporting_verbs",
    "speaker_titles",
    "pronouns",
    "cue_fillers",
    "time_words",
    "np_determiners",
    "clause_words",
    "clause_verbs",
    "object_verbs",
    "colon_labels",
    "grammar_words",
    "noun_cues",
]


def _summary(text: str) -> list[tuple[str, str | None, str]]:
    return [(q.text, q.speaker, q.kind) for q in rules_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“We are confident,” said Marie Richards.",
            [("We are confident,", "Marie Richards", "direct")],
        ),
        (
            '"The plan failed," Smith said.',
            [("The plan failed,", "Smith", "direct")],
        ),
        (
            'Jane Doe, a lawyer in Ohio, said: "It is over."',
            [("It is over.", "Jane Doe", "direct")],
        ),
        (
            "Officials said that the talks had failed.",
            [("that the talks had failed", "Officials", "indirect")],
        ),
        (
            "The talks failed, according to officials.",
            [("The talks failed", "officials", "indirect")],
        ),
        (
            "According to the report, prices rose sharply.",
            [("prices rose sharply", "the report", "indirect")],
        ),
        (
            "The economy is weak, two analysts said.",
            [("The economy is weak", "two analysts", "indirect")],
        ),
        (
            "A Libyan commander estimated that 40 fighters escaped.",
            [("that 40 fighters escaped", "a Libyan commander", "indirect")],
        ),
        (
            "Tom Lee told the BBC that rates would rise.",
            [("that rates would rise", "Tom Lee", "indirect")],
        ),
        (
            "Ana Ruiz said the plan was “a bad joke” for voters.",
            [("the plan was “a bad joke” for voters", "Ana Ruiz", "mixed")],
        ),
        (
            "Costs will rise for some, said Ann Batchelder.",
            [("Costs will rise for some", "Ann Batchelder", "indirect")],
        ),
        ("Still, officials said.", []),
        (
            "The mayor theorized that the plan had failed.",
            [("that the plan had failed", "The mayor", "indirect")],
        ),
        (
            "Ali Soufan told NPR Hamza had appeared in videos.",
            [("Hamza had appeared in videos", "Ali Soufan", "indirect")],
        ),
        (
            "After saying her foot was “so swollen,” she went home.",
            [("her foot was “so swollen,”", "she", "mixed")],
        ),
        (
            "According to a complaint filed by the SEC on Monday, the developers looted millions.",
            [("the developers looted millions", "a complaint filed", "indirect")],
        ),
        ("Correction: An earlier version misspelled a name.", []),
        ("It was a “stronghold” and a “base.”", []),
        ("ISIS fled the city in June.", []),
        ("The film “Gone with the Wind” is long.", []),
    ],
    ids=[
        "said-after-inverted: content is the quotation, speaker follows the verb",
        "name-said-after: speaker before the verb, quotation before it",
        "appositive-colon: speaker is the name before the appositive",
        "indirect-that: content keeps 'that' (PolNeAR convention), final period dropped",
        "according-to-after: content is the clause before the comma",
        "according-to-before: content follows the comma",
        "clause-then-descriptor: descriptor speaker, content before the comma",
        "belief-verb: estimated counts, article a lower-cased",
        "told-object: 'the BBC' is skipped, content from 'that'",
        "mixed: reported clause with a quoted phrase inside",
        "inverted-after-comma: the name after 'said' is the speaker, not 'some'",
        "one-word-before: 'Still' is no content",
        "unlisted-verb-before-that: 'theorized' is no listed verb, 'that the' opens a clause",
        "told-acronym: the hearer 'NPR' is skipped before a capitalised clause",
        "opening-participle: the content ends where the main clause's subject starts",
        "according-long-source: the content starts after the comma closing the source",
        "colon-label: 'Correction:' is page furniture, not a speaker",
        "scare-quotes-no-cue: nothing attributed",
        "no-quote-no-cue",
        "title-in-quotes-no-cue",
    ],
)
def test_extract_quotes_hand_checked(text, expected):
    assert _summary(text) == expected


def test_split_quote_is_one_quote_with_two_fragments():
    text = "“We won,” he said, “and we will win again.”"
    (quote,) = rules_quotes(text)
    # pieces: "We won," at 1..8 and "and we will win again." at 20..42 (counted by hand)
    assert quote.fragments == ((1, 8), (20, 42))
    assert quote.text == "We won, and we will win again."
    assert (quote.start, quote.end) == (1, 42)
    assert quote.kind == "direct"
    assert text[quote.speaker_start : quote.speaker_end] == "he"
    assert quote.cue == "said"


def test_split_quote_after_an_adverbial():
    text = '"It will be fair," Tim Cole said at a rally in Cary, N.C., "but we will watch."'
    (quote,) = rules_quotes(text)
    # the two quoted pieces, marks excluded, located in the text
    first, second = "It will be fair,", "but we will watch."
    assert quote.fragments == (
        (1, 1 + len(first)),
        (text.index(second), text.index(second) + len(second)),
    )
    assert quote.speaker == "Tim Cole"


def test_sentence_opening_with_a_quotation_continues_the_speaker():
    # the attribution sentence ends at "Cole.": the next sentence is a second quote by him,
    # partly quoted ("for the rich" is outside the marks), with no cue of its own
    text = "“It is tinkering,” said Al Cole. “It is no reform” for the rich."
    first, second = rules_quotes(text)
    assert (first.text, first.speaker, first.kind) == ("It is tinkering,", "Al Cole", "direct")
    assert (second.text, second.speaker, second.kind) == (
        "It is no reform” for the rich",
        "Al Cole",
        "mixed",
    )
    assert (second.cue, second.speaker_start) == (None, None)


def test_attribution_sentence_ending_before_a_quotation_gives_two_quotes():
    # issue 4: '"A," said X, a title. "B."' is two quotes by X; the period after the title
    # ends the attribution sentence, so "B." is no second fragment of "A,"
    text = "“We lost,” said Ann Lee, a coach at Hill College. “We will be back.”"
    quotes = rules_quotes(text)
    assert [(q.text, q.fragments, q.speaker) for q in quotes] == [
        ("We lost,", ((1, 9),), "Ann Lee"),
        ("We will be back.", ((51, 67),), "Ann Lee"),
    ]
    assert [q.kind for q in quotes] == ["direct", "direct"]


def test_attribution_interrupting_one_sentence_is_one_split_quote():
    # the cue clause ends with a comma, so the sentence goes on: one quote, two fragments
    text = "“We lost,” said Ann Lee, a coach, “but we will be back.”"
    (quote,) = rules_quotes(text)
    assert [text[s:e] for s, e in quote.fragments] == ["We lost,", "but we will be back."]


def test_verb_without_content_leaves_its_words_to_the_next_cue():
    # "continuing" is a listed verb with nothing reported after it; the whole clause before
    # ", he said" is what he said
    (quote,) = rules_quotes("Those discussions are continuing, he said.")
    assert (quote.text, quote.speaker, quote.cue) == (
        "Those discussions are continuing",
        "he",
        "said",
    )


def test_listed_verb_right_after_a_cue_comma_is_content_not_an_inverted_cue():
    # "celebrated" after "Mr. Bush said," starts the second piece of what Bush said
    text = "The museum, Mr. Bush said, celebrated several of his heroes."
    (quote,) = rules_quotes(text)
    assert [text[s:e] for s, e in quote.fragments] == [
        "The museum",
        "celebrated several of his heroes",
    ]
    assert quote.speaker == "Bush"


def test_clause_after_and_is_no_appositive_of_the_speaker():
    # ", and the meeting deteriorated from there," is a clause, so "Republicans" before it
    # is no speaker; the inverted "said one GOP source (in the room)" is
    text = (
        "It went badly with Republicans, and the meeting deteriorated from there, "
        "said one GOP source in the room."
    )
    (quote,) = rules_quotes(text)
    assert quote.speaker == "one GOP source"
    assert quote.text == "It went badly with Republicans, and the meeting deteriorated from there"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "There is no proof for Ann Lee’s claim that the vote was rigged.",
            ("that the vote was rigged", "Ann Lee", "claim", "Ann Lee’s"),
        ),
        (
            "There were allegations that the mayor took bribes.",
            ("that the mayor took bribes", None, "allegations", None),
        ),
        (
            "Critics mocked Ann Lee’s claim that the vote was rigged.",
            ("Ann Lee’s claim that the vote was rigged", "Critics", "mocked", "Critics"),
        ),
        ("He charges that the board lied.", ("that the board lied", "He", "charges", "He")),
    ],
    ids=[
        "possessive owner is the source",
        "no owner: no source",
        "noun inside the content of a verb cue stays content",
        "'charges' after a subject is the verb",
    ],
)
def test_noun_cue_with_that_clause(text, expected):
    (quote,) = rules_quotes(text)
    mention = None if quote.speaker_start is None else text[quote.speaker_start : quote.speaker_end]
    assert (quote.text, quote.speaker, quote.cue, mention) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Said Tim Ellis: “I see no interest in reform.”",
            ("I see no interest in reform.", "Tim Ellis", "Said"),
        ),
        ("Added Ann Lee, “We will be back.”", ("We will be back.", "Ann Lee", "Added")),
        (
            "Trump Could Address Clean Energy, Lindsey Graham Says.",
            ("Trump Could Address Clean Energy", "Lindsey Graham", "Says"),
        ),
    ],
    ids=[
        "'Said X:' opening the sentence: the verb is no part of the name",
        "'Added X,' likewise with a comma",
        "title-case headline ending in 'Name Says.'",
    ],
)
def test_inverted_cue_opening_or_closing_a_sentence(text, expected):
    (quote,) = rules_quotes(text)
    assert (quote.text, quote.speaker, quote.cue) == expected


def test_quantified_subjects_are_speakers():
    # "Nearly eight of 10 voters": the adverb before the number belongs to the subject;
    # "All" alone is the subject of "agreed", and no antecedent for a later "he"
    (poll,) = rules_quotes("Nearly eight of 10 voters say they plan to tune in.")
    assert (poll.text, poll.speaker) == ("they plan to tune in", "Nearly eight of 10 voters")
    text = "“It is bad,” said Tom Burman. All agreed that taxes would rise. He said it was fine."
    _, agreed, said = rules_quotes(text)
    assert (agreed.text, agreed.speaker) == ("that taxes would rise", "All")
    assert (said.text, said.speaker) == ("it was fine", "Tom Burman")


def test_abbreviation_before_a_comma_is_no_sentence_end():
    text = "“We will override it,” Senator Mitch McConnell, R-Ky., said."
    (quote,) = rules_quotes(text)
    assert (quote.text, quote.speaker) == ("We will override it,", "Mitch McConnell")


def test_quotation_after_a_participle_continues_the_direct_quote():
    text = "“We can win,” Ann Lee said, adding that polls had tightened. “We will win.”"
    quotes = rules_quotes(text)
    # the participle is its own quote; the next sentence's quotation is a third quote by
    # the speaker of the direct quotation (a new sentence, so no fragment of the first)
    assert [q.text for q in quotes] == ["We can win,", "that polls had tightened", "We will win."]
    assert [q.cue for q in quotes] == ["said", "adding", None]
    assert [q.speaker for q in quotes] == ["Ann Lee"] * 3


def test_lower_case_title_word_stays_in_the_speaker():
    text = '"Subpoenas are not optional," panel Chairman Jason Chaffetz said after the vote.'
    (quote,) = rules_quotes(text)
    assert quote.text == "Subpoenas are not optional,"
    assert text[quote.speaker_start : quote.speaker_end] == "panel Chairman Jason Chaffetz"
    assert quote.speaker == "Jason Chaffetz"  # title and lower-case lead dropped


def test_split_quote_around_a_hearer():
    text = '"It is new," Schiff told Capital Download on Wednesday, "and it is troubling."'
    (quote,) = rules_quotes(text)
    assert [text[s:e] for s, e in quote.fragments] == ["It is new,", "and it is troubling."]
    assert quote.cue == "told"


def test_interrupted_indirect_quote_is_split():
    text = "The economy, she said, is weak."
    (quote,) = rules_quotes(text)
    assert [text[s:e] for s, e in quote.fragments] == ["The economy", "is weak"]


def test_surname_and_pronoun_resolve_to_the_full_name():
    text = (
        "Marie Richards spoke on Monday.\n\n"
        "“We will stay,” Richards said.\n\n"
        "“It is hard,” she added."
    )
    quotes = rules_quotes(text)
    assert [q.speaker for q in quotes] == ["Marie Richards", "Marie Richards"]
    # the mention is the one next to the cue, not the full name
    assert [text[q.speaker_start : q.speaker_end] for q in quotes] == ["Richards", "she"]


def test_relative_pronoun_resolves_to_its_antecedent():
    text = "Police came. The Chicago Police Department, which reported “2,521 incidents” this year."
    (quote,) = rules_quotes(text)
    assert text[quote.speaker_start : quote.speaker_end] == "which"
    assert (
        quote.speaker == "The Chicago Police Department"
    )  # determiner kept, as in "The New York Times"


def test_title_is_dropped_when_resolving():
    text = "Gen. Khalifa Haftar arrived.\n\n“We will win,” said Gen. Haftar."
    (quote,) = rules_quotes(text)
    assert quote.speaker == "Khalifa Haftar"


def test_quote_paragraph_without_cue_continues_the_previous_speaker():
    text = "“We are ready,” said Ann Lee.\n\n“We have waited a long time.”"
    quotes = rules_quotes(text)
    assert [(q.text, q.speaker) for q in quotes] == [
        ("We are ready,", "Ann Lee"),
        ("We have waited a long time.", "Ann Lee"),
    ]
    assert quotes[1].cue is None and quotes[1].speaker_start is None


def test_stage_direction_in_quotes_continues_nobody():
    text = "“We are ready,” said Ann Lee.\n\n“(CROSSTALK.)”"
    assert [q.text for q in rules_quotes(text)] == ["We are ready,"]


def test_quote_running_over_paragraphs_without_closing_mark():
    text = "Mr. Ode said: “We came early.\n\n“We left late.”"
    quotes = rules_quotes(text)
    assert [q.text for q in quotes] == ["We came early.", "We left late."]
    assert all(q.speaker == "Ode" for q in quotes)


def test_colon_before_quoted_paragraph():
    text = "The Daily Star reports:\n\n“Prices rose again in May.”"
    (quote,) = rules_quotes(text)
    assert (quote.text, quote.speaker) == ("Prices rose again in May.", "The Daily Star")


def test_headline_colon_attribution():
    text = "Pence: Voters want change\n\nMore text here."
    (quote,) = rules_quotes(text)
    assert (quote.text, quote.speaker, quote.cue) == ("Voters want change", "Pence", ":")


@pytest.mark.parametrize(
    "mark_pair",
    [("“", "”"), ('"', '"'), ("«", "»"), ("''", "''")],
    ids=["curly", "straight", "guillemets", "doubled-apostrophes"],
)
def test_quotation_mark_styles(mark_pair):
    left, right = mark_pair
    text = f"{left}It works,{right} said Ann Lee."
    (quote,) = rules_quotes(text)
    assert (quote.text, quote.speaker, quote.kind) == ("It works,", "Ann Lee", "direct")


def test_single_curly_quotes_in_a_headline():
    text = "Sanders says Clinton must ‘get serious’ now."
    (quote,) = rules_quotes(text)
    assert quote.speaker == "Sanders"
    assert quote.text == "Clinton must ‘get serious’ now"
    assert quote.kind == "mixed"


@pytest.mark.parametrize("method", METHODS)
def test_case_study_gold_all_found_with_right_speaker(seed_text_path, seed_gold_path, method):
    text = seed_text_path.read_text(encoding="utf-8")
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))["quotes"]
    assert len(gold) == 9
    quotes = extract_quotes(text, method=method)
    for g in gold:
        assert text[g["start"] : g["end"]] == g["text"]
        hits = [
            q
            for q in quotes
            for s, e in q.fragments
            if min(e, g["end"]) - max(s, g["start"]) >= 0.8 * (g["end"] - g["start"])
        ]
        assert hits, f"gold quote not found: {g['text'][:40]}"
        assert hits[0].speaker.lower() == g["speaker"].lower(), g["text"][:40]


def test_case_study_exact_direct_quotes(seed_text_path):
    # The Richards quote "They have made ... casualties," and Porter's two pieces,
    # offsets worked out from the file (UTF-8): 917..1047, 2100..2173 and 2241..2382.
    text = seed_text_path.read_text(encoding="utf-8")
    by_start = {q.start: q for q in rules_quotes(text)}
    assert by_start[917].end == 1047
    assert by_start[917].kind == "direct"
    # Porter's attribution sentence ends at "Consulting." before the next quotation:
    # two quotes by him (the seed gold counts 2), not one split quote
    assert by_start[2100].fragments == ((2100, 2173),)
    assert by_start[2241].fragments == ((2241, 2382),)
    assert by_start[2100].speaker == by_start[2241].speaker == "Geoff Porter"


def test_case_study_kinds_agree_with_the_gold(seed_text_path, seed_gold_path):
    # The gold marks "watching very carefully" (the State Department *is* "watching very
    # carefully" for ...: a quotation inside a clause) "partial", the commander's "estimated
    # that" clause "indirect", the seven whole quoted utterances "direct"; our name for
    # "partial" is "mixed". One gold quote = one predicted quote starting at its offset.
    text = seed_text_path.read_text(encoding="utf-8")
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))["quotes"]
    ours = {"partial": "mixed", "direct": "direct", "indirect": "indirect"}
    quotes = rules_quotes(text)
    for g in gold:
        (hit,) = [q for q in quotes if q.start <= g["start"] < q.end]
        assert hit.kind == ours[g["kind"]], g["text"][:40]
    assert sum(g["kind"] == "direct" for g in gold) == 7


def test_quotation_inside_a_clause_is_mixed():
    # the quotation is the predicate of "The Health Ministry is ...": part of a clause
    text = "The Health Ministry is “deeply concerned” about the fires."
    (quote,) = rules_quotes(text)
    assert (quote.text, quote.speaker, quote.kind) == (
        "deeply concerned",
        "Health Ministry",
        "mixed",
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        '"' * 5001,
        "“" * 3000 + "”" * 3000,
        "said " * 2000,
        "“a” said " * 2000,
        "“a,” he said, “b.” " * 2000,
        "He said: " * 500,
        "according to " * 300,
        "x" * 100_000,
        "“Unclosed quote that never ends, said nobody",
        "’ ‘ ' '' `` « » „ ‟ ― —",
    ],
    ids=[
        "empty",
        "blank",
        "only-straight-marks",
        "only-curly-marks",
        "repeated-cue",
        "repeated-quote-cue",
        "repeated-split-quote",
        "repeated-colon",
        "repeated-according",
        "one-huge-word",
        "unclosed",
        "stray-marks",
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_odd_input_never_raises(text, method):
    quotes = extract_quotes(text, method=method)
    _check_invariants(text, quotes)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("unit", "attributed"),
    [('"a" “b” ', False), ("“a,” he said, “b.” ", True), ("he said that “x ", True)],
    ids=["alternating-marks-no-cue", "split-quotes", "no-sentence-end"],
)
def test_pathological_megabyte_finishes_with_valid_spans(unit, attributed):
    # one paragraph of 1 MB; speed is measured in benchmarks/bench_quotes.py, not here
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    quotes = rules_quotes(text)
    _check_invariants(text, quotes)
    assert bool(quotes) == attributed  # quotations without any cue are nobody's
    _check_invariants(text, extract_quotes(text))  # the tagger too (what it finds may differ)


def _check_invariants(text: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert q.fragments and q.fragments[0][0] == q.start and q.fragments[-1][1] == q.end
        assert all(s < e for s, e in q.fragments)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(q.fragments))
        assert q.text == " ".join(text[s:e] for s, e in q.fragments)
        assert q.kind in ("direct", "mixed", "indirect")
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)
        if q.cue_start is not None:
            assert 0 <= q.cue_start < q.cue_end <= len(text)
        assert 0.0 <= q.confidence <= 1.0
        assert q.method
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)


pieces = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "'",
        "‘",
        "’",
        "«",
        "»",
        " said ",
        " says ",
        ", ",
        ". ",
        "\n\n",
        ":",
        "―",
        "Ann Lee",
        "he",
        "according to ",
        "officials",
        "that ",
        "x",
        "Mr. ",
        "(",
        ")",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=40))
def test_any_text_keeps_invariants(parts):
    text = "".join(parts)
    _check_invariants(text, rules_quotes(text))
    _check_invariants(text, extract_quotes(text))


@pytest.mark.parametrize("name", OWN_LEXICONS)
def test_lexicons_load_and_are_not_empty(name):
    entries = load_lines(name)
    assert entries
    assert all(e == e.strip() for e in entries)


def test_grammar_words_lines_are_named_classes():
    for line in load_lines("grammar_words"):
        name, colon, words = line.partition(":")
        assert colon and name.strip().isidentifier() and words.split(), line


@pytest.mark.parametrize(
    ("rule", "text", "cue", "speaker"),
    [
        ("according_to", "Clinton plans to visit, according to an aide.", "according", "aide"),
        (
            "noun_cue",
            "There is no proof for Ann Lee’s claim that the vote was rigged.",
            "claim",
            "Ann Lee",
        ),
        ("opening_inverted_verb", "Said Ellis: “We will win.”", "Said", "Ellis"),
        ("dash_signature", "“We will win.” ― Marie Richards", "―", "Marie Richards"),
        ("reporting_verb", "Marie Richards said taxes rose.", "said", "Marie Richards"),
    ],
)
def test_each_cue_rule_reads_its_example(rule, text, cue, speaker):
    # the rule named fires at the cue word, and no rule before it in CUE_RULES does
    from analysis.quotes import rules
    from analysis.quotes.marks import quote_spans
    from analysis.quotes.tokens import tokens

    toks = tokens(text, 0, len(text), quote_spans(text, 0, len(text)))
    i = next(k for k, t in enumerate(toks) if t.text == cue)
    names = [r.__name__ for r in rules.CUE_RULES]
    for earlier in rules.CUE_RULES[: names.index(rule)]:
        assert earlier(toks, i, rules.CueState([])) is None, earlier.__name__
    state = rules.CueState([])
    assert getattr(rules, rule)(toks, i, state) is not None
    ((start, _, spk, _),) = state.found
    assert toks[start].text == cue
    assert speaker in text[toks[spk[0]].start : toks[spk[1] - 1].end]
