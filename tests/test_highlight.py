import html
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.highlight import SPEAKER_COLORS, UNATTRIBUTED_COLOR, highlight_article
from analysis.quotes import Quote

TAG = re.compile(r"<[^>]+>")


def body_of(markup: str) -> str:
    """The article part of the markup (after the legend), tags kept."""
    return markup.split('<div style="white-space: pre-wrap">', 1)[1].rsplit("</div>\n</div>", 1)[0]


def plain(markup: str) -> str:
    return html.unescape(TAG.sub("", body_of(markup)))


def spans_with(markup: str, needle: str) -> list[str]:
    """Texts of the <span>s whose style contains ``needle``."""
    pattern = rf"<span style=\"[^\"]*{re.escape(needle)}[^\"]*\"[^>]*>([^<]*)</span>"
    return re.findall(pattern, body_of(markup))


# “Yes,” said Ann. “No,” Bob replied.
#  0123456789...: "Yes," is 1..5, "said" 7..11, "Ann" 12..15; "No," 18..21, "Bob" 23..26,
#  "replied" 27..34 (worked out by counting characters, curly marks are one char each).
TWO = "“Yes,” said Ann. “No,” Bob replied."
ANN = {
    "start": 1,
    "end": 5,
    "speaker": "Ann",
    "speaker_start": 12,
    "speaker_end": 15,
    "cue_start": 7,
    "cue_end": 11,
    "kind": "direct",
}
BOB = {
    "start": 18,
    "end": 21,
    "speaker": "Bob",
    "speaker_start": 23,
    "speaker_end": 26,
    "cue_start": 27,
    "cue_end": 34,
    "kind": "direct",
}


def test_offsets_in_the_example_are_right():
    assert TWO[1:5] == "Yes," and TWO[7:11] == "said" and TWO[12:15] == "Ann"
    assert TWO[18:21] == "No," and TWO[23:26] == "Bob" and TWO[27:34] == "replied"


def test_speakers_get_colours_in_order_of_first_quote():
    # Bob's quote is listed first but Ann speaks first in the text: Ann gets colour 0.
    shown = highlight_article(TWO, [BOB, ANN])
    assert shown.speakers == ("Ann", "Bob")
    assert spans_with(shown.html, f"background: {SPEAKER_COLORS[0]}") == ["Yes,"]
    assert spans_with(shown.html, f"background: {SPEAKER_COLORS[1]}") == ["No,"]


def test_cue_and_speaker_mention_are_marked():
    shown = highlight_article(TWO, [ANN, BOB])
    assert spans_with(shown.html, "font-style: italic") == ["said", "replied"]
    assert spans_with(shown.html, "font-weight: bold") == ["Ann", "Bob"]


def test_text_survives_unchanged_outside_the_markup():
    shown = highlight_article(TWO, [ANN, BOB])
    assert plain(shown.html) == TWO


def test_text_and_names_are_escaped():
    text = "“<b>x</b> & y,” said <Ann>."
    # content "<b>x</b> & y," is 13 characters from 1 (ends at 14); "” said " takes 14..21,
    # so the speaker "<Ann>" runs from 21 to 26
    quote = {"start": 1, "end": 14, "speaker": "<Ann>", "speaker_start": 21, "speaker_end": 26}
    assert text[1:14] == "<b>x</b> & y," and text[21:26] == "<Ann>"
    shown = highlight_article(text, [quote], title="A & B")
    assert "<b>x</b>" not in shown.html and "&lt;b&gt;x&lt;/b&gt; &amp; y," in shown.html
    assert "&lt;Ann&gt; (1 quote)" in shown.html and "<h4>A &amp; B</h4>" in shown.html
    assert plain(shown.html) == text


def test_split_quote_colours_both_pieces_but_not_the_attribution_between():
    text = "“We won,” she said, “and we stay.”"
    # pieces "We won," (1..8) and "and we stay." (21..33); "she" 10..13 and "said" 14..18
    assert text[1:8] == "We won," and text[21:33] == "and we stay."
    quote = Quote(
        text="We won, and we stay.",
        start=1,
        end=33,
        fragments=((1, 8), (21, 33)),
        kind="direct",
        speaker="Kim Lee",
        speaker_start=10,
        speaker_end=13,
        cue="said",
        cue_start=14,
        cue_end=18,
    )
    shown = highlight_article(text, [quote])
    assert spans_with(shown.html, "background") == ["We won,", "and we stay."]
    assert spans_with(shown.html, "font-weight: bold") == ["she"]


def test_unattributed_quote_is_grey_and_listed_in_the_legend():
    text = "“Nothing,” it read."
    shown = highlight_article(text, [{"start": 1, "end": 9, "speaker": None}])
    assert spans_with(shown.html, f"background: {UNATTRIBUTED_COLOR}") == ["Nothing,"]
    assert "no speaker found (1 quote)" in shown.html
    assert shown.speakers == ()


def test_quotes_table_rows_with_missing_values_are_accepted():
    table = pd.DataFrame(
        [
            {**ANN, "cue_start": pd.NA, "cue_end": pd.NA, "fragments": ((1, 5),)},
            {**BOB, "speaker": None, "fragments": ((18, 21),)},
        ]
    ).astype({"speaker_start": "Int64", "speaker_end": "Int64"})
    shown = highlight_article(TWO, table)
    # Ann's cue offsets are missing: only Bob's cue is marked; Bob's quote lost its speaker
    assert spans_with(shown.html, "font-style: italic") == ["replied"]
    assert shown.speakers == ("Ann",)
    assert repr(shown) == "<highlighted article: 2 quotes, 1 speakers>"


def test_no_quotes_says_so():
    shown = highlight_article("Nobody spoke.", [])
    assert "No quotes found in this article." in shown.html
    assert plain(shown.html) == "Nobody spoke."


def test_same_input_same_markup():
    assert highlight_article(TWO, [ANN, BOB]).html == highlight_article(TWO, [ANN, BOB]).html


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        (
            {"start": 1, "end": 99, "speaker": "Ann"},
            r"quote 1: content span \(1, 99\) lies outside",
        ),
        ({**ANN, "cue_start": 30, "cue_end": 40}, r"quote 1: cue span \(30, 40\) lies outside"),
        ({"speaker": "Ann"}, r"quote 1: no start/end nor fragments"),
        ({"fragments": [("a", 2)]}, r"quote 1: content span .* is not a \(start, end\) pair"),
    ],
    ids=["content-past-end", "cue-past-end", "no-offsets", "non-integer-fragment"],
)
def test_bad_spans_name_the_quote_and_the_problem(quote, message):
    with pytest.raises(AnalysisError, match=message):
        highlight_article(TWO, [quote])


def test_text_must_be_a_string():
    with pytest.raises(AnalysisError, match="text should be a string, got NoneType"):
        highlight_article(None, [])


plain_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(plain_text, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6))
def test_any_spans_keep_the_text_intact(text, pairs):
    quotes = [
        {"start": min(a, b, len(text)), "end": min(max(a, b), len(text)), "speaker": f"S{i % 3}"}
        for i, (a, b) in enumerate(pairs)
    ]
    shown = highlight_article(text, quotes)
    assert plain(shown.html) == text
    assert shown.n_quotes == len(quotes)


# --- speaker names printed at each quote (for print and PDF) ---------------------------------

LABEL = re.compile(r'<span class="who" style="[^"]*">([^<]*)</span>')


def test_label_speakers_prints_each_name_in_front_of_its_quote():
    markup = highlight_article(TWO, [ANN, BOB, {"start": 18, "end": 21}], label_speakers=True).html
    body = body_of(markup)
    # one label per quote, at its first character: Ann before "Yes,", Bob and the
    # unattributed quote (same start, quote order) before "No,"
    assert LABEL.findall(body) == ["Ann", "Bob", "no speaker found"]
    assert (
        body.index(">Ann</span>")
        < body.index("Yes,")
        < body.index(">Bob</span>")
        < body.index("No,")
    )
    assert "print-color-adjust: exact" in body
    # the label names the speaker in the speaker's colour
    assert f"border: 2px solid {SPEAKER_COLORS[0]}; " in body.split(">Ann</span>")[0]


def test_labels_are_off_by_default_and_escaped_when_on():
    assert 'class="who"' not in highlight_article(TWO, [ANN]).html
    evil = {**ANN, "speaker": "<b>Ann</b>"}
    markup = highlight_article(TWO, [evil], label_speakers=True).html
    assert "<b>Ann</b>" not in markup and LABEL.findall(markup) == ["&lt;b&gt;Ann&lt;/b&gt;"]


def test_overlapping_quotes_first_quote_wins_the_shared_run():
    # quote 1 covers 0..10, quote 2 covers 5..15: characters 5..10 belong to both; the
    # lower quote number decides the colour there, as before the sweep was introduced
    text = "abcdefghijklmnopq"
    first = {"start": 0, "end": 10, "speaker": "A"}
    second = {"start": 5, "end": 15, "speaker": "B"}
    body = body_of(highlight_article(text, [first, second]).html)
    assert spans_with(highlight_article(text, [first, second]).html, SPEAKER_COLORS[0]) == [
        "abcde",
        "fghij",
    ]
    assert spans_with(highlight_article(text, [first, second]).html, SPEAKER_COLORS[1]) == ["klmno"]
    assert plain(highlight_article(text, [first, second]).html) == text and "pq" in body
