"""The command line: ``newsroom-workbook analyze CORPUS --out DIR``, ``import`` and ``evaluate``.

``analyze`` streams the corpus through the analysis in chunks, on all cores, and writes
the tidy tables (Parquet and CSV), the standard figures and ``report.html`` to ``--out``
(see :mod:`analysis.runner`). Re-running with the same ``--out`` reuses the work already
done there: an interrupted run resumes, and a grown corpus only costs its new articles.

Exit status: 0 when the tables were written (problem files are listed, not fatal); 2 when
the corpus is missing or has no usable article, ``--out`` may not be written (it holds
another corpus's results and ``--replace`` was not given, another run is writing into it,
the disk is full or the folder read-only), with a one-line message; 130 when interrupted
(finished chunks are kept).

``audit sample RESULTS --out DIR`` draws a stratified sample of a run's quotes (and of the
sentences where nothing was extracted) for a person to check, as ``audit.csv`` and an
offline form ``audit.html``; ``audit score RESULTS AUDIT.csv [AUDIT2.csv] --out DIR``
measures the errors and writes corrected shares (see :mod:`analysis.audit`).

``import {wikinews,webpages,table} SOURCE --into DIR`` writes Wikinews dumps, saved web
pages or CSV/JSONL exports as corpus files that ``analyze`` reads (see
:mod:`analysis.importers.cli`; exit status 1 when the import cannot run).

``evaluate {quotes,sources,sentiment} GOLD...`` scores a stage against gold data given by
path (see :mod:`analysis.evaluation.cli`).
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

ANALYZE_DESCRIPTION = """\
Analyse a corpus: find the quotes, their speakers and kinds of source, score their tone,
and write the tables (Parquet and CSV), the figures and report.html to --out.

Running again with the same --out reuses the work already done there: an interrupted run
resumes, and a grown corpus only costs its new articles.

Exit status: 0 when the tables were written (problem files are listed, not fatal);
2 when the corpus is missing or has no usable article, or --out may not be written;
130 when interrupted (finished chunks are kept)."""

ANALYZE_EXAMPLES = """\
examples:
  newsroom-workbook analyze corpus --out results
  newsroom-workbook analyze articles.jsonl --out results-wikinews --country US
  newsroom-workbook analyze corpus --out results --no-sentiment --jobs 2"""


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
                replace=args.replace,
                max_bytes=args.max_bytes,
                follow_links=args.follow_links,
                sentiment=args.sentiment,
                min_confidence=args.min_confidence,
                progress=update,
                country=args.country,
            )
    except KeyboardInterrupt:
        print(
            f"interrupted: finished chunks are kept in {args.out}; run the same command "
            "again to resume",
            file=sys.stderr,
        )
        return 130
    except OSError as err:  # a full disk, a read-only folder: the earlier files are intact
        where = err.filename or args.out
        print(
            f"error: {where}: cannot write ({err.strerror or err}); the results already in "
            f"{args.out} are unchanged",
            file=sys.stderr,
        )
        return 2
    print(
        f"{summary.n_articles:,} articles ({summary.n_analysed:,} analysed, "
        f"{summary.n_reused:,} reused from an earlier run"
        + (f", {summary.n_dropped:,} earlier results dropped" if summary.n_dropped else "")
        + f"); {summary.n_quotes:,} quotes, {summary.n_speakers:,} speakers, "
        f"{summary.n_problems:,} problems"
    )
    print(f"tables (Parquet and CSV), figures and report.html in {args.out}{os.sep}")
    if summary.n_corrections:
        print(
            f"{summary.n_corrections:,} speaker corrections applied (listed in "
            f"{os.path.join(args.out, 'corrections.csv')})"
        )
    if summary.n_without_country:
        sys.stdout.flush()  # the note follows the summary on a terminal
        print(
            f"note: {summary.n_without_country:,} of {summary.n_articles:,} articles have no "
            "country, so their sources' origin (domestic or foreign) is unknown; set one with "
            "--country XX (ISO code) or 'country: XX' in a corpus.yaml beside the articles",
            file=sys.stderr,
        )
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
        description=ANALYZE_DESCRIPTION,
        epilog=ANALYZE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--replace",
        action="store_true",
        help="replace the results of another corpus found in --out (refused otherwise)",
    )
    analyze.add_argument(
        "--max-bytes",
        type=_positive,
        default=DEFAULT_MAX_BYTES,
        help=f"largest article accepted, in bytes (default: {DEFAULT_MAX_BYTES:,})",
    )
    analyze.add_argument(
        "--follow-links",
        action="store_true",
        help="read symbolic links that leave the corpus folder, and linked folders "
        "(default: each is listed as a problem and not read)",
    )
    analyze.add_argument(
        "--no-sentiment",
        dest="sentiment",
        action="store_false",
        help="skip the TextBlob and VADER scores (the slowest stage)",
    )
    analyze.add_argument(
        "--country",
        default=None,
        help="ISO 3166 code (e.g. GB) of every article that has none: origin "
        "(domestic/foreign) is judged against it; an article's own country and "
        "corpus.yaml win",
    )
    analyze.set_defaults(run=_analyze)
    from analysis.evaluation.cli import add_evaluate_arguments
    from analysis.importers.cli import add_import_arguments

    add_import_arguments(commands)
    add_evaluate_arguments(commands)
    _add_audit_arguments(commands)
    return parser


def _corpus_of(results_dir: str, corpus: str | None) -> str:
    """The corpus path: ``--corpus``, or the one the run recorded in its manifest."""
    if corpus:
        return corpus
    import json
    from pathlib import Path

    from analysis.runner import MANIFEST

    try:
        recorded = json.loads((Path(results_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    path = recorded.get("corpus") if isinstance(recorded, dict) else None
    if not path:
        raise AnalysisError(
            f"{results_dir}: the run did not record its corpus; pass --corpus PATH (the "
            "folder or file that was analysed: the audit shows each quote in its article)"
        )
    return str(path)


def _audit_sample(args: argparse.Namespace) -> int:
    from analysis.audit import sample_audit, write_audit
    from analysis.runner import read_results

    results = read_results(args.results)
    corpus = _corpus_of(args.results, args.corpus)
    sample = sample_audit(results, corpus, n=args.n, n_sentences=args.n_sentences, seed=args.seed)
    write_audit(sample, args.out, force=args.force)
    units = sample.items["unit"].value_counts()
    print(
        f"{units.get('quote', 0)} quotes and {units.get('sentence', 0)} no-quote sentences "
        f"drawn (seed {args.seed}) into {args.out}: open audit.html, fill it, download "
        "audit.csv, then run `newsroom-workbook audit score`"
    )
    return 0


def _audit_score(args: argparse.Namespace) -> int:
    from analysis.audit import score_audit
    from analysis.runner import read_results

    results = read_results(args.results)
    report = score_audit(
        results,
        args.audits,
        args.out,
        design=args.design,
        by=args.by or None,
        n_boot=args.n_boot,
        seed=args.seed,
        force=args.force,
    )
    scores = report["scores"].set_index("measure")
    for measure in ("attribution_precision", "speaker_precision", "miss_rate"):
        if measure in scores.index:
            row = scores.loc[[measure]].iloc[0]
            print(
                f"{measure}: {row['estimate']:.3f} (95% CI {row['ci_low']:.3f}-"
                f"{row['ci_high']:.3f}, {row['n_items']} items)"
            )
    if report["unchecked"]:
        lines = ", ".join(str(x) for x in report["unchecked"][:20])
        more = " ..." if len(report["unchecked"]) > 20 else ""
        print(f"{len(report['unchecked'])} items not checked (lines {lines}{more}): left out")
    for note in report["notes"]:
        print(f"  note: {note}")
    print("audit_scores.csv, confusion.csv and balance_corrected.csv in " + args.out)
    return 0


def _add_audit_arguments(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser(
        "audit",
        help="check a sample of a run by hand; measured errors and corrected shares",
        description=__doc__.split("\n\n")[2],
    )
    steps = audit.add_subparsers(dest="step", required=True)
    sample = steps.add_parser("sample", help="draw the items to check: audit.csv, audit.html")
    sample.add_argument("results", help="a folder written by `newsroom-workbook analyze`")
    sample.add_argument("--out", required=True, help="folder for audit.csv, audit.html, design.csv")
    sample.add_argument("--n", type=_positive, default=200, help="quotes to check (default: 200)")
    sample.add_argument(
        "--n-sentences",
        type=int,
        default=50,
        help="sentences with nothing extracted to check, for the miss rate (default: 50)",
    )
    sample.add_argument("--seed", type=int, default=1, help="seed of the draw (default: 1)")
    sample.add_argument(
        "--corpus", help="the corpus that was analysed (default: the one the run recorded)"
    )
    sample.add_argument("--force", action="store_true", help="overwrite an existing audit")
    sample.set_defaults(run=_audit_sample)
    score = steps.add_parser("score", help="measure the errors; corrected shares")
    score.add_argument("results", help="the folder the audit was drawn from")
    score.add_argument(
        "audits",
        nargs="+",
        metavar="AUDIT.csv",
        help="a filled audit; a second one of the same sample adds agreement",
    )
    score.add_argument("--out", required=True, help="folder for the score tables")
    score.add_argument("--design", help="design.csv of the sample (default: beside the audit)")
    score.add_argument(
        "--by", action="append", help="article column to split the balance by (repeatable)"
    )
    score.add_argument("--n-boot", type=_positive, default=1000, help="bootstrap replicates")
    score.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    score.add_argument("--force", action="store_true", help="overwrite existing score files")
    score.set_defaults(run=_audit_score)


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
