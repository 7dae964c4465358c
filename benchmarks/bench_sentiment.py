"""Throughput and peak memory of the sentiment tables, beside plain TextBlob and VADER loops.

Usage: python benchmarks/bench_sentiment.py [ARTICLES.jsonl]

``textblob_scores`` is the exact re-implementation of ``TextBlob(s).sentiment`` (same
values); its ratio to the first line is its speed-up on single sentences.

Reads the 150 Wikinews articles of ../shared/corpus-candidates by default (the bundled
corpus when they are absent). Each baseline is measured in the same run on the same
sentences, so compare the ratios, not the absolute rates.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.corpus import load_corpus
from analysis.segment import split_sentences
from analysis.sentiment import (
    article_sentiment,
    score_texts,
    sentence_sentiment,
    textblob_scores,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "corpus-candidates" / "articles.jsonl"


def timed(run: Callable[[], object], repeats: int = 3) -> tuple[float, float]:
    """Best wall time of a few runs, and the peak traced memory of one run (MiB)."""
    best = min(_once(run) for _ in range(repeats))
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak


def _once(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        path = REPO / "corpus"
    articles = load_corpus(path).articles[["article_id", "text"]]
    sentences = [s.text for text in articles["text"] for s in split_sentences(text)]
    n_chars = int(articles["text"].str.len().sum())
    print(
        f"{path.name}: {len(articles)} articles, {len(sentences)} sentences, {n_chars:,} characters"
    )
    vader = SentimentIntensityAnalyzer()
    no_quotes = articles.iloc[:0].assign(start=[], end=[])
    runs = {
        "baseline: TextBlob(s).sentiment loop": lambda: [TextBlob(s).sentiment for s in sentences],
        "textblob_scores(s) loop (exact copy)": lambda: [textblob_scores(s) for s in sentences],
        "baseline: VADER polarity_scores loop": lambda: [
            vader.polarity_scores(s) for s in sentences
        ],
        "score_texts (TextBlob + VADER)": lambda: score_texts(sentences),
        "sentence_sentiment (split + score)": lambda: sentence_sentiment(articles),
        "article_sentiment (no quotes)": lambda: article_sentiment(articles, no_quotes),
    }
    base = None
    for name, run in runs.items():
        seconds, peak = timed(run)
        rate = len(sentences) / seconds
        base = base or rate
        print(f"{name:40s} {rate:9,.0f} sentences/s  x{rate / base:4.2f}  peak {peak:6.1f} MiB")


if __name__ == "__main__":
    main()
