"""``newsroom-workbook import {wikinews,webpages,table} SOURCE ... --into DIR``.

`add_import_arguments` adds the ``import`` command to a parser's subcommands and
`run_import` runs it; ``python -m analysis.importers`` runs the same command on its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError
from analysis.importers.tabular import import_table
from analysis.importers.webpages import HTML_SUFFIXES, import_webpages
from analysis.importers.wikinews import import_wikinews
from analysis.importers.writer import ImportReport, iter_files

MAX_LISTED = 20


def add_import_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``import`` command (with ``wikinews``, ``webpages``, ``table``) to `subparsers`.

    Returns
    -------
    argparse.ArgumentParser
        The ``import`` parser; its namespace carries ``source_kind``, the options and
        ``run=run_import``.
    """
    parser = subparsers.add_parser(
        "import",
        help="write Wikinews dumps, saved web pages or CSV/JSONL exports as corpus files",
        description="Write articles in the corpus format (one .txt with YAML front matter "
        "each). Existing files are skipped and reported unless --overwrite is given.",
    )
    kinds = parser.add_subparsers(dest="source_kind", required=True, metavar="SOURCE_KIND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--into", required=True, type=Path, help="corpus folder to write to")
        sub.add_argument("--overwrite", action="store_true", help="replace existing files")
        sub.add_argument("--report", type=Path, help="also save the report as CSV to this file")

    wiki = kinds.add_parser("wikinews", help="MediaWiki XML export (.xml, .xml.bz2) of Wikinews")
    wiki.add_argument("source", type=Path, help="the export file")
    wiki.add_argument("--since", help="keep articles dated on or after YYYY-MM-DD")
    wiki.add_argument("--until", help="keep articles dated on or before YYYY-MM-DD")
    wiki.add_argument(
        "--category", action="append", dest="categories", metavar="NAME",
        help="keep articles in this category (repeat for several; any one matches)",
    )  # fmt: skip
    wiki.add_argument(
        "--published-only", action="store_true",
        help="keep only pages marked {{publish}} or {{archived}} (no drafts)",
    )  # fmt: skip
    common(wiki)

    pages = kinds.add_parser("webpages", help="saved .html pages (a folder or files)")
    pages.add_argument("source", nargs="+", type=Path, help="folder(s) or .html files")
    pages.add_argument("--outlet", help="outlet of every page (default: the page's site name)")
    pages.add_argument("--country", help="country of every page (ISO code or name)")
    pages.add_argument("--license", help="licence of every page, e.g. CC-BY-4.0")
    common(pages)

    table = kinds.add_parser("table", help="CSV or JSONL export with a column mapping")
    table.add_argument("source", type=Path, help="the .csv, .tsv or .jsonl file")
    table.add_argument(
        "--text-column", default=None, help="column with the article text (default: guessed)"
    )
    for key in ("title", "id", "date", "outlet", "url", "author", "country", "license"):
        table.add_argument(
            f"--{key}-column", metavar="COLUMN", help=f"column with the {key} (default: guessed)"
        )
    table.add_argument(
        "--extra-column", action="append", default=[], metavar="COLUMN",
        help="copy this column into the front matter (repeatable)",
    )  # fmt: skip
    table.add_argument(
        "--default", action="append", default=[], metavar="KEY=VALUE",
        help="metadata for rows that have none, e.g. --default outlet='Le Monde' (repeatable)",
    )  # fmt: skip
    table.add_argument("--delimiter", help="CSV delimiter when the guess is wrong")
    common(table)
    parser.set_defaults(run=run_import)  # the main CLI dispatches on args.run
    return parser


def _defaults(pairs: list[str]) -> dict[str, str]:
    defaults = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnalysisError(f"--default {pair!r}: expected KEY=VALUE, e.g. outlet=Le Monde")
        defaults[key.strip()] = value.strip()
    return defaults


def _run(args: argparse.Namespace) -> ImportReport:
    if args.source_kind == "wikinews":
        return import_wikinews(
            args.source,
            args.into,
            since=args.since,
            until=args.until,
            categories=args.categories,
            published_only=args.published_only,
            overwrite=args.overwrite,
        )
    if args.source_kind == "webpages":
        sources = args.source[0] if len(args.source) == 1 else _expand(args.source)
        return import_webpages(
            sources,
            args.into,
            outlet=args.outlet,
            country=args.country,
            license=args.license,
            overwrite=args.overwrite,
        )
    return import_table(
        args.source,
        args.into,
        text_column=args.text_column,
        title_column=args.title_column,
        id_column=args.id_column,
        date_column=args.date_column,
        outlet_column=args.outlet_column,
        url_column=args.url_column,
        author_column=args.author_column,
        country_column=args.country_column,
        license_column=args.license_column,
        extra_columns=args.extra_column,
        defaults=_defaults(args.default),
        delimiter=args.delimiter,
        overwrite=args.overwrite,
    )


def _expand(sources: list[Path]) -> list[Path]:
    return [path for source in sources for path in iter_files(source, HTML_SUFFIXES)]


def run_import(args: argparse.Namespace) -> int:
    """Run the ``import`` command parsed by `add_import_arguments`; print a summary.

    Returns
    -------
    int
        0 when the import ran (skipped items are listed, not failures), 1 when it could
        not run (missing source, unmapped column, bad option), with the reason on stderr.
    """
    try:
        report = _run(args)
    except AnalysisError as err:
        print(f"import failed: {err}", file=sys.stderr)
        return 1
    print(report.summary())
    listed = report.skipped.loc[lambda d: ~d["kind"].isin(["not_article", "filtered"])]
    for row in listed.head(MAX_LISTED).itertuples(index=False):
        print(f"  skipped {row.source}: {row.problem}")
    if len(listed) > MAX_LISTED:
        print(f"  ... and {len(listed) - MAX_LISTED} more (see --report)")
    if args.report is not None:
        report_table(report).to_csv(args.report, index=False)
        print(f"report saved to {args.report}")
    return 0


def report_table(report: ImportReport) -> pd.DataFrame:
    """Written and skipped items in one table: one row per item, ``status`` first."""
    return pd.concat(
        [report.written.assign(status="written"), report.skipped.assign(status="skipped")],
        ignore_index=True,
    ).reindex(columns=["status", "source", "article_id", "path", "kind", "problem", "note"])


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m analysis.importers [import] SOURCE_KIND ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in {"wikinews", "webpages", "table"}:
        argv.insert(0, "import")
    parser = argparse.ArgumentParser(prog="python -m analysis.importers")
    add_import_arguments(parser.add_subparsers(dest="command", required=True))
    return run_import(parser.parse_args(argv))
