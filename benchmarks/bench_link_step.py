"""What the corpus-level speaker step costs a command-line run, in CPU time.

Runs :func:`analysis.runner.run_corpus` (``jobs=1``, no sentiment, so every second is in
this process) on the Wikinews sample cycled to each size, and times, in the same run:
the merge of the parts into the final tables (``write_final_tables``, the baseline), the
corpus-level step (``link_final_tables``: link speakers across the corpus, rewrite
speakers and quotes, recount the balance), and the whole run; then a second run on the
same folder (everything reused), where the step is redone.

    .venv/bin/python benchmarks/bench_link_step.py                  # 150 and 1,500 articles
    .venv/bin/python benchmarks/bench_link_step.py --sizes 150

Prints CPU seconds and the ratios link/merge and link/run. Nothing is written outside a
temporary folder; the texts are read from ../shared by path, never copied.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import analysis.runner as runner

SAMPLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus-candidates"


def write_corpus(folder: Path, size: int) -> Path:
    rows = [
        json.loads(line)
        for line in (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            row = dict(rows[i % len(rows)])
            row["id"] = f"bench-{i:07d}"
            row.pop("article_id", None)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def timed(name: str, spent: dict[str, float]):
    inner = getattr(runner, name)

    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start

    setattr(runner, name, wrapper)
    return inner


def run(corpus: Path, out: Path) -> dict[str, float]:
    spent: dict[str, float] = {}
    originals = {name: timed(name, spent) for name in ("write_final_tables", "link_final_tables")}
    start = time.process_time()
    try:
        runner.run_corpus(corpus, out, jobs=1, sentiment=False)
    finally:
        for name, inner in originals.items():
            setattr(runner, name, inner)
    spent["run"] = time.process_time() - start
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1500])
    args = parser.parse_args()
    print("articles  pass    run s  merge s  link s  link/merge  link/run")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = write_corpus(Path(tmp), size)
            for label in ("fresh", "reused"):
                spent = run(corpus, Path(tmp) / "out")
                merge, link = spent["write_final_tables"], spent["link_final_tables"]
                print(
                    f"{size:8,}  {label:6} {spent['run']:7.2f}  {merge:7.2f}  {link:6.2f}  "
                    f"{link / merge:10.2f}  {link / spent['run']:8.3f}"
                )


if __name__ == "__main__":
    main()
