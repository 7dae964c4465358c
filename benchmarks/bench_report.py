"""How long report.html takes to build, against escaping the same texts, at 1x and 4x.

    .venv/bin/python benchmarks/bench_report.py [--copies 4]

Analyses the Wikinews sample (``../shared/corpus-candidates/articles.jsonl``, read by path;
the bundled case study when absent) once without sentiment, then times, in CPU seconds (best
of three), :func:`analysis.report.render_report` with every article in the browser, on the
corpus and on ``--copies`` copies of it (distinct ids). The baseline, measured in the same
run on the same texts, is ``html.escape`` of every text: the least any page holding them
must do. Prints both ratios: report / baseline, and 4x / 1x (linear growth is about 4).
"""

from __future__ import annotations

import argparse
import html
import time
from pathlib import Path

import pandas as pd

from analysis.aggregate import sourcing_balance, top_speakers
from analysis.corpus import load_corpus
from analysis.pipeline import analyze
from analysis.report import ReportArticle, render_report

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO.parent / "shared" / "corpus-candidates" / "articles.jsonl"


def cpu(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args()
    corpus = load_corpus(SAMPLE if SAMPLE.is_file() else REPO / "corpus")
    results = analyze(corpus, sentiment=False)
    quotes = {k: tuple(g.to_dict("records")) for k, g in results.quotes.groupby("article_id")}
    base = [
        ReportArticle(
            row.article_id, row.title, row.outlet, row.text, quotes.get(row.article_id, ())
        )
        for row in corpus.articles.itertuples(index=False)
    ]
    balance = sourcing_balance(results, by="outlet", n_boot=50)
    top = top_speakers(results, n=15)

    def page(articles: list[ReportArticle]) -> str:
        return render_report(
            title="bench",
            summary={},
            balance=balance,
            top=top,
            problems=pd.DataFrame(),
            samples=articles,
        )

    rows = []
    for copies in (1, args.copies):
        articles = [
            ReportArticle(f"{a.article_id}-{i}", a.title, a.outlet, a.text, a.quotes)
            for i in range(copies)
            for a in base
        ]
        report = cpu(lambda articles=articles: page(articles))
        escape = cpu(lambda articles=articles: [html.escape(a.text) for a in articles])
        rows.append((len(articles), report, escape))
        print(
            f"{len(articles):>6} articles: report {report:.3f} s CPU, escape baseline "
            f"{escape:.4f} s, ratio {report / escape:.0f}x"
        )
    (n1, r1, _), (n4, r4, _) = rows
    print(
        f"growth: {n4 / n1:.0f}x the articles cost {r4 / r1:.2f}x the CPU time (linear: {n4 / n1:.0f})"
    )


if __name__ == "__main__":
    main()
