"""The command line: ``newsroom-workbook analyze CORPUS --out DIR`` and ``import``.

``analyze`` streams the corpus through the analysis in chunks, on all cores, and writes
the tidy tables (Parquet and CSV), the standard figures and ``report.html`` to ``--out``
(see :mod:`analysis.runner`). Re-running with the same ``--out`` reuses the work already
done there: an interrupted run resumes, and a grown corpus only costs its new articles.

Exit status: 0 when the tables were written (problem files are listed, not fatal); 2 when
the corpus is missing or has no usable article, or ``--out`` may not be written; 130 when
interrupted (finished chunks are kept).

``import {wikinews,webpages,table} SOURCE --into DIR`` writes Wikinews dumps, saved web
pages or CSV/JSONL exports as corpus files that ``analyze`` reads (see
:mod:`analysis.importers.cli`; exit status 1 when the import cannot run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator

from analysis.corpus import DEFAULT_MAX_BYTES
from analysis.errors import AnalysisError
from analysis.quotes import MIN_CONFIDENCE


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator:
    """A tqdm counter of articles on stderr, or a no-op when disabled."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    with tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar.update


def _analyze(args: argparse.Namespace) -> int:
    from analysis.runner import run_corpus

    show_bar = not args.quiet and sys.stderr.isatty()
    try:
        with _progress_bar(show_bar) as update:
            summary = run_corpus(
                args.corpus,
                args.out,
                jobs=args.jobs,
                chunk_size=args.chunk_size,
                force=args.force,
                max_bytes=args.max_bytes,
                sentiment=args.sentiment,
                min_confidence=args.min_confidence,
                progress=update,
            )
    except KeyboardInterrupt:
        print(
            f"interrupted: finished chunks are kept in {args.out}; run the same command "
            "again to resume",
            file=sys.stderr,
        )
        return 130
    print(
        f"{summary.n_articles:,} articles ({summary.n_analysed:,} analysed, "
        f"{summary.n_reused:,} reused from an earlier run"
        + (f", {summary.n_dropped:,} earlier results dropped" if summary.n_dropped else "")
        + f"); {summary.n_quotes:,} quotes, {summary.n_speakers:,} speakers, "
        f"{summary.n_problems:,} problems"
    )
    print(f"tables (Parquet and CSV), figures and report.html in {args.out}{os.sep}")
    for source, problem in summary.problems:
        print(f"  problem: {source}: {problem}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``newsroom-workbook``."""
    parser = argparse.ArgumentParser(
        prog="newsroom-workbook", description="Who is quoted in the news, how often, in what tone."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser(
        "analyze",
        help="analyse a corpus: tables, figures and an HTML report",
        description=__doc__.split("\n\n")[1],
    )
    analyze.add_argument("corpus", help="corpus folder or file (.txt, .jsonl, .csv)")
    analyze.add_argument("--out", default="results", help="output folder (default: results)")
    analyze.add_argument(
        "--jobs", type=_positive, default=None, help="worker processes (default: all cores)"
    )
    analyze.add_argument(
        "--chunk-size",
        type=_positive,
        default=500,
        help="articles analysed and written at a time (default: 500)",
    )
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")
    analyze.add_argument(
        "--min-confidence",
        type=float,
        default=MIN_CONFIDENCE,
        metavar="C",
        help="quotes less sure than C (0-1) are listed but left out of counts and shares "
        f"(default {MIN_CONFIDENCE}, chosen on the PolNeAR development set)",
    )
    analyze.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty folder that newsroom-workbook did not create",
    )
    analyze.add_argument(
        "--max-bytes",
        type=_positive,
        default=DEFAULT_MAX_BYTES,
        help=f"largest article accepted, in bytes (default: {DEFAULT_MAX_BYTES:,})",
    )
    analyze.add_argument(
        "--no-sentiment",
        dest="sentiment",
        action="store_false",
        help="skip the TextBlob and VADER scores (the slowest stage)",
    )
    analyze.set_defaults(run=_analyze)
    from analysis.importers.cli import add_import_arguments

    add_import_arguments(commands)
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
