"""Growth of the run time on pathological text: it must stay linear in the input size.

No absolute times: each test times the same function on an input and on a copy 4 (or 8)
times larger, in the same run, and checks the ratio. Linear work gives a ratio near the
size ratio; quadratic work gives its square. Each time is the minimum of a few repeats,
which cuts the noise of a shared machine. The thresholds are twice the size ratio: loose
enough for noise and caches, far below what a quadratic step produces (16 for 4x, 64 for 8x).
"""

from __future__ import annotations

import gc
import json
import re
import time
from collections.abc import Callable

import pandas as pd
import pytest

from analysis.corpus import load_corpus
from analysis.pipeline import analyze
from analysis.quotes import extract_quotes

pytestmark = pytest.mark.slow  # each test times two input sizes several times


def growth(
    run: Callable[[str], object],
    make: Callable[[int], str],
    n: int,
    factor: int = 4,
    repeats: int = 5,
) -> float:
    """Time of ``run(make(factor * n))`` over the time of ``run(make(n))``.

    Times are this process's CPU time, so other processes on the machine do not count;
    small and large runs alternate, each size keeping its fastest run; the garbage collector
    is paused while timing.
    """
    small, large = make(n), make(factor * n)
    run(make(max(1, n // 10)))  # warm up: lexicons, compiled patterns, lazy imports
    best = {"small": float("inf"), "large": float("inf")}
    was_enabled = gc.isenabled()
    gc.disable()  # as timeit does: a full collection costs the whole heap of the test run
    try:
        for _ in range(repeats):
            for size, text in (("small", small), ("large", large)):
                gc.collect()
                start = time.process_time()
                run(text)
                best[size] = min(best[size], time.process_time() - start)
    finally:
        if was_enabled:
            gc.enable()
    return best["large"] / best["small"]


def repeat(unit: str) -> Callable[[int], str]:
    """Text of about ``n`` characters made of ``unit`` over and over."""
    return lambda n: unit * max(1, n // len(unit))


# Pathological texts an extractor that pairs quotation marks and reads sentences could
# stumble on: every kind of mark alone, alternating or unbalanced, no sentence end, one
# paragraph of everything, and many attributed quotes in separate paragraphs.
EXTRACTION_CASES = [
    ("alternating-straight", repeat("\"'")),
    ("alternating-curly", repeat("“”")),
    ("alternating-every-kind", repeat("“\"«»„‚‹›‘’'`")),
    ("openers-only", repeat("“")),
    ("closers-only", repeat("” ")),
    ("guillemets-unbalanced", repeat("«a» b «c ")),
    ("low-nine-and-single", repeat("„a“ ‚b‘ ‘c ")),
    ("no-sentence-end", repeat("and the minister said that ")),
    ("opening-mark-never-closed-after-cue", repeat('he said "yes, ')),
    ("abbreviations-only", repeat("Mr. Dr. U.S. ")),
    ("apostrophes", repeat("it's the people's ")),
    ("attributed-quotes-in-paragraphs", repeat("“We will win,” said John Smith.\n\n")),
    ("colon-headlines", repeat("Smith: yes\n\n")),
    ("empty-paragraphs", repeat("\n\n\n")),
]


@pytest.mark.parametrize(
    "make", [make for _, make in EXTRACTION_CASES], ids=[name for name, _ in EXTRACTION_CASES]
)
def test_extract_quotes_grows_linearly(make):
    assert growth(extract_quotes, make, 25_000) < 8


def test_extract_quotes_grows_linearly_on_one_paragraph_of_many_quotes():
    make = repeat("“We will win,” said John Smith. ")
    # 8x the size: linear work takes about 8x the time, quadratic about 64x (as it did
    # before each sentence stopped scanning the whole paragraph's quotes)
    assert growth(extract_quotes, make, 25_000, factor=8, repeats=2) < 16


@pytest.mark.parametrize(
    "make",
    [repeat("“”"), repeat("and the minister said that "), repeat("«a» b „c ")],
    ids=["alternating-marks", "no-sentence-end", "unbalanced-marks"],
)
def test_analyze_without_sentiment_grows_linearly(make):
    def run(text: str) -> None:
        analyze(pd.DataFrame({"article_id": ["a"], "text": [text]}), sentiment=False)

    assert growth(run, make, 25_000) < 8


def test_profile_speaker_grows_linearly_with_mentions():
    # was m^2 in a speaker's m mentions (list membership tests), fixed in sources
    from analysis.sources import profile_speaker

    def run(text: str) -> None:
        mentions = [m.span() for m in re.finditer(r"John Smith", text)]
        profile_speaker(text, "John Smith", mentions, country="")

    make = repeat("“We will win,” said John Smith.\n\n")
    assert growth(run, make, 25_000, factor=8, repeats=3) < 16


def test_sentiment_of_a_long_article_grows_linearly():
    # VADER's _negation_check lowercases every word again for each word: quadratic when
    # handed a whole article at once (200k characters took 108 s, 50k 5.8 s), fixed in
    # sentiment
    from analysis.sentiment import score_text

    make = repeat("We will win, said John. ")
    assert growth(score_text, make, 6_000, factor=8, repeats=3) < 16


def test_loader_grows_linearly_on_one_enormous_paragraph(tmp_path):
    def run(text: str) -> None:
        path = tmp_path / "one.txt"
        path.write_text(text, encoding="utf-8")
        corpus = load_corpus(path)
        assert len(corpus.articles) == 1

    make = repeat("and “the minister «said that ")
    assert growth(run, lambda n: "Title\n\n" + make(n), 500_000) < 8


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_loader_grows_linearly_with_records(tmp_path, suffix):
    def make(n: int) -> str:
        texts = ["A “short” story, said someone.\n\nMore «text»."] * max(1, n // 50)
        if suffix == ".jsonl":
            return "".join(json.dumps({"text": t}) + "\n" for t in texts)
        return "text\n" + "".join('"' + t.replace('"', '""') + '"\n' for t in texts)

    def run(content: str) -> None:
        path = tmp_path / f"feed{suffix}"
        path.write_text(content, encoding="utf-8")
        assert load_corpus(path).problems.empty

    assert growth(run, make, 100_000) < 8


def test_growth_helper_detects_quadratic_work():
    # the check itself can fail: work on all pairs of k items gives a ratio near 16
    def quadratic(text: str) -> int:
        k = len(text) // 100
        return sum(1 for _ in range(k) for _ in range(k))

    assert growth(quadratic, repeat("ab"), 20_000) > 8


def test_analyze_with_sentiment_grows_linearly_on_quote_dense_text():
    # one paragraph of attributed quotes: every stage has work (quotes, speakers, sources,
    # sentiment of each quote and of the article); 50k -> 200k characters took 13.5x before
    # sentiment scored per sentence
    def run(text: str) -> None:
        analyze(pd.DataFrame({"article_id": ["a"], "text": [text]}))

    assert growth(run, repeat("“We will win,” said John Smith. "), 25_000, repeats=3) < 8


@pytest.mark.parametrize(
    "unit",
    ["-", "(", "[", "good-", "((not ", "[[[[x]]]] ", "....!!!", "Mr.-.-.-"],
    ids=[
        "dashes",
        "parentheses",
        "brackets",
        "word-dash",
        "negation-parens",
        "brackets-word",
        "dots-bangs",
        "abbreviation-dashes",
    ],
)
def test_textblob_scores_grows_linearly_on_punctuation_runs(unit):
    # TextBlob's Pattern tokenizer strips leading and trailing marks one at a time, copying
    # the rest of the token each time: in TextBlob 20k dashes take 0.05 s, 80k 0.6 s (12x for 4x)
    from analysis.sentiment import textblob_scores

    assert growth(textblob_scores, repeat(unit), 20_000) < 8


@pytest.mark.parametrize("unit", ["-", "(", "[[x]] "], ids=["dashes", "parentheses", "brackets"])
def test_score_text_grows_linearly_on_punctuation_runs(unit):
    # the whole scorer (TextBlob, sentence splitting, VADER) on what the pipeline hands it
    from analysis.sentiment import score_text

    assert growth(score_text, repeat(unit), 20_000) < 8
