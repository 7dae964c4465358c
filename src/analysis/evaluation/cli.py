"""``newsroom-workbook evaluate quotes | sources | sentiment``: accuracy against gold data.

Each stage's evaluation keeps its own entry point (its ``main(argv)``); this command only
gives them one front door, with every data file a required argument (nothing is found by
a default path). Exit status: that of the evaluation (0 when it ran; 2 when a file cannot
be read).

- ``evaluate quotes GOLD.jsonl [--as-extracted] [--json]``: precision, recall, F1 and speaker
  accuracy of the quote extractor at overlap 0.3 and 0.8 (PolNeAR JSONL, e.g.
  ``../shared/eval/dev.jsonl``); ``evaluate quotes --seed ARTICLE.txt`` checks a
  hand-checked article against the ``ARTICLE.gold.json`` beside it.
- ``evaluate sources LABELS.csv ARTICLES.jsonl [--given-speakers] [--split S] [--errors]``:
  the source profiles against hand labels (``tests/data/source_labels/labels.csv`` and
  ``../shared/corpus-candidates/articles.jsonl``).
- ``evaluate sentiment GOLD.jsonl``: TextBlob, VADER and the tone model against human sentiment labels
  (``../shared/eval/sentiment_dev.jsonl``).
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

ENTRY_POINTS = {
    "quotes": "analysis.evaluation.quotes",
    "sources": "analysis.evaluation.sources",
    "sentiment": "analysis.evaluation.sentiment",
}
"""The module whose ``main(argv)`` runs each stage's evaluation."""


def _quotes_argv(args: argparse.Namespace) -> list[str]:
    if args.seed is not None:
        return ["--seed", str(args.seed)]
    if args.gold is None:
        args.usage_error("give a gold JSONL file or --seed ARTICLE.txt")
    flags = ["--as-extracted"] * args.as_extracted + ["--json"] * args.json
    return [str(args.gold), *flags]


def _sources_argv(args: argparse.Namespace) -> list[str]:
    paths = ["--labels", str(args.labels), "--articles", str(args.articles)]
    flags = ["--given-speakers"] * args.given_speakers + ["--errors"] * args.errors
    return [*paths, "--split", args.split, *flags]


def _sentiment_argv(args: argparse.Namespace) -> list[str]:
    return [str(args.gold)]


def run_evaluation(args: argparse.Namespace) -> int:
    """Run the evaluation ``args.stage`` names with the paths and options given."""
    argv = {"quotes": _quotes_argv, "sources": _sources_argv, "sentiment": _sentiment_argv}[
        args.stage
    ](args)
    return importlib.import_module(ENTRY_POINTS[args.stage]).main(argv)


def add_evaluate_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``evaluate`` command (``quotes``, ``sources``, ``sentiment``) to ``subparsers``.

    Returns
    -------
    argparse.ArgumentParser
        The ``evaluate`` parser; its namespace carries ``stage``, the paths, the options and
        ``run=run_evaluation``.
    """
    parser = subparsers.add_parser(
        "evaluate",
        help="score a stage against gold data: quotes, sources or sentiment",
        description="Score one stage of the analysis against gold data given by path.",
    )
    stages = parser.add_subparsers(dest="stage", required=True, metavar="STAGE")

    quotes = stages.add_parser("quotes", help="the quote extractor against PolNeAR-style JSONL")
    quotes.add_argument(
        "gold", nargs="?", type=Path, help="gold JSONL, e.g. ../shared/eval/dev.jsonl"
    )
    quotes.add_argument(
        "--seed", type=Path, help="check a hand-checked ARTICLE.txt against its .gold.json"
    )
    quotes.add_argument(
        "--as-extracted",
        action="store_true",
        help="score quotes as extracted, without joining continuations as PolNeAR does",
    )
    quotes.add_argument("--json", action="store_true", help="one JSON object per threshold")
    quotes.set_defaults(usage_error=quotes.error)

    sources = stages.add_parser("sources", help="source profiles against hand labels")
    sources.add_argument(
        "labels", type=Path, help="labels CSV, e.g. tests/data/source_labels/labels.csv"
    )
    sources.add_argument("articles", type=Path, help="the labelled articles' JSONL")
    sources.add_argument(
        "--given-speakers",
        action="store_true",
        help="profile the labelled speakers directly, without the quote extractor",
    )
    sources.add_argument(
        "--split", choices=("dev", "test", "all"), default="all", help="labels to score"
    )
    sources.add_argument("--errors", action="store_true", help="also list every disagreement")

    sentiment = stages.add_parser("sentiment", help="TextBlob and VADER against human labels")
    sentiment.add_argument("gold", type=Path, help="e.g. ../shared/eval/sentiment_dev.jsonl")

    parser.set_defaults(run=run_evaluation)
    return parser


__all__ = ["ENTRY_POINTS", "add_evaluate_arguments", "run_evaluation"]
