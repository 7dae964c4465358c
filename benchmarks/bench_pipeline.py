"""Throughput and peak memory of ``newsroom-workbook analyze`` at 1k, 10k and 100k articles.

Builds JSONL corpora of the requested sizes from the real articles at hand (the Wikinews
candidates and the PolNeAR dev articles under ../shared, read by path; the bundled case
study alone when they are absent), each article with a distinct id, in a temporary folder.
Each size is analysed through the runner (:func:`analysis.runner.run_corpus`, the command
line's engine) in its own subprocess, so the peak resident memory printed is that run's:
the main process (which streams, hashes and merges) and the largest worker process.

Beside it, in the same run and on the same texts, two single-core baselines:

- ``textblob``: ``TextBlob(text).sentiment`` over every article;
- ``regex``: ``re.findall(r"\\w+|[^\\w\\s]", text)`` over every article;

and, on one core, ``extract_quotes`` alone, the quote stage
(:func:`analysis.pipeline.analyze_article` without sentiment: quote extraction + speaker
attribution + source classification) and ``analyze_article`` with sentiment. These are
timed in CPU seconds (``time.process_time``), and each run's CPU seconds (main process and
workers) are printed beside its wall clock, so a ratio stays meaningful on a machine that
other work is loading.

Usage::

    .venv/bin/python benchmarks/bench_pipeline.py                 # 1k, 10k, 100k
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 1000    # a quick run
    .venv/bin/python benchmarks/bench_pipeline.py --jobs 1        # one worker

Figures depend on the machine; read them as ratios to the baselines.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSROOM_SHARED", REPO.parent / "shared"))
SOURCES = [SHARED / "corpus-candidates" / "articles.jsonl", SHARED / "eval" / "dev.jsonl"]
KEEP = ("title", "outlet", "publisher", "date", "country", "license")


def base_articles() -> list[dict[str, str]]:
    """The real articles at hand: metadata kept, ids dropped (each copy gets its own)."""
    rows = []
    for path in SOURCES:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    rows.append(
                        {"text": record["text"], **{k: record[k] for k in KEEP if record.get(k)}}
                    )
    if not rows:
        sys.path.insert(0, str(REPO / "src"))
        from analysis.corpus import load_corpus

        article = load_corpus(REPO / "corpus").articles.iloc[0]
        rows.append(
            {"text": article["text"], "title": article["title"], "outlet": article["outlet"]}
        )
    return rows


def build_corpus(folder: Path, size: int, base: list[dict[str, str]]) -> Path:
    path = folder / f"corpus-{size}.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for i, row in zip(range(size), itertools.cycle(base), strict=False):
            stream.write(json.dumps({"id": f"bench-{i:07d}", **row}, ensure_ascii=False) + "\n")
    return path


def child(corpus: str, out: str, jobs: int, chunk_size: int, sentiment: bool) -> None:
    """Run one corpus through the runner; print timings and this process's peak RSS."""
    from analysis.runner import run_corpus

    with open(corpus, encoding="utf-8") as stream:
        n_chars = sum(len(json.loads(line)["text"]) for line in stream)

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime

    started, cpu_started = time.perf_counter(), cpu()
    summary = run_corpus(corpus, out, jobs=jobs, chunk_size=chunk_size, sentiment=sentiment)
    elapsed, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu_seconds,
                "n_articles": summary.n_articles,
                "n_chars": n_chars,
                "n_quotes": summary.n_quotes,
                "main_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "worker_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            }
        )
    )


def run_size(corpus: Path, out: Path, jobs: int, chunk_size: int, sentiment: bool) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        str(corpus),
        str(out),
        str(jobs),
        str(chunk_size),
        "1" if sentiment else "0",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"run on {corpus.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def baselines(texts: list[str]) -> dict[str, float]:
    """CPU characters per second (one core) of the baselines and the analysis stages.

    CPU time of this process (``time.process_time``), so other load on the machine does not
    count against any of them; each is timed twice, interleaved, and the faster kept.
    """
    from textblob import TextBlob

    from analysis.pipeline import analyze_article
    from analysis.quotes import extract_quotes

    def regex() -> None:
        for text in texts:
            re.findall(r"\w+|[^\w\s]", text)

    def textblob() -> None:
        for text in texts:
            TextBlob(text).sentiment  # noqa: B018 - the work is the property

    def extract() -> None:
        for text in texts:
            extract_quotes(text)

    def stage(sentiment: bool):
        def run() -> None:
            for i, text in enumerate(texts):
                article = {"article_id": f"q{i}", "text": text, "country": ""}
                analyze_article(article, sentiment=sentiment)

        return run

    n_chars = sum(map(len, texts))
    tasks = {
        "regex": regex,
        "textblob": textblob,
        "extract": extract,
        "quotes": stage(False),
        "article": stage(True),
    }
    best: dict[str, float] = {}
    for _ in range(2):
        for name, task in tasks.items():
            started = time.process_time()
            task()
            best[name] = min(best.get(name, float("inf")), time.process_time() - started)
    return {name: n_chars / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated sizes")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument(
        "--baseline-articles",
        type=int,
        default=1000,
        help="articles the single-core baselines are timed on",
    )
    parser.add_argument(
        "--no-sentiment",
        dest="sentiment",
        action="store_false",
        help="run the pipeline without TextBlob/VADER scores (quote stage only)",
    )
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        corpus, out, jobs, chunk_size, sentiment = args.child
        child(corpus, out, int(jobs), int(chunk_size), sentiment == "1")
        return
    sys.path.insert(0, str(REPO / "src"))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    base = base_articles()
    sample = [
        row["text"]
        for _, row in zip(range(args.baseline_articles), itertools.cycle(base), strict=False)
    ]
    print(
        f"{len(base)} distinct source articles, cycled; {args.jobs} worker(s); chunk {args.chunk_size}"
    )
    rates = baselines(sample)
    textblob = rates["textblob"]
    print(
        f"CPU chars/s on {len(sample):,} articles, one core: regex {rates['regex']:,.0f}, "
        f"textblob {textblob:,.0f}; extract_quotes {rates['extract']:,.0f} "
        f"({rates['extract'] / textblob:.2f}x textblob); quote stage (extract + attribute + "
        f"sources) {rates['quotes']:,.0f} ({rates['quotes'] / textblob:.2f}x); "
        f"analyze_article with sentiment {rates['article']:,.0f} ({rates['article'] / textblob:.2f}x); "
        f"sentiment alone costs {textblob / rates['article'] - textblob / rates['quotes']:.2f} "
        "TextBlob passes (TextBlob, VADER and sentence splitting of the article, its "
        "journalist's text, its quoted text and its quotes)"
    )
    header = f"{'articles':>9} {'s':>8} {'art/s':>8} {'chars/s':>11} {'/core':>10} {'vs textblob':>11} {'vs regex':>9} {'CPU/s':>10} {'CPU vs tb':>9} {'main MiB':>9} {'worker MiB':>10}"
    print(header)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for size in sizes:
            corpus = build_corpus(Path(tmp), size, base)
            run = run_size(
                corpus, Path(tmp) / f"out-{size}", args.jobs, args.chunk_size, args.sentiment
            )
            corpus.unlink()
            rate = run["n_chars"] / run["seconds"]
            per_core = rate / args.jobs
            per_cpu = run["n_chars"] / run["cpu_seconds"]
            results[size] = run
            print(
                f"{run['n_articles']:>9,} {run['seconds']:>8.1f} "
                f"{run['n_articles'] / run['seconds']:>8.1f} {rate:>11,.0f} {per_core:>10,.0f} "
                f"{per_core / textblob:>11.2f} {per_core / rates['regex']:>9.3f} "
                f"{per_cpu:>10,.0f} {per_cpu / textblob:>9.2f} "
                f"{run['main_rss_kb'] / 1024:>9.0f} {run['worker_rss_kb'] / 1024:>10.0f}"
            )
    if len(sizes) > 1:
        small, large = sizes[-2], sizes[-1]
        growth = results[large]["main_rss_kb"] / results[small]["main_rss_kb"]
        print(f"peak main-process memory {large:,} vs {small:,} articles: x{growth:.2f}")
    print(
        f"quote stage: {rates['quotes'] / 1e6:.2f} M CPU chars/s per core (target 1.0), "
        f"extract_quotes alone {rates['extract'] / 1e6:.2f}; full pipeline vs textblob-only: "
        "'vs textblob' (wall clock per core) and 'CPU vs tb' (CPU time of all processes), "
        "target >= 0.5"
    )


if __name__ == "__main__":
    main()
