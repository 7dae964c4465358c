"""Throughput and peak memory of extract_quotes, beside a word-tokenizing regex baseline.

Run ``python benchmarks/bench_quotes.py [GOLD_JSONL]``. Each method (``model``, the
default; ``rules``; ``union``) is timed in CPU time of this process. Texts are the dev articles of
``../shared/eval/dev.jsonl`` when present, else the bundled case study. Both the baseline
(``re.findall(r"\\w+|[^\\w\\s]", text)``) and the extractor are measured in the same run on
the same texts, best of three passes; the ratio is what to compare across machines. The
last lines time pathological one-paragraph input (alternating quotation marks, no sentence
end, a run of split quotes) at 250 kB, 1 MB and 2 MB (the default method; longer texts get the rules alone): linear time means the chars/s
figures stay close.
"""

from __future__ import annotations

import json
import re
import sys
import time
import tracemalloc
from functools import partial
from pathlib import Path

from analysis.quotes import METHODS, extract_quotes

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WORDS = re.compile(r"\w+|[^\w\s]")


def load_texts(argv: list[str]) -> tuple[str, list[str]]:
    dev = Path(argv[1]) if len(argv) > 1 else SHARED / "eval" / "dev.jsonl"
    if dev.is_file():
        with dev.open(encoding="utf-8") as f:
            return str(dev.name), [json.loads(line)["text"] for line in f if line.strip()]
    seed = SHARED / "seeds" / "000_b1a77089e6833a8a.txt"
    return seed.name, [seed.read_text(encoding="utf-8")] * 50


def best_rate(func, texts: list[str], repeats: int = 3) -> float:
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        for text in texts:
            func(text)
        best = min(best, time.process_time() - t0)
    return chars / best


def peak_memory(func, texts: list[str]) -> int:
    tracemalloc.start()
    for text in texts:
        func(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: list[str]) -> None:
    name, texts = load_texts(argv)
    chars = sum(map(len, texts))
    base = best_rate(WORDS.findall, texts)
    print(f"texts: {name}, {len(texts)} articles, {chars:,} characters (CPU time, best of 3)")
    print(
        f"baseline regex word pass : {base:>12,.0f} chars/s  peak {peak_memory(WORDS.findall, texts) / 1e6:6.1f} MB"
    )
    extract_quotes(texts[0])  # load the model once before timing
    for method in METHODS:
        func = partial(extract_quotes, method=method)
        ours = best_rate(func, texts)
        print(
            f"extract_quotes {method:9} : {ours:>12,.0f} chars/s  peak "
            f"{peak_memory(func, texts) / 1e6:6.1f} MB  ratio baseline/extract {base / ours:5.1f}"
        )
    print("target: model at least 500,000 chars/s per core")
    cases = (
        ("alternating marks", '"a" “b” '),
        ("no sentence end", "said he “x "),
        ("split quotes", "“a,” he said, “b.” "),
    )
    for label, unit in cases:
        rates = []
        for size in (250_000, 1_000_000, 2_000_000):  # up to MAX_TAGGED_CHARS
            text = (unit * (size // len(unit) + 1))[:size]
            rates.append(best_rate(extract_quotes, [text], repeats=1))  # the default: model
        print(
            f"pathological {label:18}: 250 kB {rates[0]:>10,.0f}  1 MB {rates[1]:>10,.0f}"
            f"  2 MB {rates[2]:>10,.0f} chars/s"
        )


if __name__ == "__main__":
    main(sys.argv)
