"""The command line: ``newsroom-workbook analyze CORPUS --out DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.corpus import load_corpus, summarize_corpus
from analysis.errors import AnalysisError


def _analyze(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus)
    if corpus.articles.empty:
        print(f"error: {args.corpus}: no usable articles", file=sys.stderr)
        for row in corpus.problems.itertuples():
            print(f"  {row.source}: {row.problem}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus.articles.drop(columns="text").to_csv(out / "articles.csv", index=False)
    corpus.problems.to_csv(out / "problems.csv", index=False)
    print(summarize_corpus(corpus).to_string(index=False))
    print(f"{len(corpus.articles)} articles, {len(corpus.problems)} problems; tables in {out}")
    for row in corpus.problems.itertuples():
        print(f"  problem: {row.source}: {row.problem}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``newsroom-workbook``."""
    parser = argparse.ArgumentParser(prog="newsroom-workbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="load a corpus and write its tables")
    analyze.add_argument("corpus", help="corpus folder or file")
    analyze.add_argument("--out", default="results", help="output folder (default: results)")
    analyze.set_defaults(run=_analyze)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except AnalysisError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
