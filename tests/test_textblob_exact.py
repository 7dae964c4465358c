"""analysis.sentiment.textblob_scores equals TextBlob(text).sentiment, float for float.

The comparison runs on seeded strings: synthetic text built from the things Pattern's
scorer reacts to (lexicon words, negations, adverbs, ``!``, ``(!)``, emoticons, abbreviations,
contractions, quotation marks, line breaks, runs of punctuation) and, when ../shared is
present, real news articles, their sentences, sentiment-evaluation sentences and random
spans of articles cut anywhere (so negations and intensifiers fall on span edges).
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textblob import TextBlob
from textblob import _text as pattern_text
from textblob.en import sentiment as pattern_sentiment

from analysis.segment import split_sentences
from analysis.sentiment import textblob_scores
from analysis.sentiment.textblob_exact import CHUNK_WORDS, chunks, tokenize

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

_PIECES = [
    "good",
    "bad",
    "great",
    "terrible",
    "terribly",
    "happy",
    "sad",
    "very",
    "really",
    "extremely",
    "not",
    "no",
    "never",
    "n't",
    "isn't",
    "don't",
    "wasn't",
    "the",
    "a",
    "is",
    "it",
    "he",
    "said",
    "!",
    "!!",
    "(!)",
    "( ! )",
    "?",
    ".",
    "...",
    "....",
    ",",
    ";",
    ":",
    ":)",
    ": )",
    ":-(",
    ":(",
    ";)",
    ":D",
    "xD",
    "XD",
    "<3",
    "♥",
    ":'(",
    ":c)",
    ": c )",
    "o.O",
    "o . O",
    ">:)",
    "8-)",
    ":-.",
    "Mr.",
    "U.S.",
    "e.g.",
    "etc.",
    "T.",
    "Mrs.",
    "it's",
    "they're",
    "I'd",
    "we'll",
    "'s",
    "'",
    '"',
    "“",
    "”",
    "‘",
    "’",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "-",
    "--",
    "---",
    "((",
    "[[",
    "((((((",
    "------",
    "[[[[[[",
    "#",
    "@",
    "$",
    "&",
    "*",
    "+",
    "|",
    "=",
    "~",
    "_",
    "^",
    "`",
    "\n",
    "\n\n",
    "\r\n",
    "\r\n\r\n",
    "\t",
    "END-OF-SENTENCE",
    "wow",
    "love",
    "hate",
    "best",
    "worst",
    "fine",
    "poor",
    "the cat",
    "at the",
    "in the",
    "nice",
    "awful",
    "beautiful",
    "ugly",
    "quite",
    "too",
    "absolutely",
    "not very",
    "not really",
    "really not",
    "never good",
    "no bad",
    "Good!",
    "BAD!!",
    "Not",
    "NOT",
    "The",
    "THE",
    "é",
    "ß",
    "İ",
    "1.5",
    "3.",
    "a.m.",
    "Dr.",
    "Bldg.",
    "x.y.",
    "A.b.C.",
    "Mrs.)",
    "good.)",
    "bad!)",
    "'good'",
    '"bad"',
]
_SEPARATORS = [" ", " ", " ", " ", "", "  ", "\n", "\n\n", "\t", " \u00a0"]


def synthetic(rng: random.Random, n_pieces: int) -> str:
    """A string of Pattern's triggers and lexicon words, joined by assorted white space."""
    out = []
    for _ in range(n_pieces):
        out.append(rng.choice(_PIECES) if rng.random() < 0.6 else rng.choice(_LEXICON_SAMPLE))
        out.append(rng.choice(_SEPARATORS))
    return "".join(out)


pattern_sentiment("warm up")  # loads TextBlob's lexicon
_LEXICON_SAMPLE = sorted(dict.keys(pattern_sentiment))[::7]


def _pattern_tokens(text: str) -> list[str]:
    return [w.lower() for w in " ".join(pattern_text.find_tokens(text)).split()]


def assert_exact(texts: list[str]) -> None:
    cache: dict = {}
    for text in texts:
        expected = tuple(TextBlob(text).sentiment)
        assert textblob_scores(text) == expected, repr(text[:200])
        assert textblob_scores(text, cache=cache) == expected, repr(text[:200])


def test_hand_checked_scores():
    assert textblob_scores("A great day.") == (0.8, 0.75)
    assert textblob_scores("Not a great day.") == (-0.4, 0.75)  # flipped and halved
    assert textblob_scores("A very great day.")[0] == 1.0  # "very" x1.3, capped at 1
    assert textblob_scores("A great day!")[0] == 1.0  # "!" x1.25, capped
    assert textblob_scores("") == (0.0, 0.0)
    assert textblob_scores("The minister spoke on Tuesday.") == (0.0, 0.0)
    # negatives: a word outside the lexicon scores nothing, the negation needs a word after it
    assert textblob_scores("not") == (0.0, 0.0)
    assert textblob_scores("great") != textblob_scores("not great")


def test_tokens_equal_patterns_on_hand_picked_edge_cases():
    cases = [
        "It isn't bad :)",
        "Mr. Smith and U.S. officials, e.g. T. Jones... left!!",
        "((((good)))) ---- [[[[bad]]]]",
        "He said: “not good.” Then (!) she smiled :-)",
        "a\r\n\r\nb\n\n\nc END-OF-SENTENCE. d",
        "Wow :c) and : c ) and o . O",
        "'s 'd n't 're",
        "A.b.C. Bcd. Xyz. Mrs. Zzzq.",
    ]
    for text in cases:
        assert tokenize(text) == _pattern_tokens(text), text
    assert_exact(cases)


def test_chunks_cut_only_before_a_chunk_word_after_a_lower_case_letter():
    assert chunks("He saw the cat and the dog.") == ["He saw ", "the cat ", "and ", "the dog."]
    # no cut: start of text, capital "The", a mark before "the", "theory", "the" at the end
    for text in [
        "the end",
        "He saw The cat",
        "said, the cat",
        "a theory",
        "it's “the cat”",
        "saw the",
    ]:
        assert chunks(text) == [text]


def test_chunk_words_keep_the_cut_exact():
    # each condition the module's proof needs: a plain word TextBlob does not score, long
    # enough to clear a pending adverb or negation
    assert len(CHUNK_WORDS) >= 30
    for word in CHUNK_WORDS:
        assert word.isascii() and word.isalpha() and word.islower() and len(word) >= 3, word
        assert word not in dict.keys(pattern_sentiment), word
        assert word not in ("no", "not", "never"), word
    # no emoticon holds two lower-case letters in a row, so no face spans "x the"
    faces = [face for faces in pattern_text.EMOTICONS.values() for face in faces]
    assert not any(
        a.islower() and b.islower() for face in faces for a, b in itertools.pairwise(face)
    )


def test_synthetic_strings_always_on():
    rng = random.Random(20261128)
    texts = [synthetic(rng, rng.randint(1, 40)) for _ in range(6_000)]
    for text in texts[:1_500]:
        assert tokenize(text) == _pattern_tokens(text), repr(text)
    assert_exact(texts)


def test_long_punctuation_runs_are_exact():
    for mark in "-([.!?)]'\"*":
        for n in (1, 2, 3, 4, 7, 50, 301):
            text = f"good {mark * n}bad{mark * n} not{mark * n} great"
            assert tokenize(text) == _pattern_tokens(text), text
            assert textblob_scores(text) == tuple(TextBlob(text).sentiment)


def _shared_texts() -> list[str]:
    texts = []
    for name in ("corpus-candidates/articles.jsonl", "eval/dev.jsonl"):
        path = SHARED / name
        if path.is_file():
            texts += [
                json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
            ]
    return texts


def _shared_sentences() -> list[str]:
    texts = []
    for name in ("eval/sentiment_dev.jsonl", "eval/sentiment_train.jsonl"):
        path = SHARED / name
        if path.is_file():
            texts += [
                json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
            ]
    return texts


def test_at_least_50000_strings_from_news_and_synthetic_text():
    articles = _shared_texts()
    if not articles:
        pytest.skip(f"no articles under {SHARED}")
    rng = random.Random(17)
    texts = list(articles)
    texts += [s.text for article in articles for s in split_sentences(article)]
    texts += _shared_sentences()
    for article in articles:  # spans cut anywhere, even inside words
        for _ in range(60):
            start = rng.randrange(len(article) + 1)
            end = min(len(article), start + rng.choice([5, 20, 80, 300, 2_000]))
            texts.append(article[start:end])
    while len(texts) < 50_000:
        texts.append(synthetic(rng, rng.randint(1, 60)))
    assert len(texts) >= 50_000
    assert_exact(texts)


_ATOMS = st.sampled_from(
    [
        *"ab tT!?.,;:()[]-'\"“”‘’\n\r\t\x0b\x0c\x1c\x85\xa0\u2028\u3000İı",
        *[
            "good",
            "not",
            "very",
            "the ",
            " and ",
            ":)",
            ":c)",
            "n't",
            "END-OF-SENTENCE",
            "Mr.",
            "(!)",
        ],
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ATOMS, max_size=40).map("".join))
def test_exact_on_generated_text_with_odd_white_space(text):
    assert tokenize(text) == _pattern_tokens(text)
    assert textblob_scores(text, cache={}) == tuple(TextBlob(text).sentiment)
