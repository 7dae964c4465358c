import pytest

from analysis.segment import split_paragraphs, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\n\nTwo.\n\n\nThree.", ["One.", "Two.", "Three."]),
        ("Line one\nline two\n \nNext", ["Line one\nline two", "Next"]),
        ("First line\nSecond line", ["First line", "Second line"]),
        ("  \n\n  ", []),
    ],
    ids=["blank-lines", "wrapped-lines-kept-together", "single-breaks", "only-space"],
)
def test_split_paragraphs(text, expected):
    assert [p.text for p in split_paragraphs(text)] == expected


def test_paragraph_offsets_reproduce_text():
    text = "  Alpha beta.\r\n\r\n\tGamma.  "
    assert all(text[p.start : p.end] == p.text for p in split_paragraphs(text))


def test_sentences_respect_abbreviations_and_paragraphs():
    text = "Mr. Trump spoke. Gen. Haftar did not\n\nA new paragraph. Its end."
    # "Mr." and "Gen." are abbreviations; the paragraph break ends a sentence
    assert [s.text for s in split_sentences(text)] == [
        "Mr. Trump spoke.",
        "Gen. Haftar did not",
        "A new paragraph.",
        "Its end.",
    ]
    assert all(text[s.start : s.end] == s.text for s in split_sentences(text))
