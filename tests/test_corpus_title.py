"""The .txt title rule: the first line is a title unless it reads like a sentence."""

from __future__ import annotations

import pytest

from analysis.corpus import MAX_TITLE_CHARS, looks_like_title, parse_txt
from analysis.pipeline import analyze


@pytest.mark.parametrize(
    "line",
    [
        "Dam opens after ten years",
        "Is the dam safe?",
        "Floods: thousands flee",
        "“We will win,” says prime minister",  # headline style: no full stop
        "Fed raises rates in the U.S.",  # an abbreviation, not a sentence end
        "Acme buys Widgets Inc.",
    ],
)
def test_headlines_are_titles(line):
    assert looks_like_title(line)


@pytest.mark.parametrize(
    "line",
    [
        "“We are ready,” said Governor Ada Lang.",  # ends with a full stop
        "The minister resigned on Tuesday.",
        "“It is over.”",  # full stop inside the closing mark
        "Rain fell. Roads shut",  # two sentences
        "x" * (MAX_TITLE_CHARS + 1),
    ],
    ids=["quote-sentence", "plain-sentence", "stop-inside-quote", "two-sentences", "too-long"],
)
def test_sentences_are_not_titles(line):
    assert not looks_like_title(line)


def test_a_txt_without_title_line_keeps_its_first_quote():
    data = "“We are ready,” said Governor Ada Lang.\n\nThe dam opened on Monday.\n".encode()
    article = parse_txt(data, "lang.txt")
    assert article.title == ""
    assert article.text.startswith("“We are ready,” said Governor Ada Lang.")
    # the quote on the first line is analysed (it was lost to the title before)
    quotes = analyze([article], sentiment=False).quotes
    assert quotes["text"].tolist() == ["We are ready,"]
    assert quotes["speaker"].tolist() == ["Ada Lang"]


def test_a_txt_with_a_headline_still_gets_its_title():
    data = "Dam opens after ten years\n\n“We are ready,” said Governor Ada Lang.\n".encode()
    article = parse_txt(data, "dam.txt")
    assert article.title == "Dam opens after ten years"
    assert article.text == "“We are ready,” said Governor Ada Lang."
